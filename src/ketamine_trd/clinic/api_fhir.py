"""The FHIR router of the one NinjaAPI (mounted at ``/api/``): a patient's export Bundle, and import.

``GET /api/patients/{mrn}/fhir`` returns a FHIR R4 ``collection`` Bundle (``application/fhir+json``);
``POST /api/fhir/import`` takes a Bundle and returns the import report (``?dry_run=true`` checks and
rolls back). Export: prescribers and nurses; import: prescribers, nurses and admins (researchers and
front desk are refused). Every call, refusals included, is audited by ``clinic.fhir_bridge``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, Router, Schema

from ketamine_trd.clinic import fhir_bridge

router = Router(tags=["fhir"])

FHIR_JSON = "application/fhir+json"


class ImportEntryOut(Schema):
    index: int
    resource_type: str
    resource_id: str
    outcome: str
    reasons: list[str]
    target: str | None


class ImportReportOut(Schema):
    dry_run: bool
    source: str
    counts: dict[str, int]
    entries: list[ImportEntryOut]


@router.get("/patients/{mrn}/fhir", summary="A patient's records as a FHIR R4 Bundle", response={200: dict[str, Any]})
def export_patient(request: HttpRequest, mrn: str) -> HttpResponse:
    bundle = fhir_bridge.export_patient(request, mrn, now=timezone.now())
    return HttpResponse(json.dumps(bundle, ensure_ascii=False), content_type=FHIR_JSON)


@router.post("/fhir/import", response={200: ImportReportOut}, summary="Import a FHIR R4 Bundle of assessments")
def import_bundle(request: HttpRequest, bundle: Body[dict[str, Any]], dry_run: bool = False) -> dict[str, Any]:
    report = fhir_bridge.import_bundle(request, bundle, now=timezone.now(), dry_run=dry_run)
    return report.to_dict()
