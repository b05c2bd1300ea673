"""FHIR import registers a patient only under the registration form's rules (issue 16, item 7).

MRNs with markup or ``../``, birth dates in 2999 or 1800 and NUL bytes used to be stored through
``POST /api/fhir/import``; now each Patient goes through ``records.services.patients.PatientInput`` and its
date checks, and is rejected with the field named while nothing of it is stored.
"""

from __future__ import annotations

import json

import pytest

from ketamine_trd.clinic import fhir_bridge
from ketamine_trd.clinic.records.models import Patient
from tests.interop.builders import resources
from tests.interop.conftest import NOW, Clinics, clinics  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

BAD = [
    ("identifier", "<img src=x onerror=alert(1)>", "mrn"),
    ("identifier", "A B/../../x", "mrn"),
    ("identifier", "../etc/passwd", "mrn"),
    ("identifier", "MRN\x00NUL", "mrn"),
    ("birthDate", "2999-01-01", "date_of_birth"),
    ("birthDate", "1800-01-01", "date_of_birth"),
    ("family", "Lee\x00", "family_name"),
    ("given", "A\x00da", "given_name"),
]


def _bundle_with(clinics: Clinics, where: str, value: str) -> dict:  # type: ignore[type-arg]  # noqa: F811
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    patient = resources(bundle, "Patient")[0]
    if where == "identifier":
        patient["identifier"][0]["value"] = value
    elif where == "birthDate":
        patient["birthDate"] = value
    elif where == "family":
        patient["name"][0]["family"] = value
    else:
        patient["name"][0]["given"] = [value]
    if where != "identifier":
        patient["identifier"][0]["value"] = "MRN-NEW-1"
    return bundle


@pytest.mark.parametrize(("where", "value", "field"), BAD, ids=[f"{w}={v!r}" for w, v, _ in BAD])
def test_import_refuses_what_registration_refuses(clinics: Clinics, where: str, value: str, field: str) -> None:  # noqa: F811
    from django.db import connection

    bundle = _bundle_with(clinics, where, value)
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    patients = [e for e in report.entries if e.resource_type == "Patient"]
    if "\x00" in value and connection.vendor == "postgresql" and not patients:
        return  # the parser may already refuse the entry; either way nothing is stored
    (entry,) = patients
    assert entry.outcome == "rejected", entry
    assert entry.reasons[0].startswith(f"cannot register a new patient: {field}:"), entry.reasons
    assert not Patient.objects.filter(clinic=clinics.empty).exists()
    assert report.counts["created"] == 0


def test_api_import_refuses_a_markup_mrn_with_the_field_named(clinics: Clinics) -> None:  # noqa: F811
    bundle = _bundle_with(clinics, "identifier", "<img src=x onerror=alert(1)>")
    response = clinics.client("empty_nurse").post(
        "/api/fhir/import", json.dumps(bundle), content_type="application/fhir+json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["created"] == 0 and body["counts"]["rejected"] >= 1
    rejected = [e for e in body["entries"] if e["resource_type"] == "Patient"]
    assert rejected and "mrn" in rejected[0]["reasons"][0]
    assert not Patient.objects.filter(clinic=clinics.empty).exists()


def test_a_valid_patient_is_still_registered(clinics: Clinics) -> None:  # noqa: F811
    bundle = _bundle_with(clinics, "family", "O'Brien-Lee")
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    assert report.counts["rejected"] == 0, report.by_outcome("rejected")
    assert Patient.objects.get(clinic=clinics.empty).family_name == "O'Brien-Lee"
