"""Printing results: Rich for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console

from ketamine_trd.jsonable import to_jsonable

__all__ = ["console", "emit", "err_console", "to_jsonable"]

console = Console()
err_console = Console(stderr=True)


def emit(data: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print ``data`` as JSON (``--json``) or through ``render`` (Rich) for people."""
    if as_json or render is None:
        print(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))  # noqa: T201
    else:
        render(data)
