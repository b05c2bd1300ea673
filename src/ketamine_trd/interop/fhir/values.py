"""FHIR primitive values from Python ones: instants in UTC, numbers without a spurious ``.0``.

>>> instant(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
'2026-03-02T09:00:00+00:00'
>>> number(Decimal("35.00")), number(Decimal("52.5"))
(35, 52.5)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

__all__ = ["instant", "number"]


def instant(value: dt.datetime) -> str:
    """An aware date-time as FHIR ``dateTime`` text in UTC."""
    return value.astimezone(dt.UTC).isoformat()


def number(value: Decimal | int) -> int | float:
    """A JSON number: an integer when the value is whole, else a float."""
    exact = Decimal(value)
    return int(exact) if exact == exact.to_integral_value() else float(exact)
