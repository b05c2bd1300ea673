"""Patients, courses, sessions, doses, vitals and adverse events as FHIR R4 resources.

Patient (MRN identifier typed ``MR``), CarePlan for a course, Encounter for a session (the context
of its doses, vitals and events), MedicationAdministration for a dose (a contained Medication
carries the lot number, since R4 MedicationAdministration has no lot field), vital-sign Observations
with the FHIR R4 Vital Signs profile codes, and AdverseEvent. Shapes follow ``hl7-fhir-r4``.

>>> import datetime as dt
>>> from ketamine_trd.interop.records import PatientRecord
>>> p = patient(PatientRecord("1", "MRN1", "Ada", "Lee", dt.date(1980, 1, 2), "female"), Ids("c"))
>>> p["identifier"][0]["value"], p["gender"]
('MRN1', 'female')
"""

from __future__ import annotations

from typing import Any

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.interop.fhir.codes import (
    ADVERSE_EVENT_SYSTEM,
    AE_NON_SERIOUS,
    AE_OUTCOME,
    AE_SERIOUS,
    AE_SERIOUSNESS,
    AE_SEVERITY,
    ALERT_KIND_SYSTEM,
    ALERT_LEVEL_SYSTEM,
    AMBULATORY,
    COURSE_PHASE_SYSTEM,
    FLAG_PRIORITY_EXTENSION,
    FLAG_PRIORITY_SYSTEM,
    MRN_TYPE,
    PRODUCT_SYSTEM,
    ROUTE_SYSTEM,
    SPRAVATO_NDC,
    TIMEPOINT_EXTENSION,
    TIMEPOINT_SYSTEM,
    UCUM,
    VITAL_PROFILES,
    VITAL_SIGNS,
    VITALS,
    coding,
    identifier_system,
)
from ketamine_trd.interop.fhir.ids import Ids
from ketamine_trd.interop.fhir.values import instant, number
from ketamine_trd.interop.records import (
    AdverseEventRecord,
    AlertRecord,
    CourseRecord,
    DoseRecord,
    PatientRecord,
    SessionRecord,
    VitalsRecord,
)

__all__ = ["adverse_event", "care_plan", "encounter", "flag", "medication_administration", "patient", "vital_signs"]

_ENCOUNTER_STATUS = {"planned": "planned", "in_progress": "in-progress", "signed": "finished", "cancelled": "cancelled"}
_CAREPLAN_STATUS = {"evaluation": "draft", "induction": "active", "maintenance": "active", "ended": "completed"}


def patient(rec: PatientRecord, ids: Ids) -> dict[str, Any]:
    """The Patient, identified by its MRN in the exporting clinic's MRN system."""
    return {
        "resourceType": "Patient",
        "id": ids.id("patient", rec.record_id),
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [coding(MRN_TYPE)]},
                "system": identifier_system(ids.system, "mrn"),
                "value": rec.mrn,
            }
        ],
        "name": [{"family": rec.family_name, "given": [rec.given_name]}],
        "gender": rec.sex,
        "birthDate": rec.birth_date.isoformat(),
    }


def _product(product_value: str, route: str) -> dict[str, Any]:
    codings = [{"system": PRODUCT_SYSTEM, "code": product_value}]
    if product_value == "esketamine-nasal":
        codings.insert(0, coding(SPRAVATO_NDC))
        text = "esketamine nasal spray (SPRAVATO)"
    else:
        text = f"racemic ketamine hydrochloride, {route}"
    return {"coding": codings, "text": text}


def care_plan(rec: CourseRecord, ids: Ids, patient_ref: str, session_refs: list[str]) -> dict[str, Any]:
    """The CarePlan of a course: status from the phase, period, the product, its sessions as outcomes."""
    period: dict[str, Any] = {"start": rec.start_date.isoformat()}
    if rec.ended_on:
        period["end"] = rec.ended_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": ids.id("course", rec.record_id),
        "identifier": [{"system": identifier_system(ids.system, "course"), "value": rec.record_id}],
        "status": _CAREPLAN_STATUS[rec.phase],
        "intent": "plan",
        "category": [{"coding": [{"system": COURSE_PHASE_SYSTEM, "code": rec.phase}]}],
        "title": f"{rec.product.value} treatment course",
        "subject": {"reference": patient_ref},
        "period": period,
        "activity": [
            {
                "outcomeReference": [{"reference": r} for r in session_refs],
                "detail": {
                    "kind": "MedicationRequest",
                    "status": "completed" if rec.phase == "ended" else "in-progress",
                    "productCodeableConcept": _product(rec.product.value, rec.product.route),
                },
            }
        ],
    }
    if rec.end_reason:
        resource["note"] = [{"text": f"Course ended: {rec.end_reason}"}]
    if not session_refs:
        del resource["activity"][0]["outcomeReference"]
    return resource


def encounter(rec: SessionRecord, ids: Ids, patient_ref: str) -> dict[str, Any]:
    """The Encounter of a session (ambulatory), from its scheduled time or dose to its end; its type is the phase."""
    start = rec.dose.dosed_at if rec.dose else rec.scheduled_at
    period = {"start": instant(start)}
    if rec.ended_at and rec.ended_at >= start:
        period["end"] = instant(rec.ended_at)
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": ids.id("session", rec.record_id),
        "identifier": [{"system": identifier_system(ids.system, "session"), "value": rec.record_id}],
        "status": _ENCOUNTER_STATUS[rec.status],
        "class": coding(AMBULATORY),
        "subject": {"reference": patient_ref},
        "period": period,
    }
    if rec.phase:  # the phase the dose was given in, not the course's current phase
        resource["type"] = [{"coding": [{"system": COURSE_PHASE_SYSTEM, "code": rec.phase}]}]
    return resource


def medication_administration(
    dose: DoseRecord, session_id: str, ids: Ids, patient_ref: str, encounter_ref: str
) -> dict[str, Any]:
    """The MedicationAdministration of a session's dose (mg; IV rate in mL/h; lot in a contained Medication)."""
    medication: dict[str, Any] = {
        "resourceType": "Medication",
        "id": "med",
        "code": _product(dose.product.value, dose.product.route),
    }
    if dose.lot_number:
        medication["batch"] = {"lotNumber": dose.lot_number}
    dosage: dict[str, Any] = {
        "route": {"coding": [{"system": ROUTE_SYSTEM, "code": dose.product.route}], "text": dose.product.route},
        "dose": {"value": number(dose.dose_mg), "unit": "mg", "system": UCUM, "code": "mg"},
    }
    notes = []
    if dose.mg_per_kg is not None:
        notes.append(f"{dose.mg_per_kg} mg/kg")
    if dose.devices_used is not None:
        notes.append(f"{dose.devices_used} nasal spray device(s)")
    if notes:
        dosage["text"] = "; ".join(notes)
    if dose.infusion_rate_ml_per_h is not None:
        dosage["rateQuantity"] = {
            "value": number(dose.infusion_rate_ml_per_h),
            "unit": "mL/h",
            "system": UCUM,
            "code": "mL/h",
        }
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": ids.id("dose", session_id),
        "contained": [medication],
        "status": "completed",
        "medicationReference": {"reference": "#med"},
        "subject": {"reference": patient_ref},
        "context": {"reference": encounter_ref},
        "dosage": dosage,
    }
    if dose.ended_at:
        resource["effectivePeriod"] = {"start": instant(dose.dosed_at), "end": instant(dose.ended_at)}
    else:
        resource["effectiveDateTime"] = instant(dose.dosed_at)
    return resource


def _vital(rec: VitalsRecord, ids: Ids, kind: str, refs: tuple[str, str], **value: Any) -> dict[str, Any]:
    patient_ref, encounter_ref = refs
    codings = [coding(VITALS[kind])]
    if kind == "spo2":
        codings.append(coding(VITALS["spo2_pulse_oximetry"]))
    return {
        "resourceType": "Observation",
        "id": ids.id(f"vital-{kind}", rec.record_id),
        "meta": {"profile": [VITAL_PROFILES[kind]]},
        "extension": [{"url": TIMEPOINT_EXTENSION, "valueCoding": {"system": TIMEPOINT_SYSTEM, "code": rec.timepoint}}],
        "status": "final",
        "category": [{"coding": [coding(VITAL_SIGNS)]}],
        "code": {"coding": codings, "text": VITALS[kind].display},
        "subject": {"reference": patient_ref},
        "encounter": {"reference": encounter_ref},
        "effectiveDateTime": instant(rec.taken_at),
        **value,
    }


def _qty(value: int, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def vital_signs(rec: VitalsRecord, ids: Ids, patient_ref: str, encounter_ref: str) -> list[dict[str, Any]]:
    """Vital-sign Observations of one reading: BP panel (systolic, diastolic), heart rate, SpO2, RR."""
    refs = (patient_ref, encounter_ref)
    out = []
    if rec.systolic_mmhg is not None or rec.diastolic_mmhg is not None:
        components = []
        for kind, value in (("systolic", rec.systolic_mmhg), ("diastolic", rec.diastolic_mmhg)):
            component: dict[str, Any] = {"code": {"coding": [coding(VITALS[kind])]}}
            if value is not None:
                component["valueQuantity"] = _qty(value, "mm[Hg]")
            else:
                component["dataAbsentReason"] = {"text": "not recorded"}
            components.append(component)
        out.append(_vital(rec, ids, "bp_panel", refs, component=components))
    if rec.heart_rate_bpm is not None:
        out.append(_vital(rec, ids, "heart_rate", refs, valueQuantity=_qty(rec.heart_rate_bpm, "/min")))
    if rec.spo2_percent is not None:
        out.append(_vital(rec, ids, "spo2", refs, valueQuantity=_qty(rec.spo2_percent, "%")))
    if rec.respiratory_rate_per_min is not None:
        out.append(_vital(rec, ids, "respiratory_rate", refs, valueQuantity=_qty(rec.respiratory_rate_per_min, "/min")))
    return out


def _seriousness(serious: bool) -> dict[str, str]:
    """The HL7 adverse-event-seriousness coding (codes are case-sensitive: ``Serious`` / ``Non-serious``)."""
    code = AE_SERIOUS if serious else AE_NON_SERIOUS
    return {"system": AE_SERIOUSNESS, "code": code, "display": code}


def adverse_event(
    rec: AdverseEventRecord, ids: Ids, patient_ref: str, encounter_ref: str, dose_ref: str | None
) -> dict[str, Any]:
    """The AdverseEvent (actual), with seriousness, severity, outcome, and the dose as suspect."""
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": ids.id("adverse-event", rec.record_id),
        "identifier": {"system": identifier_system(ids.system, "adverse-event"), "value": rec.record_id},
        "actuality": "actual",
        "event": {"coding": [{"system": ADVERSE_EVENT_SYSTEM, "code": rec.kind}], "text": rec.kind},
        "subject": {"reference": patient_ref},
        "encounter": {"reference": encounter_ref},
        "date": instant(rec.noted_at),
        "seriousness": {"coding": [_seriousness(rec.serious)]},
        "outcome": {"coding": [{"system": AE_OUTCOME, "code": "resolved" if rec.resolved_at else "ongoing"}]},
    }
    if rec.severity:
        resource["severity"] = {"coding": [{"system": AE_SEVERITY, "code": rec.severity}]}
    if dose_ref:
        resource["suspectEntity"] = [{"instance": {"reference": dose_ref}}]
    return resource


#: the core's alert level -> the Flag priority code (high and critical are both "PH"; the level's own code
#: in ALERT_LEVEL_SYSTEM, beside it, keeps the difference)
_FLAG_PRIORITY = {
    AlertLevel.INFO: ("PL", "Low priority"),
    AlertLevel.WARNING: ("PM", "Medium priority"),
    AlertLevel.HIGH: ("PH", "High priority"),
    AlertLevel.CRITICAL: ("PH", "High priority"),
}


def flag(rec: AlertRecord, ids: Ids, patient_ref: str, encounter_ref: str | None) -> dict[str, Any]:
    """The Flag of an open alert: its kind as the code, its level as the priority (both the core's vocabulary)."""
    level = AlertLevel.parse(rec.level)
    kind = AlertKind.parse(rec.kind)
    priority, display = _FLAG_PRIORITY[level]
    resource: dict[str, Any] = {
        "resourceType": "Flag",
        "id": ids.id("alert", rec.record_id),
        "identifier": [{"system": identifier_system(ids.system, "alert"), "value": rec.record_id}],
        "extension": [
            {
                "url": FLAG_PRIORITY_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [
                        {"system": FLAG_PRIORITY_SYSTEM, "code": priority, "display": display},
                        {"system": ALERT_LEVEL_SYSTEM, "code": level.value, "display": level.label},
                    ]
                },
            }
        ],
        "status": "active",
        "code": {
            "coding": [{"system": ALERT_KIND_SYSTEM, "code": kind.value, "display": kind.label}],
            "text": rec.message,
        },
        "subject": {"reference": patient_ref},
        "period": {"start": instant(rec.raised_at)},
    }
    if encounter_ref:
        resource["encounter"] = {"reference": encounter_ref}
    return resource
