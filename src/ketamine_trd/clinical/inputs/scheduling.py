"""Chairs, opening hours, closed days and bookings: the one description of what the clinic types.

The scheduling forms are generated from these types (``clinic/inputs.py``), so a range or a pattern lives here
only. Times of day are the clinic's wall-clock time (``HH:MM``); whether a booking fits the opening hours and the
chair is free is judged by the booking service, not here.

>>> BookCourseInput(chair_id="3", start_time="09:00").sessions
'induction'
>>> try:
...     HoursInput(weekday="mon", opens="18:00", closes="08:00")
... except InputError as error:
...     print(error.field)
closes
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Choice, Day, Moment, Number, Text
from ketamine_trd.clinical.scheduling import WEEKDAYS
from ketamine_trd.errors import InputError

__all__ = [
    "BOOK_WHICH",
    "RESOURCE_KINDS",
    "BookCourseInput",
    "CancelInput",
    "ChairInput",
    "ClosedDayInput",
    "HoursInput",
    "MoveInput",
    "clock_time",
]

#: what a chair resource is (platform vocabulary)
RESOURCE_KINDS: tuple[tuple[str, str], ...] = (("chair", "Treatment chair"), ("room", "Treatment room"))
#: which planned sessions a booking takes
BOOK_WHICH: tuple[tuple[str, str], ...] = (("induction", "Induction sessions"), ("all", "Every planned session"))
_HHMM = r"([01][0-9]|2[0-3]):[0-5][0-9]"
_HHMM_WORDS = "a time of day as HH:MM (24-hour clock)"
#: a move or cancellation keeps a reason (platform rule, like every other written reason: at least 5 characters)
_REASON = Text("Reason", max_length=500, min_length=5, multiline=True)


def clock_time(text: str) -> dt.time:
    """``"09:30"`` -> ``time(9, 30)`` (the pattern was checked by the spec).

    >>> clock_time("17:45")
    datetime.time(17, 45)
    """
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _id(label: str) -> Number:
    return Number(label, low=Decimal(1), high=Decimal(2**31 - 1), places=0)


@dataclass(frozen=True, slots=True)
class ChairInput(InputType):
    """A chair or room of the clinic."""

    name: str = spec(Text("Name", max_length=40, min_length=1))
    kind: str = spec(Choice("Kind", options=tuple(k for k, _ in RESOURCE_KINDS),
                            labels=tuple(w for _, w in RESOURCE_KINDS)), "chair")  # fmt: skip


@dataclass(frozen=True, slots=True)
class HoursInput(InputType):
    """The opening hours on one weekday; both blank: closed that weekday."""

    weekday: str = spec(Choice("Weekday", options=WEEKDAYS))
    opens: str = spec(Text("Opens", required=False, max_length=5, pattern=_HHMM, pattern_words=_HHMM_WORDS), "")
    closes: str = spec(Text("Closes", required=False, max_length=5, pattern=_HHMM, pattern_words=_HHMM_WORDS), "")

    def _check(self) -> None:
        if bool(self.opens) != bool(self.closes):
            blank = "closes" if self.opens else "opens"
            raise InputError(blank, "", "both times, or neither (closed that day)", reason="is missing")
        if self.opens and clock_time(self.closes) <= clock_time(self.opens):
            raise InputError("closes", self.closes, f"a time after the opening time {self.opens}")


@dataclass(frozen=True, slots=True)
class ClosedDayInput(InputType):
    """A date on which the clinic does not dose (a holiday)."""

    day: dt.date = spec(Day("Date", earliest=dt.date(2000, 1, 1)))
    reason: str = spec(Text("Why (shown on the calendar)", required=False, max_length=100), "")


@dataclass(frozen=True, slots=True)
class BookCourseInput(InputType):
    """Book a course's planned calendar: one chair, one time of day, the planned sessions chosen."""

    chair_id: Decimal = spec(_id("Chair"))
    start_time: str = spec(Text("Time of day", max_length=5, pattern=_HHMM, pattern_words=_HHMM_WORDS))
    sessions: str = spec(Choice("Sessions", options=tuple(k for k, _ in BOOK_WHICH),
                                labels=tuple(w for _, w in BOOK_WHICH)), "induction")  # fmt: skip


@dataclass(frozen=True, slots=True)
class MoveInput(InputType):
    """Move one booked session to another time (and chair), with a reason."""

    chair_id: Decimal = spec(_id("Chair"))
    starts_at: dt.datetime = spec(Moment("New time", future_ok=True))
    reason: str = spec(_REASON)


@dataclass(frozen=True, slots=True)
class CancelInput(InputType):
    """Cancel one booked session, with a reason."""

    reason: str = spec(_REASON)
