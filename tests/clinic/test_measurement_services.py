# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""Score entry, follow-ups and alerts through the service layer (cases from the instruments' sources)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketamine_trd.clinic.measurement import services
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from tests.clinic.test_measurement_builders import (  # noqa: F401  (fixtures)
    NOW,
    clinic,
    front_desk,
    make_course,
    make_patient,
    nurse,
    outsider,
    patient,
    phq9,
    prescriber,
)

pytestmark = pytest.mark.django_db
EARLIER = NOW - dt.timedelta(hours=1)


def _record(user: Any, patient: Any, instrument: str, answers: dict[str, Any]) -> services.RecordedAssessment:
    return services.record_assessment(user, patient.pk, instrument, answers, administered_at=EARLIER, now=NOW)


def test_phq9_saved_with_engine_total_and_band_kroenke_2001(nurse: Any, patient: Any) -> None:
    saved = _record(nurse, patient, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    row = Assessment.objects.get(pk=saved.assessment.pk)
    assert (int(row.total), row.severity, row.prorated) == (8, "mild", False)
    assert row.item_values["q9"] == 0 and row.entered_by == nurse
    assert row.instrument_version and not saved.alerts


def test_phq9_item9_alerts_whatever_the_total_and_makes_cssrs_due(nurse: Any, patient: Any) -> None:
    saved = _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    kinds = sorted(a.kind for a in saved.alerts)
    assert kinds == [AlertKind.ASSESSMENT_DUE, AlertKind.SUICIDE_ITEM]
    suicide = next(a for a in saved.alerts if a.kind == AlertKind.SUICIDE_ITEM)
    item9_rule = next(r for r in instruments.get("phq9").alert_rules if r.code == "phq9.item9_positive")
    assert suicide.level == AlertLevel.CRITICAL and suicide.source == item9_rule.source
    assert saved.followups == ("cssrs-screener",)
    due = next(a for a in saved.alerts if a.kind == AlertKind.ASSESSMENT_DUE)
    assert due.data["due_instrument_id"] == "cssrs-screener"


def test_phq2_positive_makes_phq9_due_kroenke_2003(nurse: Any, patient: Any) -> None:
    saved = _record(nurse, patient, "phq2", {"q1": 2, "q2": 1})
    assert saved.followups == ("phq9",)
    assert Alert.objects.filter(patient=patient, kind=AlertKind.ASSESSMENT_DUE, data__due_instrument_id="phq9").exists()


@pytest.mark.parametrize(
    ("answers", "risk", "level"),
    [
        ({"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0}, "high", AlertLevel.CRITICAL),
        ({"q1": 1, "q2": 0, "q6": 0}, "low", None),
    ],
)
def test_cssrs_screener_risk_alert_with_level_cssrs_triage(
    nurse: Any, patient: Any, answers: dict[str, int], risk: str, level: str | None
) -> None:
    saved = _record(nurse, patient, "cssrs-screener", answers)
    assert saved.assessment.risk == risk and saved.assessment.total is None
    risk_alerts = [a for a in saved.alerts if a.kind == AlertKind.CSSRS_RISK]
    assert [a.level for a in risk_alerts] == ([level] if level else [])


def test_out_of_range_item_is_refused_naming_the_item_and_nothing_saved(nurse: Any, patient: Any) -> None:
    with pytest.raises(InputError) as caught:
        _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 4))
    assert "q9" in caught.value.field
    assert not Assessment.objects.exists() and not Alert.objects.exists()


def test_future_administration_time_is_refused(nurse: Any, patient: Any) -> None:
    with pytest.raises(InputError) as caught:
        services.record_assessment(
            nurse, patient.pk, "phq9", phq9(*[0] * 9), administered_at=NOW + dt.timedelta(days=1), now=NOW
        )
    assert caught.value.field == "administered_at"
    assert not Assessment.objects.exists()


def test_unknown_instrument_is_refused(nurse: Any, patient: Any) -> None:
    with pytest.raises(InputError):
        _record(nurse, patient, "beck-99", {})


def test_a_deactivated_clinician_is_refused(nurse: Any, patient: Any) -> None:
    nurse.is_active = False
    nurse.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        _record(nurse, patient, "phq9", phq9(*[0] * 9))
    assert not Assessment.objects.exists()


def test_roles_and_clinic_scope(front_desk: Any, outsider: Any, patient: Any) -> None:
    with pytest.raises(PermissionDenied):
        _record(front_desk, patient, "phq9", phq9(*[0] * 9))
    with pytest.raises(NotFoundError):
        _record(outsider, patient, "phq9", phq9(*[0] * 9))


def test_course_of_another_patient_is_refused(nurse: Any, patient: Any, clinic: Any) -> None:
    other = make_course(make_patient(clinic))
    with pytest.raises(InputError) as caught:
        services.record_assessment(
            nurse, patient.pk, "phq9", phq9(*[0] * 9), administered_at=EARLIER, now=NOW, course_id=other.pk
        )
    assert caught.value.field == "course_id"
    assert not Assessment.objects.exists()


def test_raise_alert_is_idempotent_per_rule_and_object(patient: Any) -> None:
    kwargs = {
        "kind": AlertKind.BLOOD_PRESSURE,
        "level": "warning",
        "rule": "bp.post_dose_high",
        "source": "S2",
        "message": "Blood pressure above the profile's limit.",
        "object_key": "session:1",
        "now": NOW,
    }
    first, created = services.raise_alert(patient, **kwargs)
    again, created_again = services.raise_alert(patient, **{**kwargs, "now": NOW + dt.timedelta(minutes=5)})
    assert created and not created_again and first.pk == again.pk
    assert Alert.objects.count() == 1
    _, other = services.raise_alert(patient, **{**kwargs, "object_key": "session:2"})
    assert other and Alert.objects.count() == 2


def test_raise_alert_refuses_unknown_source_and_kind(patient: Any) -> None:
    base = {
        "kind": "other",
        "level": "info",
        "rule": "r",
        "source": "S2",
        "message": "m",
        "object_key": "x",
        "now": NOW,
    }
    with pytest.raises(InputError):
        services.raise_alert(patient, **{**base, "source": "no-such-source"})
    with pytest.raises(InputError):
        services.raise_alert(patient, **{**base, "kind": "weather"})


def test_acknowledge_keeps_who_and_when_once(nurse: Any, prescriber: Any, front_desk: Any, patient: Any) -> None:
    saved = _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2))
    alert = next(a for a in saved.alerts if a.kind == AlertKind.SUICIDE_ITEM)
    with pytest.raises(PermissionDenied):
        services.acknowledge_alert(front_desk, alert.pk, now=NOW)
    later = NOW + dt.timedelta(minutes=3)
    done = services.acknowledge_alert(prescriber, alert.pk, now=later, note="called patient")
    assert (done.acknowledged_by, done.acknowledged_at, done.acknowledgement_note) == (
        prescriber,
        later,
        "called patient",
    )
    with pytest.raises(ConflictError):
        services.acknowledge_alert(nurse, alert.pk, now=later)
    assert alert.pk not in [a.pk for a in services.open_alerts(nurse)]


def test_an_alert_of_another_clinic_is_not_found(nurse: Any, outsider: Any, patient: Any) -> None:
    saved = _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2))
    alert = next(a for a in saved.alerts if a.kind == AlertKind.SUICIDE_ITEM)
    with pytest.raises(NotFoundError):
        services.acknowledge_alert(outsider, alert.pk, now=NOW)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_worklist_is_scoped_to_the_clinic(nurse: Any, outsider: Any, patient: Any) -> None:
    _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert len(services.open_alerts(nurse)) == 2
    assert services.open_alerts(outsider) == []


def test_reads_and_writes_are_audited(nurse: Any, patient: Any) -> None:
    from ketamine_trd.clinic.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    services.list_assessments(nurse, patient.pk)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions.count("create") == 3 and actions[-1] == "read"


def test_entering_the_due_instrument_closes_its_due_alert(nurse: Any, patient: Any) -> None:
    _record(nurse, patient, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    due = Alert.objects.get(kind=AlertKind.ASSESSMENT_DUE, data__due_instrument_id="cssrs-screener")
    screener = _record(nurse, patient, "cssrs-screener", {"q1": 0, "q2": 0, "q6": 0})
    due.refresh_from_db()
    assert due.acknowledged_by == nurse and due.acknowledged_at == NOW
    assert due.acknowledgement_note == f"completed by assessment {screener.assessment.pk}"
    suicide = Alert.objects.get(kind=AlertKind.SUICIDE_ITEM)
    assert suicide.acknowledged_at is None  # the clinician alert still needs a person
