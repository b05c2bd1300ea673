"""One or more patients' records as a FHIR R4 ``collection`` Bundle.

Entries use ``urn:uuid:`` full URLs (stable UUIDs, see ``ids.py``) so that references resolve inside
the Bundle; Questionnaires of the text-shareable instruments used, and the local instrument
CodeSystem (the codes used), are added once, with their canonical URL as full URL.

>>> import datetime as dt
>>> from ketamine_trd.interop.records import PatientExport, PatientRecord
>>> p = PatientExport(PatientRecord("1", "MRN1", "Ada", "Lee", dt.date(1980, 1, 2)))
>>> b = export_bundle([p], system="harbour", now=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
>>> b["type"], [e["resource"]["resourceType"] for e in b["entry"]]
('collection', ['Patient'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ketamine_trd.interop.fhir import care, scores
from ketamine_trd.interop.fhir.codes import identifier_system
from ketamine_trd.interop.fhir.codesystem import instrument_code_system
from ketamine_trd.interop.fhir.ids import Ids
from ketamine_trd.interop.records import PatientExport

__all__ = ["export_bundle", "patient_resources"]


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    canonical = resource["resourceType"] in ("Questionnaire", "CodeSystem")
    full_url = resource["url"] if canonical else f"urn:uuid:{resource['id']}"
    return {"fullUrl": full_url, "resource": resource}


def patient_resources(export: PatientExport, ids: Ids) -> list[dict[str, Any]]:
    """Every resource of one patient, the Patient first, then courses, sessions, doses, vitals, events, scores, open
    alerts (Flags)."""
    rec = export.patient
    patient_ref = ids.ref("patient", rec.record_id)
    out = [care.patient(rec, ids)]
    for course in export.courses:
        sessions = [ids.ref("session", s.record_id) for s in export.sessions if s.course_id == course.record_id]
        out.append(care.care_plan(course, ids, patient_ref, sessions))
    dosed: dict[str, str] = {}
    for session in export.sessions:
        encounter_ref = ids.ref("session", session.record_id)
        out.append(care.encounter(session, ids, patient_ref))
        if session.dose is not None:
            out.append(care.medication_administration(session.dose, session.record_id, ids, patient_ref, encounter_ref))
            dosed[session.record_id] = ids.ref("dose", session.record_id)
        for vitals in session.vitals:
            out.extend(care.vital_signs(vitals, ids, patient_ref, encounter_ref))
        out.extend(scores.session_rating(r, ids, patient_ref, encounter_ref) for r in session.ratings)
    for event in export.adverse_events:
        encounter_ref = ids.ref("session", event.session_id)
        out.append(care.adverse_event(event, ids, patient_ref, encounter_ref, dosed.get(event.session_id)))
    known_sessions = {s.record_id for s in export.sessions}
    for assessment in export.assessments:
        session_ref = ids.ref("session", assessment.session_id) if assessment.session_id in known_sessions else None
        out.extend(scores.assessment_resources(assessment, ids, patient_ref, session_ref))
    for alert in export.alerts:
        session_ref = ids.ref("session", alert.session_id) if alert.session_id in known_sessions else None
        out.append(care.flag(alert, ids, patient_ref, session_ref))
    return out


def export_bundle(exports: Iterable[PatientExport], *, system: str, now: dt.datetime) -> dict[str, Any]:
    """A ``collection`` Bundle of the patients' resources and the Questionnaires they use.

    ``system`` names the exporting system (the clinic's slug): it scopes identifiers and ids.
    ``now`` is the Bundle's timestamp (the core never reads the clock).
    """
    ids = Ids(system)
    resources: list[dict[str, Any]] = []
    used: set[str] = set()
    rated: set[str] = set()
    for export in exports:
        resources.extend(patient_resources(export, ids))
        used.update(a.instrument_id for a in export.assessments)
        rated.update(r.instrument_id for s in export.sessions for r in s.ratings)
    resources.extend(scores.shareable_questionnaires(used))
    if used | rated:
        resources.append(instrument_code_system(used | rated))
    return {
        "resourceType": "Bundle",
        "id": ids.id("bundle", now.astimezone(dt.UTC).isoformat()),
        "meta": {"source": identifier_system(system, "export").rsplit("/", 1)[0]},
        "identifier": {"system": identifier_system(system, "export"), "value": now.astimezone(dt.UTC).isoformat()},
        "type": "collection",
        "timestamp": now.astimezone(dt.UTC).isoformat(),
        "entry": [_entry(r) for r in resources],
    }
