# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""Outcome events on the trajectory and the worklist (SUSTAIN-1 relapse; platform-defined loss of response)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketamine_trd.clinic.measurement import refresh, services, trajectory
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind
from tests.clinic.test_measurement_builders import (  # noqa: F401  (fixtures)
    NOW,
    clinic,
    make_course,
    make_patient,
    make_session,
    nurse,
    patient,
)

pytestmark = pytest.mark.django_db
DAY0 = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)


def _madrs(total: int) -> dict[str, int]:
    """MADRS answers (10 items, 0-6) adding up to ``total``."""
    values = [min(6, max(0, total - 6 * k)) for k in range(10)]
    return {item.id: v for item, v in zip(instruments.get("madrs").items, values, strict=True)}


def _series(nurse: Any, patient: Any, points: list[tuple[int, int]]) -> list[services.RecordedAssessment]:
    course = make_course(patient, phase="induction", start_date=DAY0.date())
    make_session(course, scheduled_at=DAY0, status="signed", dosed_at=DAY0, dose_mg=56)
    saved = []
    for day, total in points:
        at = DAY0 + dt.timedelta(days=day)
        saved.append(services.record_assessment(nurse, patient.pk, "madrs", _madrs(total), administered_at=at, now=NOW))
    return saved


def test_relapse_after_remission_is_an_alert_sustain1(nurse: Any, patient: Any) -> None:
    # NCT02493868 (SUSTAIN-1): MADRS >= 22 on 2 consecutive assessments 5-15 days apart, after remission.
    _series(nurse, patient, [(-1, 34), (28, 10), (60, 24), (70, 26)])
    relapse = Alert.objects.get(patient=patient, kind=AlertKind.RELAPSE)
    assert relapse.data["date"] == (DAY0 + dt.timedelta(days=70)).date().isoformat()
    assert relapse.source == "nct02493868" and not relapse.platform_defined
    assert refresh.refresh_patient_alerts(nurse, patient, now=NOW) == []  # idempotent
    assert Alert.objects.filter(kind=AlertKind.RELAPSE).count() == 1


def test_loss_of_response_is_labelled_platform_defined(nurse: Any, patient: Any) -> None:
    _series(nurse, patient, [(-1, 34), (28, 10), (40, 20), (50, 21)])
    alert = Alert.objects.get(patient=patient, kind=AlertKind.LOSS_OF_RESPONSE)
    assert alert.platform_defined and "platform-defined" in alert.message
    traj = trajectory.build_trajectory(nurse, patient, "madrs")
    assert traj.baseline == 34 and traj.response_threshold == 17 and traj.remission_threshold is not None
    labels = {e.kind: e.label for e in traj.events}
    assert labels["loss_of_response"] == "loss of response (platform-defined)"
    assert labels["response"] == "response"
    figure = trajectory.plotly_figure(traj)
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert "loss of response (platform-defined)" in texts
    assert "response threshold (<= 17)" in texts
    assert any(t.startswith("remission threshold (<= 1") for t in texts)  # MADRS <= 12 or <= 10 (profile)
    assert figure["data"][1]["name"] == "dose (mg)" and figure["data"][1]["y"] == [56.0]


def test_patient_page_draws_thresholds_doses_and_events(nurse: Any, patient: Any) -> None:
    _series(nurse, patient, [(-1, 34), (28, 10), (40, 20), (50, 21)])
    client = Client()
    client.force_login(nurse)
    body = client.get(reverse("measurement:patient", args=[patient.pk]) + "?instrument=madrs").content.decode()
    assert "loss of response (platform-defined)" in body
    assert "remission threshold" in body and "response threshold" in body and "dose (mg)" in body


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_item9_alert_iff_item9_above_zero_whatever_the_total(nurse: Any, clinic: Any, answers: list[int]) -> None:
    fresh = make_patient(clinic)
    saved = services.record_assessment(
        nurse, fresh.pk, "phq9", {f"q{i}": v for i, v in enumerate(answers, 1)}, administered_at=NOW, now=NOW
    )
    suicide = Alert.objects.filter(patient=fresh, kind=AlertKind.SUICIDE_ITEM).exists()
    assert suicide == (answers[8] > 0)
    assert int(saved.assessment.total) == instruments.score("phq9", answers).total == sum(answers)


def test_screens_due_and_safety_signals_reach_the_worklist_once(nurse: Any, patient: Any) -> None:
    # Surveillance intervals are the site's configuration profile (site-configuration); no screen done yet, so
    # each is due its interval after the first dose (2025-12-01): on NOW (day 91) the BP review (every 30 days)
    # is 61 days overdue, past the 14-day grace, so it is a warning; the bladder screen (every 90 days) is one
    # day overdue, within the grace, so it is on the due list only. A dose rise without a reason is a signal.
    course = make_course(patient, phase="maintenance", start_date=DAY0.date())
    make_session(course, scheduled_at=DAY0, status="signed", dosed_at=DAY0, dose_mg=56)
    later = DAY0 + dt.timedelta(days=7)
    make_session(course, scheduled_at=later, status="signed", dosed_at=later, dose_mg=84)
    raised = refresh.refresh_patient_alerts(nurse, patient, now=NOW)
    screens = sorted(a.data["screen"] for a in raised if a.kind == AlertKind.SCREEN_OVERDUE)
    assert screens == ["blood_pressure_review"]
    assert [a.level for a in raised if a.kind == AlertKind.SCREEN_OVERDUE] == ["warning"]
    assert all(a.source == "site-configuration" for a in raised if a.kind == AlertKind.SCREEN_OVERDUE)
    signals = [a for a in raised if a.kind == AlertKind.SAFETY_SIGNAL]
    assert [a.data["type"] for a in signals] == ["dose_escalation_without_reason"]
    assert refresh.refresh_patient_alerts(nurse, patient, now=NOW) == []


def test_outcomes_use_the_clinics_calendar_and_a_pre_dose_baseline(nurse: Any, clinic: Any) -> None:
    import zoneinfo

    from tests.clinic.test_measurement_builders import phq9

    clinic.time_zone = "America/New_York"
    clinic.save()
    ny = zoneinfo.ZoneInfo("America/New_York")
    person = make_patient(clinic)
    dose_at = dt.datetime(2026, 2, 2, 9, 0, tzinfo=ny)
    course = make_course(person, phase="induction", start_date=dose_at.date())
    make_session(course, scheduled_at=dose_at, status="signed", dosed_at=dose_at, dose_mg=56)
    for at, answers in (
        (dt.datetime(2026, 2, 2, 8, 45, tzinfo=ny), phq9(3, 3, 2, 2, 2, 2, 2, 2, 0)),  # 18, before the dose
        (dt.datetime(2026, 2, 2, 17, 0, tzinfo=ny), phq9(2, 2, 1, 1, 1, 1, 1, 1, 0)),  # 10, that afternoon
        (dt.datetime(2026, 2, 3, 20, 30, tzinfo=ny), phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)),  # 8: day 2 in New York
    ):  # (the last is 2026-02-04 01:30 in UTC: day 3 on UTC's calendar)
        services.record_assessment(nurse, person.pk, "phq9", answers, administered_at=at, now=NOW)
    traj = trajectory.build_trajectory(nurse, person, "phq9")
    assert traj.baseline == 18  # the morning score, not the post-dose afternoon one
    kinds = {e.kind: e.on for e in traj.events}
    assert kinds.get("early_response") == dt.date(2026, 2, 3)  # day 2 of the course on the clinic's calendar
    xs = trajectory.plotly_figure(traj)["data"][0]["x"]
    assert xs[0] == "2026-02-02T08:45:00-05:00"  # the chart shows the clinic's clock
