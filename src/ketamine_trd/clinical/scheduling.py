"""Placing sessions on a calendar: nominal dates, a minimum gap, and days the clinic is closed.

Every placed date is on or after its nominal date, at least ``min_gap_days`` after the previous one, and on an
open day; dates are therefore strictly increasing.

>>> import datetime as dt
>>> closed = ClosedDays(weekdays=frozenset({5, 6}))
>>> place([dt.date(2026, 1, 5), dt.date(2026, 1, 10)], min_gap_days=2, closed=closed)
[datetime.date(2026, 1, 5), datetime.date(2026, 1, 12)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ketamine_trd.errors import InputError

__all__ = ["WEEKDAYS", "ClosedDays", "parse_weekdays", "place"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekdays(text: str, field_name: str = "closed_weekdays") -> frozenset[int]:
    """``"sat,sun"`` -> ``{5, 6}`` (Monday is 0); ``""`` or ``"none"`` -> no day.

    >>> sorted(parse_weekdays("Sat, sun"))
    [5, 6]
    """
    days: set[int] = set()
    for part in text.split(","):
        key = part.strip().lower()[:3]
        if key in ("", "non"):
            continue
        if key not in WEEKDAYS:
            raise InputError(field_name, part.strip(), ", ".join(WEEKDAYS) + " or none")
        days.add(WEEKDAYS.index(key))
    return frozenset(days)


@dataclass(frozen=True, slots=True)
class ClosedDays:
    """Weekdays (0 = Monday) and dates on which the clinic does not dose."""

    weekdays: frozenset[int] = frozenset()
    dates: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not all(0 <= d <= 6 for d in self.weekdays):
            raise InputError("closed_weekdays", sorted(self.weekdays), "0 (Monday) to 6 (Sunday)")
        if len(self.weekdays) >= 7:
            raise InputError("closed_weekdays", sorted(self.weekdays), "at most 6 closed weekdays")

    def is_closed(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays or day in self.dates


def place(nominal: Iterable[dt.date], *, min_gap_days: int, closed: ClosedDays) -> list[dt.date]:
    """Move each nominal date forward as needed: after the minimum gap, then to the next open day."""
    placed: list[dt.date] = []
    for want in nominal:
        day = want if not placed else max(want, placed[-1] + dt.timedelta(days=min_gap_days))
        for _ in range(7 * (len(closed.dates) + 1) + 7):
            if not closed.is_closed(day):
                break
            day += dt.timedelta(days=1)
        else:  # pragma: no cover - ClosedDays keeps a weekday open, so a finite scan always ends
            raise InputError("closed_dates", len(closed.dates), "an open day after every closed stretch")
        placed.append(day)
    return placed
