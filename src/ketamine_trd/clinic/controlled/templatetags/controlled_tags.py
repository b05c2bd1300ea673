"""``{{ value|mg }}``: a stored quantity without trailing zeros (959.20 -> 959.2, 1000.00 -> 1000)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def mg(value: Any) -> str:
    """The quantity as typed on a label: no trailing zeros, no exponent."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
