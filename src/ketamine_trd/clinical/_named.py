"""Looking up a named profile in its table: one refusal, listing the names a caller may choose.

>>> named({"a": 1, "b": 2}, None, default="a", field="profile")
1
>>> named({"a": 1, "b": 2}, "z", default="a", field="profile")
Traceback (most recent call last):
...
ketamine_trd.errors.UnknownTermError: profile: 'z' is not allowed (allowed: a, b)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from ketamine_trd.errors import UnknownTermError

__all__ = ["named"]

V = TypeVar("V")


def named(table: Mapping[str, V], name: str | None, *, default: str, field: str) -> V:
    """The entry of ``table`` called ``name`` (``None``: ``default``); an unknown name is refused under ``field``."""
    key = default if name is None else name
    try:
        return table[key]
    except KeyError:
        raise UnknownTermError(field, name, ", ".join(table)) from None
