"""Medications, allergies, problems and notes: classes fed to the chair, signed notes locked by the database."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.chartnotes import services
from ketamine_trd.clinic.chartnotes.models import Addendum, Allergy, Medication, Note
from ketamine_trd.clinical.inputs.chart import NOTE_SECTION_MAX_CHARS, AddendumInput, NoteInput
from ketamine_trd.errors import ConflictError
from tests.clinic.builders import make_course, make_patient, make_session

NOTE = {"kind": "visit", "subjective": "Feels flatter this week.", "assessment": "Partial response.", "plan": "Go on."}


@pytest.fixture
def patient(people):  # type: ignore[no-untyped-def]
    return make_patient(people.clinic)


def _add_med(client, patient, name: str):  # type: ignore[no-untyped-def]
    return client.post(f"/patients/{patient.pk}/chart/", {"part": "medication", "medication-name": name})


def test_a_medication_gets_its_class_from_the_core_and_is_audited(people, patient) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    assert _add_med(nurse, patient, "Lorazepam 1 mg").status_code == 302
    assert _add_med(nurse, patient, "Sertraline").status_code == 302
    rows = {m.name: (m.drug_class, m.atc_group) for m in Medication.objects.filter(patient=patient)}
    assert rows == {"Lorazepam 1 mg": ("benzodiazepine", "N05BA"), "Sertraline": ("", "")}
    assert AuditEvent.objects.filter(action="create", object_type="chartnotes.medication").count() == 2
    page = nurse.get(f"/patients/{patient.pk}/chart/")
    assert page.status_code == 200 and b"none that the checks ask about" in page.content
    assert AuditEvent.objects.filter(action="read", object_type="chartnotes.chart", patient_id=str(patient.pk)).exists()


def test_the_chair_shows_allergies_and_pre_ticks_the_listed_classes(people, patient) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    _add_med(nurse, patient, "Adderall XR")
    _add_med(nurse, patient, "Flonase")
    nurse.post(
        f"/patients/{patient.pk}/chart/",
        {"part": "allergy", "allergy-substance": "Latex", "allergy-reaction": "hives", "allergy-severity": "moderate"},
    )
    session = make_session(make_course(patient, prescriber=people.prescriber))
    html = nurse.get(f"/sessions/{session.pk}/").content.decode()
    header = html.split('data-testid="safety-header"')[1].split("</header>")[0]
    assert "Latex" in header and "hives" in header and "Psychostimulant" in header
    assert 'data-testid="checklist-nasal-hint"' in html
    assert 'value="psychostimulant" checked' in html.replace("\n", " ").replace("  ", " ") or (
        'value="psychostimulant"' in html and "checked" in html.split('value="psychostimulant"')[1][:40]
    )
    detail = nurse.get(f"/patients/{patient.pk}/").content.decode()
    assert 'data-testid="header-allergies"' in detail and "Latex" in detail


def test_a_signed_note_is_locked_and_takes_addenda(people, patient) -> None:  # type: ignore[no-untyped-def]
    nurse, prescriber = people.client("nurse"), people.client("prescriber")
    response = nurse.post(f"/patients/{patient.pk}/notes/new/", NOTE)
    assert response.status_code == 302
    note = Note.objects.get(patient=patient)
    url = f"/notes/{note.pk}/"
    assert (
        nurse.post(url, {"part": "edit", "edit-kind": "visit", "edit-subjective": "Edited draft."}).status_code == 302
    )
    assert prescriber.post(url, {"part": "sign"}).status_code == 302
    note.refresh_from_db()
    assert note.signed_at is not None and note.subjective == "Edited draft."
    refused = nurse.post(url, {"part": "edit", "edit-kind": "visit", "edit-subjective": "Changed after signing"})
    assert refused.status_code == 422 and b"addendum" in refused.content
    assert nurse.post(url, {"part": "addendum", "addendum-text": "Called the patient: better."}).status_code == 302
    assert Addendum.objects.filter(note=note).count() == 1
    assert b"Called the patient" in nurse.get(url).content
    assert b"Visit note" in nurse.get(f"/patients/{patient.pk}/").content  # in the patient's timeline
    assert AuditEvent.objects.filter(action="sign", object_type="chartnotes.note", object_id=str(note.pk)).exists()


def test_the_database_refuses_to_change_a_signed_note_or_an_addendum(people, patient) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    note = services.create_note(people.nurse, patient.pk, NoteInput(**NOTE), now=now)
    Note.objects.filter(pk=note.pk).update(plan="a draft may change")
    services.sign_note(people.prescriber, note.pk, now=now)
    addendum = services.add_addendum(people.nurse, note.pk, AddendumInput(text="later"), now=now)
    attempts = [
        lambda: Note.objects.filter(pk=note.pk).update(plan="rewritten"),
        lambda: Note.objects.filter(pk=note.pk).update(signed_at=None, signed_by=None),
        lambda: Addendum.objects.filter(pk=addendum.pk).update(text="rewritten"),
    ]
    if connection.vendor == "postgresql":  # SQLite: the models refuse deletes (the migration says why)
        attempts += [lambda: Note.objects.filter(pk=note.pk).delete(), lambda: Addendum.objects.all().delete()]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    with pytest.raises(ConflictError):
        Note.objects.get(pk=note.pk).delete()
    with pytest.raises(ConflictError):
        addendum.delete()
    note.refresh_from_db()
    assert note.plan == "a draft may change" and note.signed_at is not None
    assert Addendum.objects.get(pk=addendum.pk).text == "later"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subjective": "bad\x00byte"}, "subjective"),
        ({"plan": "x" * (NOTE_SECTION_MAX_CHARS + 1)}, "plan"),
        ({"subjective": "   "}, "subjective"),
    ],
)
def test_bad_note_text_is_refused_naming_the_field_and_nothing_is_saved(people, patient, data, field) -> None:  # type: ignore[no-untyped-def]
    response = people.client("nurse").post(f"/patients/{patient.pk}/notes/new/", {"kind": "visit", **data})
    assert 400 <= response.status_code < 500
    assert field.encode() in response.content or field.capitalize().encode() in response.content
    assert not Note.objects.exists()


def test_bad_medication_and_allergy_input_is_refused_naming_the_field(people, patient) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    response = _add_med(nurse, patient, "a\x00b")
    assert 400 <= response.status_code < 500 and b"name" in response.content.lower()
    response = nurse.post(f"/patients/{patient.pk}/chart/", {"part": "allergy", "allergy-substance": "x" * 201})
    assert response.status_code == 422 and b"Substance" in response.content
    response = nurse.post(
        f"/patients/{patient.pk}/chart/",
        {
            "part": "medication",
            "medication-name": "diazepam",
            "medication-started_on": "2026-02-01",
            "medication-stopped_on": "2026-01-01",
        },
    )
    assert response.status_code == 422 and b"Stopped" in response.content
    assert not Medication.objects.exists() and not Allergy.objects.exists()


def test_who_may_see_and_write_the_chart(people, patient) -> None:  # type: ignore[no-untyped-def]
    url = f"/patients/{patient.pk}/chart/"
    assert people.client("prescriber").get(url).status_code == 200
    assert people.client("front_desk").get(url).status_code == 403
    assert people.client("researcher").get(url).status_code == 403
    assert people.client("outsider").get(url).status_code == 404
    assert people.client("front_desk").post(f"/patients/{patient.pk}/notes/new/", NOTE).status_code == 403
    note = services.create_note(people.nurse, patient.pk, NoteInput(**NOTE), now=timezone.now())
    assert people.client("outsider").get(f"/notes/{note.pk}/").status_code == 404
    assert not Note.objects.exclude(pk=note.pk).exists()


def test_a_session_note_belongs_to_a_session_of_the_same_patient(people, patient) -> None:  # type: ignore[no-untyped-def]
    session = make_session(make_course(patient, prescriber=people.prescriber))
    other = make_session(make_course(make_patient(people.clinic, mrn="OTHER-1"), prescriber=people.prescriber))
    nurse = people.client("nurse")
    assert (
        nurse.post(f"/patients/{patient.pk}/notes/new/?session={session.pk}", {**NOTE, "kind": "session"}).status_code
        == 302
    )
    refused = nurse.post(f"/patients/{patient.pk}/notes/new/?session={other.pk}", {**NOTE, "kind": "session"})
    assert refused.status_code in (404, 422)
    assert Note.objects.filter(session=session).count() == 1 and Note.objects.count() == 1


def test_the_screening_form_opens_with_the_listed_classes_ticked(people, patient) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    _add_med(nurse, patient, "Nardil")
    html = people.client("prescriber").get(f"/patients/{patient.pk}/intake/screening/").content.decode()
    assert 'data-testid="screening-med-hint"' in html and "MAOI" in html
    box = html.split('value="maoi"')[1][:60]
    assert "checked" in box


def test_the_demo_clinic_has_lists_and_signed_notes(db) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.demo import ensure_demo_clinic

    ensure_demo_clinic(patients=8)
    assert Medication.objects.filter(drug_class="benzodiazepine").exists()
    assert Allergy.objects.exists() and Addendum.objects.exists()
    assert Note.objects.filter(kind="session", signed_at__isnull=False).exists()
    assert not Note.objects.filter(signed_at=None).exists()


def _api(client, url: str, body: dict):  # type: ignore[no-untyped-def,type-arg]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_writes_lists_and_notes_through_the_same_services(people, patient) -> None:  # type: ignore[no-untyped-def]
    nurse, prescriber = people.client("nurse"), people.client("prescriber")
    base = f"/api/chart/patients/{patient.pk}"
    made = _api(nurse, f"{base}/medications", {"name": "Ritalin", "dose_text": "10 mg"})
    assert made.status_code == 201 and made.json()["drug_class"] == "psychostimulant"
    assert _api(nurse, f"{base}/allergies", {"substance": "Latex"}).json()["severity"] == "unknown"
    refused = _api(nurse, f"{base}/notes", {"kind": "visit", "plan": "x\x00y"})
    assert refused.status_code in (400, 422) and refused.json()["field"] == "plan"
    refused = _api(nurse, f"{base}/notes", {"kind": "visit", "plan": "x" * (NOTE_SECTION_MAX_CHARS + 1)})
    assert refused.status_code in (400, 422) and refused.json()["field"] == "plan"
    note = _api(nurse, f"{base}/notes", {"kind": "visit", "plan": "Review in a week."}).json()
    assert _api(prescriber, f"/api/chart/notes/{note['id']}/sign", {}).json()["signed_at"]
    assert _api(prescriber, f"/api/chart/notes/{note['id']}/sign", {}).status_code == 409
    assert _api(nurse, f"/api/chart/notes/{note['id']}/addenda", {"text": "Seen again."}).status_code == 201
    chart = nurse.get(base).json()
    assert chart["concomitant_classes"] == ["psychostimulant"] and len(chart["notes"]) == 1
    assert len(nurse.get(f"/api/chart/notes/{note['id']}").json()["addenda"]) == 1
    assert people.client("front_desk").get(base).status_code == 403
    assert people.client("outsider").get(base).status_code == 404
