"""The FHIR API: export and import, role checks (allow and deny for each), audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.interop.fhir.validate import validate_bundle
from tests.interop.conftest import Clinics

pytestmark = pytest.mark.django_db


def _export(client: Client, mrn: str = "MRN-7") -> object:
    return client.get(f"/api/patients/{mrn}/fhir")


def _import(client: Client, bundle: object, query: str = "") -> object:
    return client.post(f"/api/fhir/import{query}", json.dumps(bundle), content_type="application/fhir+json")


@pytest.mark.parametrize("who", ["prescriber", "nurse"])
def test_export_allowed(clinics: Clinics, who: str) -> None:
    response = _export(clinics.client(who))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    validate_bundle(json.loads(response.content))


@pytest.mark.parametrize(
    ("who", "status"), [("researcher", 403), ("front_desk", 403), ("admin", 403), ("empty_nurse", 404)]
)
def test_export_denied(clinics: Clinics, who: str, status: int) -> None:
    assert _export(clinics.client(who)).status_code == status


def test_export_anonymous_is_401() -> None:
    assert _export(Client()).status_code == 401


def test_import_round_trip_and_report(clinics: Clinics) -> None:
    bundle = json.loads(_export(clinics.client("nurse")).content)
    dry = _import(clinics.client("empty_nurse"), bundle, "?dry_run=true").json()
    assert dry["dry_run"] is True and dry["counts"]["created"] == 5
    assert not Assessment.objects.filter(patient__clinic=clinics.empty).exists()
    body = _import(clinics.client("empty_nurse"), bundle).json()
    assert body["counts"] == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "skipped": body["counts"]["skipped"],
    }
    assert {e["outcome"] for e in body["entries"]} == {"created", "skipped"}
    assert Assessment.objects.filter(patient__clinic=clinics.empty).count() == 4
    assert AuditEvent.objects.filter(action="import", object_type="fhir_bundle").count() == 2


@pytest.mark.parametrize("who", ["prescriber", "nurse", "admin"])
def test_import_allowed(clinics: Clinics, who: str) -> None:
    bundle = json.loads(_export(clinics.client("nurse")).content)
    response = _import(clinics.client(who), bundle)
    assert response.status_code == 200 and response.json()["counts"]["unchanged"] == 5


@pytest.mark.parametrize("who", ["researcher", "front_desk"])
def test_import_denied_and_audited(clinics: Clinics, who: str) -> None:
    bundle = json.loads(_export(clinics.client("nurse")).content)
    before = Assessment.objects.count()
    response = _import(clinics.client(who), bundle)
    assert response.status_code == 403
    assert Assessment.objects.count() == before
    assert AuditEvent.objects.filter(action="denied", detail="fhir.import").exists()


def test_import_of_something_else_than_a_bundle_is_422(clinics: Clinics) -> None:
    response = _import(clinics.client("nurse"), {"resourceType": "Patient"})
    assert response.status_code == 422 and response.json()["field"] == "resourceType"


def test_openapi_lists_the_fhir_routes(clinics: Clinics) -> None:
    paths = clinics.client("nurse").get("/api/openapi.json").json()["paths"]
    assert "/api/patients/{mrn}/fhir" in paths and "/api/fhir/import" in paths
