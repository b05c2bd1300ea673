# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""Screens due are a due list, not alerts (issue 11, item 4): one row per patient, intervals from the first dose of
the first course, a warning only past the site's grace. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.urls import reverse

from ketamine_trd.clinic.measurement import due, refresh, services
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from tests.clinic.test_measurement_builders import (  # noqa: F401  (fixtures)
    NOW,
    clinic,
    front_desk,
    make_course,
    make_patient,
    make_session,
    nurse,
    patient,
    phq9,
)

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The dashboard caches its screens-due rows per clinic id and day; start each test without them."""
    from django.core.cache import cache

    cache.clear()


def _treated(clinic: Any, days_ago: int, *, phase: str = "induction", name: str = "") -> Any:
    """A patient whose first (signed) dose was ``days_ago`` days before NOW."""
    person = make_patient(clinic, family_name=name or f"Dosed{days_ago}")
    first = NOW - dt.timedelta(days=days_ago)
    course = make_course(person, phase=phase, start_date=first.date())
    make_session(course, scheduled_at=first, status="signed", dosed_at=first, dose_mg=56)
    return person


def _screen_alerts(person: Any) -> list[Alert]:
    return list(Alert.objects.filter(patient=person, kind=AlertKind.SCREEN_OVERDUE))


def test_day_one_of_a_first_course_has_nothing_due_and_no_overdue_warning(nurse: Any, clinic: Any) -> None:
    person = _treated(clinic, 0)
    saved = services.record_assessment(nurse, person.pk, "phq9", phq9(*[1] * 8, 0), administered_at=NOW, now=NOW)
    assert not [a for a in saved.alerts if a.kind == AlertKind.SCREEN_OVERDUE]
    assert _screen_alerts(person) == []
    assert due.screens_due_list(clinic.pk, today=TODAY) == []


def test_one_row_per_patient_with_what_is_due_and_since_when(nurse: Any, clinic: Any) -> None:
    long_ago = _treated(clinic, 91, name="Longago")  # BP review due day 30 (61 days late), bladder day 90 (1 day)
    recent = _treated(clinic, 40, name="Recent")  # BP review due day 30: 10 days late, within the grace
    _treated(clinic, 10, name="Nothingdue")
    _treated(clinic, 200, phase="ended", name="Ended")  # course ended: not on the list
    rows = due.screens_due_list(clinic.pk, today=TODAY)
    assert [r.patient.pk for r in rows] == [long_ago.pk, recent.pk]  # oldest due date first, one row each
    first, second = rows
    assert [s.screen for s in first.screens] == ["blood_pressure_review", "bladder"]
    assert first.since == TODAY - dt.timedelta(days=61) and first.warning
    assert first.what == "blood pressure review (overdue 61 days), bladder (overdue 1 day)"
    assert [s.screen for s in second.screens] == ["blood_pressure_review"] and not second.warning


def test_a_screen_done_counts_the_interval_from_then(nurse: Any, clinic: Any) -> None:
    person = _treated(clinic, 91)
    done = NOW - dt.timedelta(days=5)
    answers = {"urgency": 0, "frequency": 1, "nocturia": 0, "pain": 0}
    services.record_assessment(nurse, person.pk, "icsi", answers, administered_at=done, now=NOW)
    rows = due.screens_due_list(clinic.pk, today=TODAY)
    assert [s.screen for s in rows[0].screens] == ["blood_pressure_review"]


def test_only_a_screen_overdue_past_the_grace_becomes_a_warning(nurse: Any, clinic: Any) -> None:
    long_ago = _treated(clinic, 91)
    recent = _treated(clinic, 40)
    refresh.refresh_patient_alerts(nurse, long_ago, now=NOW)
    refresh.refresh_patient_alerts(nurse, recent, now=NOW)
    warned = _screen_alerts(long_ago)
    assert [(a.data["screen"], a.level, a.source) for a in warned] == [
        ("blood_pressure_review", AlertLevel.WARNING, "site-configuration")
    ]
    assert "61 days" in warned[0].message and "first dose" in warned[0].message
    assert _screen_alerts(recent) == []  # 10 days late: on the due list only
    ended = _treated(clinic, 200, phase="ended")
    refresh.refresh_patient_alerts(nurse, ended, now=NOW)
    assert _screen_alerts(ended) == []  # out of treatment: neither on the due list nor a warning


@override_settings(KTRD_SCREEN_OVERDUE_GRACE_DAYS=0)
def test_the_grace_is_a_site_setting(nurse: Any, clinic: Any) -> None:
    recent = _treated(clinic, 40)
    refresh.refresh_patient_alerts(nurse, recent, now=NOW)
    assert [a.data["screen"] for a in _screen_alerts(recent)] == ["blood_pressure_review"]
    assert due.screens_due_list(clinic.pk, today=TODAY)[0].warning


def test_due_page_and_dashboard_show_the_list(nurse: Any, front_desk: Any, clinic: Any) -> None:
    _treated(clinic, 91, name="Longago")
    client = Client()
    client.force_login(nurse)
    page = client.get(reverse("measurement:screens_due")).content.decode()
    assert "Longago" in page and "blood pressure review (overdue" in page
    board = client.get(reverse("measurement:dashboard")).content.decode()
    assert 'data-testid="screens-due"' in board and "Screens due (1 patient)" in board
    denied = Client()
    denied.force_login(front_desk)
    assert denied.get(reverse("measurement:screens_due")).status_code == 403


def test_migration_closes_open_screen_due_alerts_and_keeps_the_rest(nurse: Any, patient: Any) -> None:
    def make(rule: str, kind: AlertKind, key: str, acknowledged: bool = False) -> Alert:
        return Alert.objects.create(
            patient=patient, kind=kind, level="warning", rule=rule, source="site-configuration", message="m",
            object_key=key, raised_at=NOW, acknowledged_at=NOW if acknowledged else None,
            acknowledgement_note="seen" if acknowledged else "",
        )  # fmt: skip

    open_due = make("surveillance.screen_due.bladder", AlertKind.SCREEN_OVERDUE, "bladder:2026-01-05")
    seen_due = make("surveillance.screen_due.cognitive", AlertKind.SCREEN_OVERDUE, "cognitive:2026-01-05", True)
    overdue = make("surveillance.screen_overdue.bladder", AlertKind.SCREEN_OVERDUE, "bladder:2026-02-01")
    other = make("test.other", AlertKind.SAFETY_SIGNAL, "x")
    migration = importlib.import_module("ketamine_trd.clinic.measurement.migrations.0003_close_screen_due_alerts")
    migration.close_screen_due_alerts(apps, None)
    open_due.refresh_from_db()
    assert open_due.acknowledged_at is not None and open_due.acknowledged_by is None
    assert "due list" in open_due.acknowledgement_note
    for kept in (seen_due, overdue, other):
        before = kept.acknowledged_at
        kept.refresh_from_db()
        assert kept.acknowledged_at == before
