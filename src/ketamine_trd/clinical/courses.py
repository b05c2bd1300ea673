"""Course plans: the calendar of an IV ketamine or esketamine course, with its review and reassessment dates.

IV ketamine induction: ``infusions`` at two or three a week (ELEKT-D, S26: twice weekly x 3 weeks; Murrough,
S25: thrice weekly over 12 days; Singh, S24: twice is as effective as thrice). Maintenance schedules have no
guideline (NF): the options ``weekly``, ``every-2-weeks``, ``monthly`` (every 4 weeks) and ``taper`` (2 weekly,
2 every-2-weeks, then every 4 weeks) are platform-defined. Esketamine follows the label phases
(spravato-hcp-dosing): weeks 1-4 twice weekly, weeks 5-8 weekly, from week 9 weekly or every 2 weeks; the
acute-suicidality indication is 4 weeks twice weekly. Other racemic routes (IM, oral, sublingual, intranasal):
a series of doses every N days (platform-defined; no guideline schedule exists). The minimum gap between
sessions and the reassessment interval are platform-defined defaults (2 days; 12 weeks).

>>> import datetime as dt
>>> plan = plan_course(EsketamineCourseRequest(start=dt.date(2026, 1, 5), total_weeks=8))
>>> [s.dose_mg for s in plan.sessions][:3], len(plan.sessions), plan.end_of_induction_review
([56, 56, 56], 12, datetime.date(2026, 1, 29))
"""

from __future__ import annotations

from ketamine_trd.clinical.courses_esketamine import EsketamineCourseRequest, plan_esketamine
from ketamine_trd.clinical.courses_iv import IvCourseRequest, plan_iv
from ketamine_trd.clinical.courses_model import CoursePlan, PlannedSession
from ketamine_trd.clinical.courses_routes import RouteCourseRequest, plan_route_course
from ketamine_trd.clinical.scheduling import ClosedDays

__all__ = [
    "ClosedDays",
    "CoursePlan",
    "EsketamineCourseRequest",
    "IvCourseRequest",
    "PlannedSession",
    "RouteCourseRequest",
    "plan_course",
]


def plan_course(request: IvCourseRequest | EsketamineCourseRequest | RouteCourseRequest) -> CoursePlan:
    """The plan for ``request`` (the request type chooses the product)."""
    if isinstance(request, IvCourseRequest):
        return plan_iv(request)
    if isinstance(request, RouteCourseRequest):
        return plan_route_course(request)
    return plan_esketamine(request)
