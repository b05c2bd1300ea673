"""Builders for the scheduling tests: a clinic's chairs and hours, and an IV course planned by the core."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ketamine_trd.clinic.accounts.models import Clinic
from ketamine_trd.clinic.records.models import Course, Patient
from ketamine_trd.clinic.scheduling.models import Chair, OpeningHours
from ketamine_trd.clinical.courses import IvCourseRequest, plan_course
from tests.clinic.builders import make_course


def make_chairs(clinic: Clinic, *names: str, opens: dt.time = dt.time(8), closes: dt.time = dt.time(18)) -> list[Chair]:
    """Chairs named ``names`` (default one, "Chair 1") and Monday-Friday hours ``opens``-``closes``."""
    for weekday in range(5):
        OpeningHours.objects.get_or_create(clinic=clinic, weekday=weekday, defaults={"opens": opens, "closes": closes})
    now = timezone.now()
    return [Chair.objects.create(clinic=clinic, name=n, created_at=now) for n in names or ("Chair 1",)]


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or timezone.now().date()
    return today + dt.timedelta(days=7 - today.weekday())


def make_iv_course(patient: Patient, *, start: dt.date | None = None, infusions: int = 6, **overrides: Any) -> Course:
    """An IV course in induction whose plan (``infusions`` twice a week) the core made."""
    plan = plan_course(IvCourseRequest(start=start or next_monday(), infusions=infusions, per_week=2,
                                       weight_kg=float(patient.weight_kg or 70)))  # fmt: skip
    values: dict[str, Any] = {
        "product": "ketamine-iv",
        "route": "iv",
        "plan_data": plan.to_dict(),
        "monitoring_profile": "iv-ketamine-site-default",
        "start_date": plan.sessions[0].date,
    }
    return make_course(patient, **(values | overrides))
