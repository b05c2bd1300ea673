# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""One alert vocabulary (issue 18): the core's level and kind enums are the database's choices, the API's enums
and the words the rules state; a kind is never guessed from a rule's code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ketamine_trd.clinic.measurement import services
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.monitoring import SessionObservations, VitalSigns, evaluate_monitoring
from ketamine_trd.clinical.monitoring_profiles import get_profile
from ketamine_trd.errors import InputError
from tests.clinic.test_measurement_builders import NOW, clinic, nurse, patient  # noqa: F401  (fixtures)


def test_the_database_choices_are_the_core_enums() -> None:
    assert dict(Alert._meta.get_field("level").choices) == {level.value: level.label for level in AlertLevel}
    assert dict(Alert._meta.get_field("kind").choices) == {kind.value: kind.label for kind in AlertKind}


def test_every_instrument_rule_states_its_level_and_kind() -> None:
    for instrument in instruments.all_instruments():
        for rule in instrument.alert_rules:
            assert isinstance(rule.level, AlertLevel) and isinstance(rule.kind, AlertKind), rule.code


def test_monitoring_rules_state_their_kind() -> None:
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    obs = SessionObservations(
        t0,
        vitals=(
            VitalSigns(t0 - dt.timedelta(minutes=5), 130, 80),
            VitalSigns(t0 + dt.timedelta(minutes=40), 184, 96, spo2_percent=90),
        ),
    )
    label = get_profile("spravato-label", on=t0.date())
    kinds = {a.rule_id: a.kind for a in evaluate_monitoring(obs, "esketamine-nasal", label, t0 + dt.timedelta(hours=1))}
    assert (
        kinds["bp-outlier-table6"] is AlertKind.BLOOD_PRESSURE and kinds["bp-rise-table6"] is AlertKind.BLOOD_PRESSURE
    )
    assert kinds["spo2-low"] is AlertKind.MONITORING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("instrument_id", "answers", "kind", "level"),
    [
        ("phq9", {**{f"q{i}": 0 for i in range(1, 9)}, "q9": 1}, AlertKind.SUICIDE_ITEM, AlertLevel.CRITICAL),
        # the code "madrs.item10_positive" names no suicide word: the substring guess filed it under "other"
        ("madrs", {**{f"q{i}": 0 for i in range(1, 10)}, "q10": 2}, AlertKind.SUICIDE_ITEM, AlertLevel.WARNING),
        ("cssrs-screener", {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0}, AlertKind.CSSRS_RISK, "critical"),
        ("moaas", {"level": 0}, AlertKind.MONITORING, AlertLevel.CRITICAL),
    ],
)
def test_a_stored_alert_takes_the_kind_and_level_its_rule_states(
    nurse: Any, patient: Any, instrument_id: str, answers: dict[str, int], kind: AlertKind, level: str
) -> None:
    saved = services.record_assessment(nurse, patient.pk, instrument_id, answers, administered_at=NOW, now=NOW)
    clinical = [a for a in saved.alerts if a.kind != AlertKind.ASSESSMENT_DUE]
    assert {a.kind for a in clinical} == {kind.value}  # MOAA/S 0 fires two rules, both of kind monitoring
    assert str(level) in {a.level for a in clinical}


@pytest.mark.django_db
def test_raising_refuses_words_outside_the_vocabulary(patient: Any) -> None:
    common = {"rule": "r", "source": "platform-defined", "message": "m", "object_key": "k", "now": NOW}
    with pytest.raises(InputError) as level:
        services.raise_alert(patient, kind=AlertKind.OTHER, level="urgent", **common)  # type: ignore[arg-type]
    assert level.value.field == "level" and "critical" in level.value.allowed
    with pytest.raises(InputError) as kind:
        services.raise_alert(patient, kind="weather", level=AlertLevel.INFO, **common)  # type: ignore[arg-type]
    assert kind.value.field == "kind"
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_api_documents_the_enums(nurse: Any) -> None:
    client = Client()
    client.force_login(nurse)
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["AlertLevel"]["enum"] == [level.value for level in AlertLevel]
    assert schemas["AlertKind"]["enum"] == [kind.value for kind in AlertKind]


@pytest.mark.django_db
def test_fhir_exports_open_alerts_as_flags_in_the_same_vocabulary(nurse: Any, patient: Any) -> None:
    from ketamine_trd.clinic.fhir_bridge import export_patient
    from ketamine_trd.interop.fhir.codes import ALERT_KIND_SYSTEM, ALERT_LEVEL_SYSTEM
    from ketamine_trd.interop.fhir.parse import parse_bundle

    services.record_assessment(nurse, patient.pk, "phq9", {**{f"q{i}": 0 for i in range(1, 9)}, "q9": 2},
                               administered_at=NOW, now=NOW)  # fmt: skip
    bundle = export_patient(nurse, patient.mrn, now=NOW)  # validated against the R4 models on the way out
    flags = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]
    first = flags[0]  # most urgent first, as on the worklist
    assert {c["system"]: c["code"] for c in first["code"]["coding"]} == {ALERT_KIND_SYSTEM: "suicide_item"}
    priority = {c["system"]: c["code"] for c in first["extension"][0]["valueCodeableConcept"]["coding"]}
    assert priority == {"http://hl7.org/fhir/flag-priority-code": "PH", ALERT_LEVEL_SYSTEM: "critical"}
    assert len(flags) == Alert.objects.open().filter(patient=patient).count()
    assert parse_bundle(bundle).assessments  # a bundle with Flags still imports its scores
