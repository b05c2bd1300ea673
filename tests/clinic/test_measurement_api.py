# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""The measurement API: assessments and alerts, errors mapped once, fields listed in the schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ketamine_trd.clinic.measurement.models import Alert, Assessment
from tests.clinic.test_measurement_builders import (  # noqa: F401  (fixtures)
    clinic,
    front_desk,
    nurse,
    outsider,
    patient,
    phq9,
)

pytestmark = pytest.mark.django_db
BASE = "/api/measurement"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, patient: Any, answers: dict[str, Any], **extra: Any) -> Any:
    body = {"instrument_id": "phq9", "answers": answers, "administered_at": "2026-01-10T10:00:00Z", **extra}
    return client.post(f"{BASE}/patients/{patient.pk}/assessments", body, content_type="application/json")


def test_instruments_never_carry_item_text(nurse: Any) -> None:
    body = _client(nurse).get(f"{BASE}/instruments").json()
    madrs = next(i for i in body if i["id"] == "madrs")
    assert madrs["text_shareable"] is False and len(madrs["items"]) == 10
    assert set(madrs["items"][0]) == {"id", "label", "allowed", "optional"}


def test_create_assessment_returns_alerts_and_followups(nurse: Any, patient: Any) -> None:
    response = _post(_client(nurse), patient, phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assessment"]["total"] == 9 and body["assessment"]["severity"] == "mild"
    assert body["followups"] == ["cssrs-screener"]
    assert {a["kind"] for a in body["alerts"]} == {"suicide_item", "assessment_due"}


def test_out_of_range_is_422_naming_the_item_and_nothing_saved(nurse: Any, patient: Any) -> None:
    response = _post(_client(nurse), patient, phq9(0, 0, 0, 0, 0, 0, 0, 0, 9))
    assert response.status_code == 422
    assert "q9" in response.json()["field"]
    assert not Assessment.objects.exists()


def test_future_date_is_422(nurse: Any, patient: Any) -> None:
    response = _post(_client(nurse), patient, phq9(*[0] * 9), administered_at="2099-01-01T00:00:00Z")
    assert response.status_code == 422 and response.json()["field"] == "administered_at"


def test_roles_and_scope(front_desk: Any, outsider: Any, patient: Any) -> None:
    assert _post(_client(front_desk), patient, phq9(*[0] * 9)).status_code == 403
    assert _post(_client(outsider), patient, phq9(*[0] * 9)).status_code == 404
    assert Client().get(f"{BASE}/alerts").status_code == 401


def test_alert_list_and_acknowledge(nurse: Any, patient: Any) -> None:
    client = _client(nurse)
    _post(client, patient, phq9(0, 0, 0, 0, 0, 0, 0, 0, 3))
    listed = client.get(f"{BASE}/alerts").json()
    alerts = listed["items"]
    assert listed["total"] == 2 and listed["page"] == 1 and listed["pages"] == 1
    assert alerts[0]["kind"] == "suicide_item" and alerts[0]["level"] == "critical"
    alert_id = alerts[0]["id"]
    bare = client.post(f"{BASE}/alerts/{alert_id}/acknowledge", {"note": "  "}, content_type="application/json")
    assert bare.status_code == 422 and bare.json()["field"] == "note"  # a critical alert needs a note
    done = client.post(f"{BASE}/alerts/{alert_id}/acknowledge", {"note": "ok"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["acknowledged_by_id"] == nurse.pk
    again = client.post(f"{BASE}/alerts/{alert_id}/acknowledge", {"note": ""}, content_type="application/json")
    assert again.status_code == 409
    assert Alert.objects.open().count() == 1  # the C-SSRS screener that is now due


def test_list_assessments_and_trajectory(nurse: Any, patient: Any) -> None:
    client = _client(nurse)
    _post(client, patient, phq9(2, 2, 2, 2, 2, 2, 2, 2, 0))
    rows = client.get(f"{BASE}/patients/{patient.pk}/assessments").json()
    assert [r["total"] for r in rows] == [16.0]
    traj = client.get(f"{BASE}/patients/{patient.pk}/trajectory?instrument_id=phq9").json()
    assert traj["instrument_id"] == "phq9" and len(traj["points"]) == 1


def test_unknown_kind_filter_is_422(nurse: Any) -> None:
    assert _client(nurse).get(f"{BASE}/alerts?kind=weather").status_code == 422


def test_openapi_lists_the_measurement_routes(nurse: Any) -> None:
    paths = _client(nurse).get("/api/openapi.json").json()["paths"]
    for path in ("/api/measurement/alerts", "/api/measurement/patients/{patient_id}/assessments"):
        assert path in paths
