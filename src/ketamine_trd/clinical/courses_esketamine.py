"""Planning an esketamine nasal spray course by the label phases (spravato-hcp-dosing; S11 for monotherapy).

>>> import datetime as dt
>>> plan = plan_esketamine(EsketamineCourseRequest(start=dt.date(2026, 1, 5), indication="suicidality"))
>>> len(plan.sessions), {s.dose_mg for s in plan.sessions}, plan.sessions[-1].phase
(8, {84}, 'acute')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinical.courses_iv import WEEKEND, check_common
from ketamine_trd.clinical.courses_model import CoursePlan, PlannedSession, reassessments
from ketamine_trd.clinical.dosing.esketamine import INDICATIONS, esketamine_dose, get_esketamine_profile
from ketamine_trd.clinical.drugs import lookup
from ketamine_trd.clinical.scheduling import ClosedDays, place
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = ["FROM_WEEK9", "TOTAL_WEEKS_RANGE", "EsketamineCourseRequest", "plan_esketamine"]

FROM_WEEK9 = ("weekly", "every-2-weeks")
#: weeks a TRD course is planned for: the 4-week induction at least, two years at most (platform-defined)
TOTAL_WEEKS_RANGE = (4, 104)


@dataclass(frozen=True, slots=True)
class EsketamineCourseRequest:
    """An esketamine course. ``oral_antidepressant`` names the oral antidepressant given with it; ``None`` means
    monotherapy (both are labelled uses for TRD, S11). ``dose_mg`` is the dose after session 1 (label-checked).
    ``total_weeks`` is the length planned (TRD; at least 4); suicidality is always 4 weeks.
    """

    start: dt.date
    indication: str = "trd"
    profile: str | None = None
    dose_mg: int | None = None
    from_week9: str = "every-2-weeks"
    total_weeks: int = 16
    oral_antidepressant: str | None = None
    min_gap_days: int = 2
    closed: ClosedDays = ClosedDays(weekdays=WEEKEND)
    reassess_every_weeks: int = 12
    hepatic_impairment: str | None = None

    def __post_init__(self) -> None:
        check_common(self.start, self.min_gap_days, self.reassess_every_weeks)
        if self.indication not in INDICATIONS:
            raise InputError("indication", self.indication, ", ".join(INDICATIONS))
        if self.from_week9 not in FROM_WEEK9:
            raise InputError("from_week9", self.from_week9, ", ".join(FROM_WEEK9))
        if not TOTAL_WEEKS_RANGE[0] <= self.total_weeks <= TOTAL_WEEKS_RANGE[1]:
            raise InputError("total_weeks", self.total_weeks, "{} to {} weeks".format(*TOTAL_WEEKS_RANGE))
        get_esketamine_profile(self.profile)


def _slots(req: EsketamineCourseRequest) -> list[tuple[int, int, str]]:
    """(week index from 0, day offset in the week, phase) for each session."""
    slots = [(w, off, "induction" if req.indication == "trd" else "acute") for w in range(4) for off in (0, 3)]
    if req.indication == "suicidality":
        return slots
    slots += [(w, 0, "maintenance") for w in range(4, min(8, req.total_weeks))]
    step = 1 if req.from_week9 == "weekly" else 2
    slots += [(w, 0, "maintenance") for w in range(8, req.total_weeks, step)]
    return slots


def _oral_name(name: str, notes: list[str]) -> str:
    """The generic name when the antidepressant is in the table; otherwise the name as given, with a note."""
    row = lookup(name)
    if row is None:
        notes.append(f"'{name}' is not in the antidepressant table: recorded as given")
        return name.strip()
    return row.generic


def plan_esketamine(req: EsketamineCourseRequest) -> CoursePlan:
    """The esketamine plan by label phase, each session's dose checked by :func:`esketamine_dose`."""
    slots = _slots(req)
    nominal = [req.start + dt.timedelta(days=7 * w + off) for w, off, _ in slots]
    dates = place(nominal, min_gap_days=req.min_gap_days, closed=req.closed)
    sessions: list[PlannedSession] = []
    prof = get_esketamine_profile(req.profile)
    previous: int | None = None
    for n, (day, (_, _, phase)) in enumerate(zip(dates, slots, strict=True), start=1):
        explicit = None if n == 1 and req.indication == "trd" else req.dose_mg
        if explicit is not None and previous is not None and prof.max_step_mg is not None:
            step = prof.max_step_mg  # titrate towards the target in the profile's steps (eu-age65: 28 mg, S12)
            explicit = max(min(explicit, previous + step), previous - step)
        dose = esketamine_dose(session_number=n, indication=req.indication, profile=req.profile, dose_mg=explicit,
                               hepatic_impairment=req.hepatic_impairment, previous_dose_mg=previous)  # fmt: skip
        previous = dose.dose_mg
        sessions.append(PlannedSession(n, day, phase, dose.dose_mg, None, (day - req.start).days // 7 + 1))
    induction_end = max(s.date for s in sessions if s.phase in ("induction", "acute"))
    notes = [
        "weeks 1-4 twice weekly; check for therapeutic benefit at the end of induction before continuing"
        if req.indication == "trd"
        else "84 mg twice weekly for 4 weeks; evaluate benefit after 4 weeks",
        f"minimum gap {req.min_gap_days} days (platform-defined); closed days skipped",
        "monitor at least 2 hours after each dose; no driving until the next day after restful sleep",
    ]
    if prof.max_step_mg is not None and req.dose_mg is not None:
        notes.append(f"doses titrated towards {req.dose_mg} mg in {prof.max_step_mg}-mg steps (profile {prof.name})")
    if req.indication == "trd":
        notes.append(f"from week 9: {req.from_week9}; use the least frequent dosing that maintains the response")
    monotherapy = req.oral_antidepressant is None
    oral = None if monotherapy else _oral_name(req.oral_antidepressant or "", notes)
    notes.append("monotherapy (labelled for TRD since 2025)" if monotherapy else f"with the oral antidepressant {oral}")
    if monotherapy and req.indication == "suicidality":
        notes.append("the suicidality indication is labelled with an oral antidepressant")
    last = sessions[-1].date
    return CoursePlan(
        product="esketamine-nasal",
        indication=req.indication,
        sessions=tuple(sessions),
        end_of_induction_review=induction_end,
        reassessment_dates=reassessments(induction_end, last, req.reassess_every_weeks),
        min_gap_days=req.min_gap_days,
        oral_antidepressant=oral,
        monotherapy=monotherapy,
        profile=prof.name,
        notes=tuple(notes),
        sources=tuple(dict.fromkeys((cite("spravato-hcp-dosing"), prof.source, cite("S11"), cite("platform-defined")))),
    )
