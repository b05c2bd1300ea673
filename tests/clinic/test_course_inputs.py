"""Planning a course and moving its phase through inputs generated from the core (issue 18): the monitoring profile
is one of the shipped profiles for the product, so a bad or overlong id is a 4xx naming the field (never stored,
never a 500 on PostgreSQL), in the form and in the API alike. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.records.models import Course
from ketamine_trd.clinic.records.services.charting import profile_for
from tests.clinic.builders import make_course, make_eligible, make_patient, make_session

pytestmark = pytest.mark.django_db
BAD_PROFILES = ["no-such-profile", "x" * 81, "spravato-label\x00", "iv-ketamine-site-default"]  # last: wrong product


def _api(client: Client, patient_id: int, **change: object) -> Any:
    body = {"product": "esketamine-nasal", "start_date": timezone.now().date().isoformat()} | change
    return client.post(f"/api/patients/{patient_id}/courses", json.dumps(body), content_type="application/json")


def _form(client: Client, patient_id: int, **change: object) -> Any:
    data = {"product": "esketamine-nasal", "start_date": timezone.now().date().isoformat()} | change
    return client.post(f"/patients/{patient_id}/courses/new/", data)


@pytest.mark.parametrize("profile", BAD_PROFILES)
def test_a_bad_monitoring_profile_is_refused_by_the_api_and_nothing_is_stored(people: Any, profile: str) -> None:
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    response = _api(people.client("prescriber"), patient.pk, monitoring_profile=profile)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "monitoring_profile"
    assert not Course.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("profile", [p for p in BAD_PROFILES if "\x00" not in p])  # NUL: the edge refuses any form
def test_the_form_refuses_the_same_profiles_with_the_same_words(people: Any, profile: str) -> None:
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    api = _api(people.client("prescriber"), patient.pk, monitoring_profile=profile).json()
    response = _form(people.client("prescriber"), patient.pk, monitoring_profile=profile)
    assert response.status_code == 422
    errors = response.context["form"].errors["monitoring_profile"]
    assert api["allowed"] in errors[0]
    assert not Course.objects.filter(patient=patient).exists()


def test_a_good_profile_is_stored_and_charting_reads_it(people: Any) -> None:
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    response = _api(people.client("prescriber"), patient.pk, monitoring_profile="spravato-trial-hold")
    assert response.status_code == 201, response.content
    course = Course.objects.get(pk=response.json()["id"])
    session = make_session(course, scheduled_at=timezone.now(), monitoring_profile=course.monitoring_profile)
    assert profile_for(session, timezone.now().date()).id == "spravato-trial-hold"


BAD_PHASES = [({"phase": "paused"}, "phase"), ({"phase": 3}, "phase"),
              ({"phase": "ended", "end_reason": "x" * 501}, "end_reason")]  # fmt: skip


@pytest.mark.parametrize(("change", "field"), BAD_PHASES)
def test_a_bad_phase_change_is_422_naming_the_field(people: Any, change: dict[str, object], field: str) -> None:
    course = make_course(make_patient(people.clinic), phase="induction")
    client = people.client("prescriber")
    response = client.post(f"/api/courses/{course.pk}/phase", json.dumps(change), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == field, response.content
    assert Course.objects.get(pk=course.pk).phase == "induction"
