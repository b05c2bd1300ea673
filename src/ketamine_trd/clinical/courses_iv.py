"""Planning an IV racemic ketamine course: induction at two or three infusions a week, then maintenance.

>>> import datetime as dt
>>> plan = plan_iv(IvCourseRequest(start=dt.date(2026, 1, 5), weight_kg=70))
>>> [s.date.isoformat() for s in plan.sessions][:3], plan.sessions[0].dose_mg
(['2026-01-05', '2026-01-08', '2026-01-12'], 35.0)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinical.courses_model import CoursePlan, PlannedSession, reassessments
from ketamine_trd.clinical.dosing.iv import IvDoseProfile, get_iv_profile, ketamine_iv_dose
from ketamine_trd.clinical.scheduling import ClosedDays, place
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = [
    "INFUSIONS_RANGE",
    "MAINTENANCE_OPTIONS",
    "MAINTENANCE_SESSIONS_RANGE",
    "PER_WEEK_OPTIONS",
    "IvCourseRequest",
    "plan_iv",
]

MAINTENANCE_OPTIONS = ("none", "weekly", "every-2-weeks", "monthly", "taper")
_OFFSETS = {2: (0, 3), 3: (0, 2, 4)}  # days into each week: Mon/Thu or Mon/Wed/Fri from the start day
#: induction infusions a week (the trial schedules: twice or thrice weekly)
PER_WEEK_OPTIONS = tuple(_OFFSETS)
#: induction infusions in a course (KetECT gave up to 12, S27)
INFUSIONS_RANGE = (1, 12)
#: maintenance sessions planned after induction (platform-defined: at most a year of weekly sessions)
MAINTENANCE_SESSIONS_RANGE = (0, 52)
_INTERVAL_DAYS = {"weekly": 7, "every-2-weeks": 14, "monthly": 28}
WEEKEND = frozenset({5, 6})


def check_common(start: dt.date, min_gap_days: int, reassess_every_weeks: int) -> None:
    """Shared request checks (dates and platform-defined spacing)."""
    if not isinstance(start, dt.date):
        raise InputError("start", start, "a date (YYYY-MM-DD)")
    if not 1 <= min_gap_days <= 14:
        raise InputError("min_gap_days", min_gap_days, "1 to 14 days")
    if not 1 <= reassess_every_weeks <= 52:
        raise InputError("reassess_every_weeks", reassess_every_weeks, "1 to 52 weeks")


@dataclass(frozen=True, slots=True)
class IvCourseRequest:
    """An IV course: induction ``infusions`` at ``per_week`` (2 or 3), then ``maintenance_sessions`` of an option.

    ``weight_kg`` (with ``weight_basis``, ``height_cm``, ``sex``) gives each session a dose in mg too.
    """

    start: dt.date
    mg_per_kg: float = 0.5
    infusions: int = 6
    per_week: int = 2
    maintenance: str = "none"
    maintenance_sessions: int = 0
    weight_kg: float | None = None
    weight_basis: str = "actual"
    height_cm: float | None = None
    sex: str | None = None
    min_gap_days: int = 2
    closed: ClosedDays = ClosedDays(weekdays=WEEKEND)
    reassess_every_weeks: int = 12
    dose_profile: str | IvDoseProfile | None = None

    def __post_init__(self) -> None:
        check_common(self.start, self.min_gap_days, self.reassess_every_weeks)
        if self.per_week not in _OFFSETS:
            raise InputError("per_week", self.per_week, "2 or 3 infusions a week")
        low, high = INFUSIONS_RANGE
        if not low <= self.infusions <= high:
            raise InputError("infusions", self.infusions, f"{low} to {high} induction infusions (KetECT gave up to "
                             f"{high}, S27)")  # fmt: skip
        if self.maintenance not in MAINTENANCE_OPTIONS:
            raise InputError("maintenance", self.maintenance, ", ".join(MAINTENANCE_OPTIONS))
        low, high = MAINTENANCE_SESSIONS_RANGE
        if not low <= self.maintenance_sessions <= high:
            raise InputError("maintenance_sessions", self.maintenance_sessions, f"{low} to {high}")
        if self.maintenance == "none" and self.maintenance_sessions:
            raise InputError("maintenance", "none", "an option other than none when maintenance_sessions > 0")
        prof = get_iv_profile(self.dose_profile)
        if not prof.min_mg_per_kg <= self.mg_per_kg <= prof.max_mg_per_kg:
            raise InputError("mg_per_kg", self.mg_per_kg, f"{prof.min_mg_per_kg:g} to {prof.max_mg_per_kg:g} mg/kg")


def _maintenance_intervals(option: str, count: int) -> list[int]:
    if option == "taper":
        steps = [7, 7, 14, 14]
        return (steps + [28] * count)[:count]
    return [_INTERVAL_DAYS[option]] * count if count else []


def plan_iv(req: IvCourseRequest) -> CoursePlan:
    """The IV plan: nominal dates placed after the minimum gap and on open days."""
    prof = get_iv_profile(req.dose_profile)
    offsets = _OFFSETS[req.per_week]
    nominal = [req.start + dt.timedelta(days=7 * (i // req.per_week) + offsets[i % req.per_week])
               for i in range(req.infusions)]  # fmt: skip
    induction = place(nominal, min_gap_days=req.min_gap_days, closed=req.closed)
    anchor = induction[-1]
    wanted: list[dt.date] = []
    for step in _maintenance_intervals(req.maintenance, req.maintenance_sessions):
        anchor = anchor + dt.timedelta(days=step)
        wanted.append(anchor)
    maintenance = place([induction[-1], *wanted], min_gap_days=req.min_gap_days, closed=req.closed)[1:]
    dose_mg = None
    if req.weight_kg is not None:
        dose_mg = ketamine_iv_dose(weight_kg=req.weight_kg, mg_per_kg=req.mg_per_kg, weight_basis=req.weight_basis,
                                   height_cm=req.height_cm, sex=req.sex, profile=prof).dose_mg  # fmt: skip
    sessions = [
        PlannedSession(n, day, phase, dose_mg, req.mg_per_kg, (day - req.start).days // 7 + 1)
        for n, (day, phase) in enumerate(
            [(d, "induction") for d in induction] + [(d, "maintenance") for d in maintenance], start=1
        )
    ]
    notes = [
        f"induction: {req.infusions} infusions, {req.per_week} a week, at {req.mg_per_kg:g} mg/kg over "
        f"{prof.default_minutes:g} minutes",
        f"minimum gap {req.min_gap_days} days (platform-defined); closed days skipped",
        "review response at the end of induction before any maintenance",
    ]
    if req.maintenance != "none":
        notes.append(f"maintenance '{req.maintenance}' is platform-defined: no guideline schedule exists")
    if req.weight_kg is None:
        notes.append("no weight given: doses shown in mg/kg only")
    last = sessions[-1].date
    return CoursePlan(
        product="ketamine-iv",
        indication="trd",
        sessions=tuple(sessions),
        end_of_induction_review=induction[-1],
        reassessment_dates=reassessments(induction[-1], last, req.reassess_every_weeks) if maintenance else (),
        min_gap_days=req.min_gap_days,
        oral_antidepressant=None,
        monotherapy=None,
        profile=prof.name,
        notes=tuple(notes),
        sources=tuple(dict.fromkeys((cite("S26"), cite("S25"), cite("S24"), cite("S23"), cite("platform-defined")))),
    )
