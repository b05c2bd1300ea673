"""The dated values a patient's measurement timeline is made of.

``Assessment`` (a dated total of one instrument), ``DoseRecord`` (a dated dosing session),
``RelapseEvent`` (a recorded clinical event that counts as relapse) and ``ScreenRecord`` (a
periodic safety screen done outside the instruments, such as liver enzymes). Each validates
once at construction and refuses bad values with ``InputError``.

>>> import datetime as dt
>>> Assessment(dt.date(2026, 1, 5), 30, "madrs").total
30.0
>>> DoseRecord(dt.date(2026, 1, 5), dose_mg=56).dose_mg
56.0
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ketamine_trd.errors import InputError

__all__ = [
    "PHASES",
    "RELAPSE_EVENT_KINDS",
    "SCREENS",
    "Assessment",
    "DoseRecord",
    "RelapseEvent",
    "ScreenRecord",
]

PHASES = ("induction", "maintenance")
#: Recorded events that count as relapse in SUSTAIN-1 (source ``nct02493868``).
RELAPSE_EVENT_KINDS = (
    "hospitalisation_worsening_depression",
    "hospitalisation_suicide_prevention",
    "suicide_attempt",
    "suicide",
    "other_clinically_relevant",
)
SCREENS = ("bladder", "cognitive", "liver_enzymes", "blood_pressure_review")


def _check_date(field: str, value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InputError(field, value, "a date (datetime.date, ISO 8601 in files)")


def _check_moment(field: str, value: object) -> None:
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise InputError(field, value, "a date and time with a time zone (or none)")


def _number(field: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(field, value, f"a number from {low:g} to {high:g}")
    number = float(value)
    if not low <= number <= high:
        raise InputError(field, value, f"a number from {low:g} to {high:g}")
    return number


@dataclass(frozen=True, slots=True)
class Assessment:
    """One dated total of one instrument; the total must lie in the instrument's range.

    ``date`` is the day on the clinic's calendar; ``at`` (optional, time-zone aware) is the moment it was taken,
    which tells a same-day baseline taken before the first dose from a score taken after it.

    >>> morning = dt.datetime(2026, 1, 5, 8, 45, tzinfo=dt.UTC)
    >>> Assessment(dt.date(2026, 1, 5), 17, "phq9", at=morning).at.hour
    8
    """

    date: dt.date
    total: float
    instrument: str
    at: dt.datetime | None = None

    def __post_init__(self) -> None:
        from ketamine_trd.clinical import instruments

        _check_date("assessment.date", self.date)
        _check_moment("assessment.at", self.at)
        inst = instruments.get(self.instrument)
        span = inst.total_range
        if span is None:
            raise InputError("assessment.instrument", self.instrument, "an instrument with a total score")
        object.__setattr__(self, "total", _number(f"assessment.total ({inst.id})", self.total, *span))


@dataclass(frozen=True, slots=True)
class DoseRecord:
    """One dosing session: date, dose in mg (None when not recorded), and what surveillance needs.

    ``phase`` is ``induction`` or ``maintenance`` (None if not recorded); ``escalation_reason``
    explains a dose higher than the previous one; ``early_request`` marks a session the patient
    asked to bring forward; pre-dose blood pressure in mmHg; ``at`` (optional, time-zone aware) the moment
    the dose was given.
    """

    date: dt.date
    dose_mg: float | None = None
    phase: str | None = None
    escalation_reason: str | None = None
    early_request: bool = False
    predose_systolic_mmhg: float | None = None
    predose_diastolic_mmhg: float | None = None
    at: dt.datetime | None = None

    def __post_init__(self) -> None:
        _check_date("dose.date", self.date)
        _check_moment("dose.at", self.at)
        if self.dose_mg is not None:
            object.__setattr__(self, "dose_mg", _number("dose.dose_mg", self.dose_mg, 0, 10_000))
        if self.phase is not None and self.phase not in PHASES:
            raise InputError("dose.phase", self.phase, ", ".join(PHASES))
        if not isinstance(self.early_request, bool):
            raise InputError("dose.early_request", self.early_request, "true or false")
        for name in ("predose_systolic_mmhg", "predose_diastolic_mmhg"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _number(f"dose.{name}", value, 30, 300))


@dataclass(frozen=True, slots=True)
class RelapseEvent:
    """A recorded clinical event that counts as relapse (SUSTAIN-1), dated at its start."""

    date: dt.date
    kind: str

    def __post_init__(self) -> None:
        _check_date("relapse_event.date", self.date)
        if self.kind not in RELAPSE_EVENT_KINDS:
            raise InputError("relapse_event.kind", self.kind, ", ".join(RELAPSE_EVENT_KINDS))


@dataclass(frozen=True, slots=True)
class ScreenRecord:
    """A periodic safety screen done on a date (liver enzymes, a blood-pressure review, ...)."""

    date: dt.date
    screen: str

    def __post_init__(self) -> None:
        _check_date("screen.date", self.date)
        if self.screen not in SCREENS:
            raise InputError("screen.screen", self.screen, ", ".join(SCREENS))
