"""Planning a racemic ketamine course by another route (IM, oral, sublingual, intranasal).

No guideline sets a schedule for these routes (NF); reported regimens include oral doses every 3 days (Al Shirawi,
via S29) and sublingual doses every 2-3 or 7 days (Lara 2013, via S28). The plan is therefore a plain series of
``sessions`` every ``every_days`` days (platform-defined), each dose checked by :func:`racemic_route_dose`.

>>> import datetime as dt
>>> plan = plan_route_course(RouteCourseRequest(product="ketamine-oral", start=dt.date(2026, 1, 5), dose_mg=50,
...                                             sessions=4, every_days=3))
>>> [s.date.isoformat() for s in plan.sessions]
['2026-01-05', '2026-01-08', '2026-01-12', '2026-01-14']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinical.courses_iv import WEEKEND, check_common
from ketamine_trd.clinical.courses_model import CoursePlan, PlannedSession, reassessments
from ketamine_trd.clinical.dosing.routes import racemic_route_dose
from ketamine_trd.clinical.products import RACEMIC_NON_IV, Product
from ketamine_trd.clinical.scheduling import ClosedDays, place
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = ["RouteCourseRequest", "plan_route_course"]


@dataclass(frozen=True, slots=True)
class RouteCourseRequest:
    """``sessions`` doses every ``every_days`` days by a non-IV racemic route; dose in mg or mg/kg with weight."""

    product: Product | str
    start: dt.date
    dose_mg: float | None = None
    mg_per_kg: float | None = None
    weight_kg: float | None = None
    sessions: int = 6
    every_days: int = 3
    min_gap_days: int = 1
    closed: ClosedDays = ClosedDays(weekdays=WEEKEND)
    reassess_every_weeks: int = 12

    def __post_init__(self) -> None:
        check_common(self.start, self.min_gap_days, self.reassess_every_weeks)
        product = self.product if isinstance(self.product, Product) else Product.parse(self.product)
        if product not in RACEMIC_NON_IV:
            raise InputError("product", product.value, ", ".join(p.value for p in RACEMIC_NON_IV))
        object.__setattr__(self, "product", product)
        if not 1 <= self.sessions <= 52:
            raise InputError("sessions", self.sessions, "1 to 52")
        if not 1 <= self.every_days <= 28:
            raise InputError("every_days", self.every_days, "1 to 28 days")


def plan_route_course(req: RouteCourseRequest) -> CoursePlan:
    """The plan: nominal dates every ``every_days`` days, placed after the minimum gap on open days."""
    product = req.product if isinstance(req.product, Product) else Product.parse(req.product)
    dose = racemic_route_dose(product, dose_mg=req.dose_mg, mg_per_kg=req.mg_per_kg, weight_kg=req.weight_kg)
    nominal = [req.start + dt.timedelta(days=i * req.every_days) for i in range(req.sessions)]
    dates = place(nominal, min_gap_days=req.min_gap_days, closed=req.closed)
    sessions = tuple(
        PlannedSession(n, day, "treatment", dose.dose_mg, dose.mg_per_kg, (day - req.start).days // 7 + 1)
        for n, day in enumerate(dates, start=1)
    )
    equivalent = "unknown (formulation-specific)" if dose.iv_equivalent_mg is None else f"{dose.iv_equivalent_mg:g} mg"
    notes = (
        f"{req.sessions} doses of {dose.dose_mg:g} mg every {req.every_days} days (schedule platform-defined: "
        "no guideline schedule exists for this route)",
        f"bioavailability {dose.bioavailability_range[0]:.0%}-{dose.bioavailability_range[1]:.0%}; IV-equivalent "
        f"exposure per dose {equivalent}",
        f"minimum gap {req.min_gap_days} days (platform-defined); closed days skipped",
    )
    return CoursePlan(
        product=product.value,
        indication="trd",
        sessions=sessions,
        end_of_induction_review=dates[-1],
        reassessment_dates=reassessments(dates[-1], dates[-1], req.reassess_every_weeks),
        min_gap_days=req.min_gap_days,
        oral_antidepressant=None,
        monotherapy=None,
        profile=product.value,
        notes=notes,
        sources=tuple(dict.fromkeys((dose.source, dose.dose_range_source, cite("platform-defined")))),
    )
