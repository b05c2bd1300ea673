"""Lazy Matplotlib (Agg backend) for the analytics plots."""

from __future__ import annotations

from typing import Any

from ketamine_trd.errors import DependencyMissing

__all__ = ["pyplot"]


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend; raises if Matplotlib is absent."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - matplotlib is in the analytics extra
        raise DependencyMissing("matplotlib", "plot") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
