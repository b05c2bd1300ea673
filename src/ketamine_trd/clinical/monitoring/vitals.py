"""Vital signs and the timed vital-signs schedule of a session.

Plausibility ranges refuse typing errors (300/20 mmHg, SpO2 180%), not unusual patients: they
are platform-defined, wide, and say so. The schedule comes from the profile's time points
(SPRAVATO: before dosing, about 40 min after, before the end of the session, S1 p7 and S8).

>>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
>>> try:
...     VitalSigns(t0, systolic_mmhg=300, diastolic_mmhg=20, heart_rate_bpm=70, spo2_percent=98)
... except InputError as error:
...     print(error.field, error.value, error.allowed)
systolic_mmhg 300 50 to 260 mmHg (platform-defined plausibility range)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from ketamine_trd.clinical.monitoring.vocabulary import minutes_between, require_aware
from ketamine_trd.clinical.monitoring_profiles import Cited, MonitoringProfile, TimePoint
from ketamine_trd.errors import InputError

__all__ = ["PLAUSIBLE_RANGES", "CheckStatus", "ScheduledCheck", "VitalSigns", "vitals_schedule"]

#: Plausibility ranges (inclusive) used to refuse typing errors; platform-defined, not clinical limits.
PLAUSIBLE_RANGES: dict[str, Cited[tuple[float, float]]] = {
    "systolic_mmhg": Cited((50, 260), source="platform-defined"),
    "diastolic_mmhg": Cited((20, 160), source="platform-defined"),
    "heart_rate_bpm": Cited((20, 250), source="platform-defined"),
    "spo2_percent": Cited((50, 100), source="platform-defined"),
    "respiratory_rate_per_min": Cited((4, 60), source="platform-defined"),
}
_UNITS = {
    "systolic_mmhg": "mmHg",
    "diastolic_mmhg": "mmHg",
    "heart_rate_bpm": "bpm",
    "spo2_percent": "%",
    "respiratory_rate_per_min": "breaths/min",
}


def _check_range(field: str, value: float | None) -> None:
    if value is None:
        return
    low, high = PLAUSIBLE_RANGES[field].value
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InputError(field, value, f"{low:g} to {high:g} {_UNITS[field]} (platform-defined plausibility range)")


@dataclass(frozen=True, slots=True)
class VitalSigns:
    """One set of vital signs taken at ``taken_at`` (timezone-aware).

    BP is required (every SPRAVATO time point asks for it, S8); HR, SpO2 and respiratory rate may
    be missing (``None``) and are then reported as not measured, never guessed.
    """

    taken_at: dt.datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int | None = None
    spo2_percent: float | None = None
    respiratory_rate_per_min: int | None = None

    def __post_init__(self) -> None:
        require_aware("taken_at", self.taken_at)
        for field in _UNITS:
            _check_range(field, getattr(self, field))
        if self.diastolic_mmhg >= self.systolic_mmhg:
            raise InputError(
                "diastolic_mmhg", self.diastolic_mmhg, f"below the systolic value ({self.systolic_mmhg} mmHg)"
            )

    @property
    def bp_text(self) -> str:
        """``"132/84 mmHg"``."""
        return f"{self.systolic_mmhg}/{self.diastolic_mmhg} mmHg"


class CheckStatus(StrEnum):
    """Where a timed check stands at ``now``."""

    DONE = "done"
    AWAITING_DOSE = "awaiting_dose"
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class ScheduledCheck:
    """One time point of the schedule: when it is due, its status at ``now`` and the reading that met it."""

    time_point: str
    label: str
    due_at: dt.datetime | None
    status: CheckStatus
    source: str
    reading: VitalSigns | None = None


def _predose_check(
    point: TimePoint, dosed_at: dt.datetime | None, readings: tuple[VitalSigns, ...], window: int, now: dt.datetime
) -> ScheduledCheck:
    anchor = dosed_at if dosed_at is not None else now
    found = [r for r in readings if 0 <= minutes_between(r.taken_at, anchor) <= window]
    reading = max(found, key=lambda r: r.taken_at) if found else None
    if reading is not None:
        status = CheckStatus.DONE
    else:
        status = CheckStatus.OVERDUE if dosed_at is not None else CheckStatus.DUE
    return ScheduledCheck(point.id, point.label, dosed_at, status, point.source, reading)


def _post_check(
    point: TimePoint,
    minutes: int,
    dosed_at: dt.datetime,
    readings: tuple[VitalSigns, ...],
    grace: int,
    now: dt.datetime,
) -> ScheduledCheck:
    due = dosed_at + dt.timedelta(minutes=minutes)
    if point.before_discharge:
        found = [r for r in readings if minutes_between(due, r.taken_at) >= -grace]
    else:
        found = [r for r in readings if abs(minutes_between(due, r.taken_at)) <= grace]
    reading = min(found, key=lambda r: abs(minutes_between(due, r.taken_at))) if found else None
    late = minutes_between(due, now)
    if reading is not None:
        status = CheckStatus.DONE
    elif late < -grace:
        status = CheckStatus.UPCOMING
    elif late <= grace or point.before_discharge:
        status = CheckStatus.DUE
    else:
        status = CheckStatus.OVERDUE
    return ScheduledCheck(point.id, point.label, due, status, point.source, reading)


def vitals_schedule(
    readings: tuple[VitalSigns, ...],
    product: str,
    profile: MonitoringProfile,
    now: dt.datetime,
    *,
    dosed_at: dt.datetime | None,
) -> tuple[ScheduledCheck, ...]:
    """The profile's timed checks for one session with their status at ``now``.

    ``dosed_at`` is the first device (esketamine) or the start of the infusion; ``None`` before
    dosing. A reading meets a post-dose point when taken within the profile's grace minutes of it;
    readings after ``now`` are ignored.

    >>> from ketamine_trd.clinical.monitoring_profiles import get_profile
    >>> label = get_profile("spravato-label", on=dt.date(2026, 3, 2))
    >>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> pre = VitalSigns(t0 - dt.timedelta(minutes=10), 128, 82)
    >>> [(c.time_point, c.status.value) for c in vitals_schedule((pre,), "esketamine-nasal", label,
    ...     t0 + dt.timedelta(minutes=55), dosed_at=t0)]
    [('predose', 'done'), ('post-40', 'overdue'), ('discharge', 'upcoming')]
    """
    profile.require_product(product)
    require_aware("now", now)
    if dosed_at is not None:
        require_aware("dosed_at", dosed_at)
    seen = tuple(r for r in readings if r.taken_at <= now)
    grace, window = profile.grace_minutes.value, profile.predose_window_minutes.value
    checks: list[ScheduledCheck] = []
    for point in profile.time_points:
        if point.minutes_after_dose is None:
            checks.append(_predose_check(point, dosed_at, seen, window, now))
        elif dosed_at is None:
            checks.append(ScheduledCheck(point.id, point.label, None, CheckStatus.AWAITING_DOSE, point.source))
        else:
            checks.append(_post_check(point, point.minutes_after_dose.value, dosed_at, seen, grace, now))
    return tuple(checks)
