"""Bad values at the web edge (issue 16 items 1, 9, 11; issue 11 item 7): 4xx naming the field, nothing saved.

Runs on SQLite and on PostgreSQL (tests/clinic runs on both in CI).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.records.models import AdverseEvent, Patient, Session, VitalSign
from tests.clinic.builders import make_course, make_patient, make_session, make_treated_course, ready_to_dose


def _post(client: Client, url: str, body: object) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def _iv_session(people):  # type: ignore[no-untyped-def]
    course = make_treated_course(make_patient(people.clinic), people.prescriber, product="ketamine-iv", route="iv")
    return make_session(course)


def _dose(**change: object) -> dict[str, object]:
    at = (timezone.now() - dt.timedelta(minutes=30)).isoformat()
    return {"dosed_at": at, "dose_mg": "35", "lot_number": "L1"} | change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"infusion_rate_ml_per_h": "1e10"}, "infusion_rate_ml_per_h"),
        ({"concentration_mg_per_ml": "99999999"}, "concentration_mg_per_ml"),
        ({"mg_per_kg": "123456"}, "mg_per_kg"),
        ({"infusion_rate_ml_per_h": -1}, "infusion_rate_ml_per_h"),
        ({"infusion_duration_min": 10**12}, "infusion_duration_min"),
        ({"mg_per_kg": 1e-30}, "mg_per_kg"),
        ({"dose_mg": "0.000000001"}, "dose_mg"),
        ({"dose_mg": "NaN"}, "dose_mg"),
        ({"dose_mg": "Infinity"}, "dose_mg"),
        ({"dose_mg": 1e308}, "dose_mg"),
        ({"dose_mg": True}, "dose_mg"),
        ({"dose_mg": "35 mg/kg"}, "dose_mg"),
        ({"lot_number": "L\x001"}, "lot_number"),
        ({"dosed_at": "2026-03-02T09:00:00"}, "dosed_at"),
        ({"dosed_at": "0001-01-01T00:00:00+00:00"}, "dosed_at"),
        ({"dosed_at": 12}, "dosed_at"),
        ({"devices_used": "two"}, "devices_used"),
    ],
)
def test_a_bad_dose_value_is_422_naming_the_field_and_nothing_is_saved(people, change, field) -> None:  # type: ignore[no-untyped-def]
    session = _iv_session(people)
    before = AuditEvent.objects.count()
    response = _post(people.client("nurse"), f"/api/sessions/{session.pk}/dose", _dose(**change))
    assert response.status_code == 422, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["field"] == field and body["error"] in ("InputError", "UnitError", "UnknownTermError")
    assert field in body["message"]
    row = Session.objects.get(pk=session.pk)
    assert row.dose_mg is None and row.infusion_rate_ml_per_h is None and row.dosed_at is None
    assert AuditEvent.objects.count() == before


def test_a_good_iv_dose_is_saved_and_read_back(people) -> None:  # type: ignore[no-untyped-def]
    session = _iv_session(people)
    client = people.client("nurse")
    # 35 mg = 0.5 mg/kg x 70 kg = 105 mL/h x 40 min x 0.5 mg/mL: the core refuses a dose whose parts disagree.
    body = _dose(mg_per_kg="0.5", infusion_rate_ml_per_h=105, infusion_duration_min=40, concentration_mg_per_ml="0.5")
    ready_to_dose(people.nurse, session, dt.datetime.fromisoformat(str(body["dosed_at"])))
    response = _post(client, f"/api/sessions/{session.pk}/dose", body)
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    assert client.get(f"/api/sessions/{session.pk}").status_code == 200
    assert Session.objects.get(pk=session.pk).infusion_rate_ml_per_h == Decimal(105)


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("vitals", {"systolic_mmhg": 120, "diastolic_mmhg": 130}, "diastolic_mmhg"),
        ("vitals", {"systolic_mmhg": "nan", "diastolic_mmhg": 80}, "systolic_mmhg"),
        ("vitals", {"systolic_mmhg": 120.5, "diastolic_mmhg": 80}, "systolic_mmhg"),
        ("vitals", {"systolic_mmhg": 120, "diastolic_mmhg": 80, "timepoint": "later"}, "timepoint"),
        ("ratings", {"instrument_id": "moaas", "value": 7}, "value"),
        ("ratings", {"instrument_id": "moaas", "value": "inf"}, "value"),
        ("adverse-events", {"kind": "nausea", "details": "felt\x00ill"}, "details"),
        ("adverse-events", {"kind": "other", "details": ""}, "details"),
    ],
)
def test_bad_charting_values_are_422_naming_the_field(people, url, body, field) -> None:  # type: ignore[no-untyped-def]
    session = _iv_session(people)
    at = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    when = {"vitals": "taken_at", "ratings": "rated_at", "adverse-events": "noted_at"}[url]
    response = _post(people.client("nurse"), f"/api/sessions/{session.pk}/{url}", {when: at} | body)
    assert response.status_code == 422, response.content  # type: ignore[attr-defined]
    assert response.json()["field"] == field  # type: ignore[attr-defined]
    assert not VitalSign.objects.exists() and not AdverseEvent.objects.exists()


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("get", "/api/patients?q=A%00", "q"),
        ("get", "/api/patients/A%00B/fhir", "(path)"),
        ("get", "/api/patients?limit=inf", "limit"),
        ("get", "/api/patients?limit=1e308", "limit"),
        ("get", "/api/sessions/abc", "session_id"),
    ],
)
def test_bad_query_and_path_values_are_4xx_naming_the_field(people, method, url, field) -> None:  # type: ignore[no-untyped-def]
    response = getattr(people.client("nurse"), method)(url)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_nul_in_free_text_is_422_on_the_api_and_on_pages(people) -> None:  # type: ignore[no-untyped-def]
    client = people.client("front_desk")
    patient = {"mrn": "NUL-1", "given_name": "Sam\x00", "family_name": "Rowe", "date_of_birth": "1985-02-03"}
    response = _post(client, "/api/patients", patient)
    assert response.status_code == 422 and response.json()["field"] == "given_name"  # type: ignore[attr-defined]
    page = client.post("/patients/new/", {"mrn": "NUL-2", "given_name": "Sam", "family_name": "Ro\x00we",
                                          "date_of_birth": "1985-02-03", "sex": "unknown", "weight_unit": "kg",
                                          "height_unit": "cm"})  # fmt: skip
    assert page.status_code == 422 and b"family_name" in page.content
    assert client.get("/patients/?q=A%00").status_code == 422
    assert not Patient.objects.exists()


def test_a_bad_measurement_instrument_is_422_not_404(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    response = people.client("nurse").get(f"/patients/{patient.pk}/assessments/new/?instrument=nope")
    assert response.status_code == 422 and b"instrument" in response.content


def test_an_unknown_id_is_404_and_a_foreign_one_too(people) -> None:  # type: ignore[no-untyped-def]
    client = people.client("nurse")
    assert client.get("/api/sessions/999999").status_code == 404
    foreign = make_session(make_course(make_patient(people.outsider.clinic)))
    assert client.get(f"/api/sessions/{foreign.pk}").status_code == 404


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL refuses to store the value at all")
def test_a_poisoned_legacy_row_neither_breaks_another_clinic_nor_survives_the_repair(people) -> None:  # type: ignore[no-untyped-def]
    from importlib import import_module

    foreign = make_session(make_course(make_patient(people.outsider.clinic)), scheduled_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE records_session SET infusion_rate_ml_per_h = 10000000000 WHERE id = %s", [foreign.pk])
    assert people.client("front_desk").get("/sessions/today/").status_code == 200
    repair = import_module("ketamine_trd.clinic.records.migrations.0008_repair_unreadable_dose_values")
    today = {("mg_per_kg" if c == "dose_mg_per_kg" else c): v for c, v in repair.CAPACITY.items()}  # 0010's rename
    repair.clear_unreadable(None, SimpleNamespace(connection=connection), today)
    assert Session.objects.get(pk=foreign.pk).infusion_rate_ml_per_h is None


@pytest.mark.parametrize(
    "change",
    [{"mg_per_kg": "1e308"}, {"mg_per_kg": "NaN"}, {"infusions": 10**12}, {"infusions": -1},
     {"start_date": "0001-01-01"}, {"start_date": "9999-12-31"}, {"product": "a\x00b"}],
)  # fmt: skip
def test_bad_course_values_are_4xx_never_5xx(people, change) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, weight_kg=Decimal(80))
    body = {"product": "ketamine-iv", "start_date": timezone.now().date().isoformat(), "mg_per_kg": "0.5"} | change
    response = _post(people.client("prescriber"), f"/api/patients/{patient.pk}/courses", body)
    assert 400 <= response.status_code < 500, response.content  # type: ignore[attr-defined]
    assert response.json().get("field") or response.json().get("message")  # type: ignore[attr-defined]


def test_the_screening_form_leaves_diastolic_below_systolic_to_the_core(people) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.records.models import IntakeResult

    patient = make_patient(people.clinic)
    form = {"product": "esketamine-nasal", "sex": "female", "systolic_mmhg": "120", "diastolic_mmhg": "130",
            "hepatic_impairment": "none", "rems_enrolled": "true", "pregnant": "no"}  # fmt: skip
    response = people.client("nurse").post(f"/patients/{patient.pk}/intake/screening/", form)
    text = response.content.decode()
    assert response.status_code == 422 and "below the systolic value" in text
    assert not IntakeResult.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/api/sessions/99999999999999999999", "/api/patients/99999999999999999999",
     "/sessions/99999999999999999999/", "/api/sessions/-1"],
)  # fmt: skip
def test_an_id_beyond_any_row_is_404_not_500(people, url) -> None:  # type: ignore[no-untyped-def]
    assert people.client("nurse").get(url).status_code in (404, 422)


@pytest.mark.parametrize("when", ["2026-03-02T09:00:00", "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00"])
def test_a_naive_or_far_past_assessment_time_is_422_naming_the_field(people, when) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    from tests.clinic.test_measurement_builders import phq9

    body = {"instrument_id": "phq9", "answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), "administered_at": when}
    response = _post(people.client("nurse"), f"/api/measurement/patients/{patient.pk}/assessments", body)
    assert response.status_code == 422, response.content  # type: ignore[attr-defined]
    assert response.json()["field"] == "administered_at"  # type: ignore[attr-defined]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "", '{"dose_mg": {"$gt": 1}}', "[" * 5000])
def test_a_body_that_is_not_the_documented_object_is_4xx(people, raw) -> None:  # type: ignore[no-untyped-def]
    session = _iv_session(people)
    client = people.client("nurse")
    response = client.post(f"/api/sessions/{session.pk}/dose", raw, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    assert Session.objects.get(pk=session.pk).dose_mg is None
