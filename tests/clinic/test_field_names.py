"""One name per field across layers (issue 18): migration records.0010 rewrites the stored time points to the
monitoring profiles' ids, and back. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from ketamine_trd.clinic.records.models import Timepoint, VitalSign
from ketamine_trd.clinical.inputs.charting import VITALS_TIMEPOINTS
from ketamine_trd.clinical.monitoring_profiles import get_profile
from tests.clinic.builders import make_course, make_patient, make_session

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("ketamine_trd.clinic.records.migrations.0010_one_name_per_field")


def test_the_charted_time_points_use_the_monitoring_profiles_ids() -> None:
    ids = {p.id for p in get_profile("spravato-label", on=timezone.now().date()).time_points}
    charted = {code for code, _ in VITALS_TIMEPOINTS}
    assert {"predose", "post-40", "discharge"} <= ids & charted
    assert {code for code, _ in Timepoint.choices} == charted


def test_the_migration_rewrites_old_time_points_and_back(people: Any) -> None:
    session = make_session(make_course(make_patient(people.clinic)), scheduled_at=timezone.now())
    rows = [VitalSign.objects.create(session=session, taken_at=timezone.now(), timepoint=old, systolic_mmhg=120,
                                     diastolic_mmhg=80) for old in ("pre_dose", "post_40", "discharge")]  # fmt: skip
    MIGRATION._rename_timepoints(apps, None)
    assert [VitalSign.objects.get(pk=r.pk).timepoint for r in rows] == ["predose", "post-40", "discharge"]
    MIGRATION._restore_timepoints(apps, None)
    assert [VitalSign.objects.get(pk=r.pk).timepoint for r in rows] == ["pre_dose", "post_40", "discharge"]
