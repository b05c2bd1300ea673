# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""The measurement inputs are the core's (issue 18): the API's assessment and acknowledgement schemas and the forms
refuse the same values, naming the field, and save nothing. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinical.alert_vocabulary import AlertKind
from tests.clinic.test_measurement_builders import clinic, nurse, patient, phq9  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
BASE = "/api/measurement"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, patient: Any, **change: Any) -> Any:
    body = {"instrument_id": "phq9", "answers": phq9(*[0] * 9), "administered_at": "2026-01-10T10:00:00Z"} | change
    return client.post(f"{BASE}/patients/{patient.pk}/assessments", body, content_type="application/json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"instrument_id": "phq10"}, "instrument_id"),
        ({"instrument_id": "x" * 500}, "instrument_id"),
        ({"instrument_id": 9}, "instrument_id"),
        ({"answers": [0] * 9}, "answers"),
        ({"answers": "0,0,0"}, "answers"),
        ({"answers": {"q1": "2"}}, "answers.q1"),
        ({"answers": {"q1": 1.5}}, "answers.q1"),
        ({"answers": {"q1": True}}, "answers.q1"),
        ({"answers": {f"k{i}": 0 for i in range(201)}}, "answers"),
        ({"answers": {"x" * 41: 0}}, "answers"),
        ({"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 7)}, "phq9.q9"),
        ({"answers": {"q1": 0}}, "phq9.q2"),
        ({"administered_at": "2026-01-10T10:00:00"}, "administered_at"),
        ({"administered_at": "1969-12-31T23:59:00Z"}, "administered_at"),
        ({"course_id": 0}, "course_id"),
        ({"session_id": 2**64}, "session_id"),
    ],
)
def test_a_bad_assessment_is_422_naming_the_field_and_nothing_saved(
    nurse: Any, patient: Any, change: dict[str, Any], field: str
) -> None:
    response = _post(_client(nurse), patient, **change)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Assessment.objects.exists()


def test_the_form_refuses_an_answer_with_the_apis_words(nurse: Any, patient: Any) -> None:
    client = _client(nurse)
    api = _post(client, patient, answers=phq9(0, 0, 0, 0, 0, 0, 0, 0, 7)).json()
    data = {f"item_q{i}": "0" for i in range(1, 9)} | {"item_q9": "7", "instrument": "phq9",
                                                          "administered_at": "2026-01-10T10:00"}  # fmt: skip
    response = client.post(reverse("measurement:assessment_new", args=[patient.pk]), data)
    assert response.status_code == 400
    assert api["message"] == "phq9.q9: " + response.context["form"].errors["item_q9"][0]


def _critical_alert(nurse: Any, patient: Any) -> Alert:
    assert _post(_client(nurse), patient, answers=phq9(0, 0, 0, 0, 0, 0, 0, 0, 3)).status_code == 201
    return Alert.objects.filter(kind=AlertKind.SUICIDE_ITEM).get()


@pytest.mark.parametrize("note", ["x" * 2001, "called\x00back"])
def test_a_bad_acknowledgement_note_is_refused_by_the_api_and_the_form(nurse: Any, patient: Any, note: str) -> None:
    alert = _critical_alert(nurse, patient)
    client = _client(nurse)
    response = client.post(f"{BASE}/alerts/{alert.pk}/acknowledge", {"note": note}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "note"
    if "\x00" not in note:  # NUL: the edge refuses any form before the view
        page = client.post(reverse("measurement:acknowledge", args=[alert.pk]), {"note": note}, follow=True)
        assert "Not acknowledged" in page.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.acknowledgement_note == ""


def test_an_overlong_note_no_longer_acknowledges_a_warning_without_its_note(nurse: Any, patient: Any) -> None:
    _critical_alert(nurse, patient)
    warning = Alert.objects.exclude(level="critical").first()
    assert warning is not None
    client = _client(nurse)
    client.post(reverse("measurement:acknowledge", args=[warning.pk]), {"note": "x" * 2001})
    warning.refresh_from_db()
    assert warning.acknowledged_at is None  # before: the note was dropped and the alert acknowledged without it
