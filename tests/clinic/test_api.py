"""The JSON API: cookie auth with CSRF, the same services as the pages, errors naming field and range."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.records.models import Course, Patient
from tests.clinic.builders import make_course, make_eligible, make_patient, make_session

PATIENT = {"mrn": "API-1", "given_name": "Sam", "family_name": "Rowe", "date_of_birth": "1985-02-03", "sex": "male",
           "weight_kg": 81.5, "height_cm": 180}  # fmt: skip


def _post(client: Client, url: str, body: dict) -> object:  # type: ignore[type-arg]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_anonymous_gets_401(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/patients").status_code == 401


def test_csrf_is_enforced_for_cookie_sessions(people) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.front_desk)
    response = _post(client, "/api/patients", PATIENT)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not Patient.objects.exists()


def test_register_and_read_a_patient(people) -> None:  # type: ignore[no-untyped-def]
    client = people.client("front_desk")
    created = _post(client, "/api/patients", PATIENT)
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert body["weight_kg"] == "81.5" or float(body["weight_kg"]) == 81.5
    again = client.get(f"/api/patients/{body['id']}")
    assert again.status_code == 200 and again.json()["mrn"] == "API-1"
    assert [p["id"] for p in client.get("/api/patients?q=Ro").json()] == [body["id"]]


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        ({"weight_kg": 0}, "weight_kg", "30 to 300 kg"),
        ({"weight_kg": "180 lb"}, "weight_kg", "a number in kg"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "not after today"),
        ({"sex": "F"}, "sex", "female, male"),
    ],
)
def test_bad_patient_input_is_422_naming_field_and_allowed(people, change, field, allowed) -> None:  # type: ignore[no-untyped-def]
    response = _post(people.client("nurse"), "/api/patients", PATIENT | change)
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["field"] == field and allowed in body["allowed"]
    assert not Patient.objects.exists()


def test_duplicate_mrn_is_409(people) -> None:  # type: ignore[no-untyped-def]
    make_patient(people.clinic, mrn="API-1")
    response = _post(people.client("nurse"), "/api/patients", PATIENT)
    assert response.status_code == 409 and "mrn" in response.json()["message"]  # type: ignore[attr-defined]


def test_wrong_role_is_403_and_other_clinic_is_404(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    assert people.client("researcher").get("/api/patients").status_code == 403
    assert people.client("outsider").get(f"/api/patients/{patient.pk}").status_code == 404
    assert _post(people.client("nurse"), f"/api/patients/{patient.pk}/courses",  # type: ignore[attr-defined]
                 {"product": "esketamine-nasal", "start_date": "2026-01-05"}).status_code == 403  # fmt: skip


def test_plan_an_esketamine_course_through_the_api(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    start = timezone.now().date()
    response = _post(people.client("prescriber"), f"/api/patients/{patient.pk}/courses",
                     {"product": "esketamine-nasal", "start_date": start.isoformat(), "total_weeks": 8})  # fmt: skip
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    # label induction: twice weekly in weeks 1-4, then weekly in weeks 5-8 (spravato-hcp-dosing)
    assert len(body["plan"]["sessions"]) == 12 and body["phase"] == "evaluation"
    assert Course.objects.get(pk=body["id"]).rule_version == body["rule_version"]


def test_session_vitals_300_over_20_is_refused_by_the_api(people) -> None:  # type: ignore[no-untyped-def]
    session = make_session(make_course(make_patient(people.clinic)))
    now = timezone.now().isoformat()
    response = _post(people.client("nurse"), f"/api/sessions/{session.pk}/vitals",
                     {"taken_at": now, "systolic_mmhg": 300, "diastolic_mmhg": 20})  # fmt: skip
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["field"] == "systolic_mmhg"  # type: ignore[attr-defined]


def test_sign_through_the_api_lists_missing_fields(people) -> None:  # type: ignore[no-untyped-def]
    session = make_session(
        make_course(make_patient(people.clinic)), scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = _post(people.client("prescriber"), f"/api/sessions/{session.pk}/sign", {})
    if response.status_code == 403:  # type: ignore[attr-defined]
        assert response.json()["error"] == "ReauthRequired"  # type: ignore[attr-defined]
        return
    body = response.json()  # type: ignore[attr-defined]
    assert body["signed"] is False and "dose_mg" in {m["field"] for m in body["missing"]}


def test_openapi_lists_the_records_endpoints(client, db) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/patients", "/api/patients/{patient_id}", "/api/sessions/{session_id}/vitals", "/api/rems"} <= set(
        paths
    )
