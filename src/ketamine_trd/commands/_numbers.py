"""The CLI's one reader of numbers given as options: finite, or exit 2 naming the option.

Typer's plain ``float`` takes ``nan``, ``inf`` and ``1e308``; ``finite`` refuses the first two with the core's
message (``clinical.inputs.fields.finite_number``), and each command's input type refuses what is out of range.

>>> finite("12.5")
12.5
"""

from __future__ import annotations

import typer

from ketamine_trd.clinical.inputs.fields import finite_number
from ketamine_trd.errors import InputError

__all__ = ["finite"]


def finite(value: str | float) -> float:
    """``value`` as a float if it is a finite number; otherwise ``typer.BadParameter`` (exit 2)."""
    if isinstance(value, float):
        value = repr(value)
    try:
        return float(finite_number("value", value, "a finite number"))
    except InputError as error:
        raise typer.BadParameter(f"{value!r} {error.reason or 'is not allowed'}; allowed: a finite number") from None


#: ``commands._params`` applies this parser itself, without Typer's pydantic adapter (start-up time)
finite.plain = True  # type: ignore[attr-defined]
