"""Reading JSON-shaped input: each helper refuses a bad value with an ``InputError`` naming the dotted field.

Quantities carry their unit in the key (``weight_kg``); a key with another unit (``weight_lb``) or none
(``weight``) is refused with a ``UnitError``, never converted by guess.

>>> number({"weeks": 6}, "weeks", "trials[0]", minimum=0, maximum=520)
6.0
>>> choice({"sex": "F"}, "sex", "", ("female", "male"))
Traceback (most recent call last):
...
ketamine_trd.errors.InputError: sex: 'F' is not allowed (allowed: female, male)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ketamine_trd.errors import InputError, UnitError

__all__ = ["boolean", "choice", "dotted", "mapping", "number", "refuse_unknown_keys", "sequence"]

_MISSING = object()

MAX_LIST_ITEMS = 500
"""The most entries a list of one person's history or profile may hold (trials, medicines, conditions).

A platform-defined bound, not a clinical value: it keeps a run bounded in time (a 1M-trial history ran for
minutes) and is far above any real history."""


def dotted(prefix: str, key: str | int) -> str:
    """``trials[0]`` + ``weeks`` -> ``trials[0].weeks``; an int key gives an index."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def mapping(value: Any, field: str) -> Mapping[str, Any]:
    """``value`` as a JSON object, or an error naming ``field``."""
    if not isinstance(value, Mapping):
        raise InputError(field or "(document)", type(value).__name__, "a JSON object")
    return value


def sequence(data: Mapping[str, Any], key: str, prefix: str) -> list[Any]:
    """The list under ``key`` (absent means empty; at most :data:`MAX_LIST_ITEMS` entries)."""
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(dotted(prefix, key), value, "a JSON list")
    if len(value) > MAX_LIST_ITEMS:
        raise InputError(
            dotted(prefix, key), f"{len(value)} entries", f"a list of at most {MAX_LIST_ITEMS} entries (platform bound)"
        )
    return value


def number(
    data: Mapping[str, Any],
    key: str,
    prefix: str,
    *,
    minimum: float,
    maximum: float,
    unit: str = "",
    default: Any = _MISSING,
    nullable: bool = False,
) -> Any:
    """A number in ``[minimum, maximum]`` under ``key`` (``unit`` is only for the message)."""
    field = dotted(prefix, key)
    allowed = f"a number from {minimum:g} to {maximum:g}{' ' + unit if unit else ''}"
    if key not in data:
        if default is not _MISSING:
            return default
        raise InputError(field, None, allowed, reason="is missing")
    value = data[key]
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(field, value, allowed)
    if not minimum <= value <= maximum:
        raise InputError(field, value, allowed)
    return float(value)


def boolean(data: Mapping[str, Any], key: str, prefix: str, *, default: bool | None = None) -> bool | None:
    """``true`` or ``false`` under ``key``; ``default`` when absent."""
    if key not in data or data[key] is None:
        return default
    value = data[key]
    if not isinstance(value, bool):
        raise InputError(dotted(prefix, key), value, "true or false")
    return value


def choice(data: Mapping[str, Any], key: str, prefix: str, allowed: Iterable[str], *, default: Any = _MISSING) -> Any:
    """One of ``allowed`` (case-insensitive) under ``key``."""
    options = tuple(allowed)
    field = dotted(prefix, key)
    if key not in data or data[key] is None:
        if default is not _MISSING:
            return default
        raise InputError(field, None, ", ".join(options), reason="is missing")
    value = data[key]
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in options:
        raise InputError(field, value, ", ".join(options))
    return text


_UNIT_ALIASES = {"lb": "pounds", "lbs": "pounds", "in": "inches", "inch": "inches", "g": "grams", "mcg": "micrograms"}


def refuse_unknown_keys(data: Mapping[str, Any], prefix: str, known: Iterable[str]) -> None:
    """Refuse keys that are not in ``known``: a unit mix-up (``weight_lb`` for ``weight_kg``) as a ``UnitError``."""
    known_set = set(known)
    for key in data:
        if key in known_set:
            continue
        if any(k.startswith(f"{key}_") for k in known_set):
            expected = sorted(k for k in known_set if k.startswith(f"{key}_"))
            raise UnitError(dotted(prefix, key), data[key], ", ".join(expected), reason="has no unit in its name")
        stem, _, unit = str(key).rpartition("_")
        if unit in _UNIT_ALIASES or any(k.startswith(f"{stem}_") for k in known_set if stem):
            expected = sorted(k for k in known_set if k.startswith(f"{stem}_")) or sorted(known_set)
            raise UnitError(
                dotted(prefix, key),
                data[key],
                f"{', '.join(expected)}; units are never converted by guess",
                reason="is not in a known unit",
            )
        raise InputError(
            dotted(prefix, key),
            data[key],
            "known fields: " + ", ".join(sorted(known_set)),
            reason="is not a known field",
        )
