"""FHIR R4 export and import for the clinic: rows to records (``interop.records``) and back.

Export maps a patient's rows onto records and lets the pure mapping (``interop.fhir``) build and
validate the Bundle. Import sorts a Bundle with ``interop.fhir.parse`` (answers scored by the
measurement engine), then applies each entry in its own transaction: patients are matched by MRN
(registered when the Bundle carries a Patient with names and birth date), assessments are created,
updated or left unchanged, and their alerts raised as ``record_assessment`` would.

Idempotency: every imported assessment is keyed on its source identifier (identifier system and
value, or the Bundle's source and the resource id), hashed into the audit trail's ``import`` entry
(``detail = "fhir <sha256>"``): re-importing the same resource finds that entry and changes nothing,
or updates the assessment when the answers changed. Without an earlier import, an assessment of the
same patient, instrument and time counts as the same one. Reads and writes are audited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from ketamine_trd.clinic.access import Actor, authorize, user_of
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.measurement.refresh import refresh_patient_alerts
from ketamine_trd.clinic.records.models import Course, Patient, Session
from ketamine_trd.clinic.records.services.patients import PatientInput
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.products import Product
from ketamine_trd.errors import InputError, KtrdError, NotFoundError
from ketamine_trd.interop.fhir.bundle import export_bundle
from ketamine_trd.interop.fhir.parse import AssessmentCandidate, PatientCandidate, parse_bundle
from ketamine_trd.interop.fhir.report import ImportEntry, ImportReport
from ketamine_trd.interop.fhir.validate import validate_bundle
from ketamine_trd.interop.records import (
    RATING_INSTRUMENTS,
    SEXES,
    AdverseEventRecord,
    AlertRecord,
    AssessmentRecord,
    CourseRecord,
    DoseRecord,
    PatientExport,
    PatientRecord,
    RatingRecord,
    SessionRecord,
    VitalsRecord,
)

__all__ = ["export_clinic", "export_patient", "import_bundle", "patient_export"]


class _Reject(Exception):
    pass


def _clinic_of(actor: Actor, action: str, clinic: Any) -> Any:
    """The clinic to work in: the user's (``action`` is fhir.export or fhir.import, refusals audited), or ``clinic``
    for the system (researchers get de-identified data from the research export instead)."""
    if actor is None:
        if clinic is None:
            raise NotFoundError("no clinic given")
        return clinic
    return authorize(actor, action).clinic  # a refusal is audited there, outside any transaction


# -- rows to records ---------------------------------------------------------------------------


def _dose(session: Session, product: Product) -> DoseRecord | None:
    if session.dose_mg is None or session.dosed_at is None:
        return None
    return DoseRecord(
        product=product,
        dose_mg=session.dose_mg,
        dosed_at=session.dosed_at,
        ended_at=session.infusion_ended_at,
        mg_per_kg=session.mg_per_kg,
        lot_number=session.lot_number,
        devices_used=session.devices_used,
        infusion_rate_ml_per_h=session.infusion_rate_ml_per_h,
    )


def _session(session: Session) -> SessionRecord:
    vitals = tuple(
        VitalsRecord(
            str(v.pk),
            v.taken_at,
            v.timepoint,
            v.systolic_mmhg,
            v.diastolic_mmhg,
            v.heart_rate_bpm,
            v.spo2_percent,
            v.respiratory_rate_per_min,
        )
        for v in session.vitals.all()
    )
    return SessionRecord(
        str(session.pk),
        str(session.course_id),
        session.scheduled_at,
        session.status,
        _dose(session, Product.parse(session.course.product)),
        vitals,
        session.monitoring_completed_at or session.signed_at,
        tuple(
            RatingRecord(str(r.pk), RATING_INSTRUMENTS[r.instrument_id], r.value, r.taken_at)
            for r in session.ratings.all()
            if r.instrument_id in RATING_INSTRUMENTS
        ),
        session.phase,
    )


def patient_export(patient: Patient) -> PatientExport:
    """Everything exported for ``patient``: courses, sessions (doses, vitals), events, assessments, open alerts."""
    courses = list(Course.objects.filter(patient=patient).order_by("start_date", "id"))
    sessions = list(
        Session.objects.filter(patient=patient)
        .select_related("course")
        .prefetch_related("vitals", "adverse_events", "ratings")
        .order_by("scheduled_at", "id")
    )
    events = [
        AdverseEventRecord(str(e.pk), str(s.pk), e.kind, e.noted_at, e.severity, e.serious, e.resolved_at)
        for s in sessions
        for e in s.adverse_events.all()
    ]
    assessments = [
        AssessmentRecord(
            str(a.pk),
            patient.mrn,
            a.instrument_id,
            a.instrument_version,
            a.administered_at,
            dict(a.item_values),
            a.total,
            a.severity,
            a.risk,
            a.prorated,
            str(a.session_id) if a.session_id else None,
            a.reported_via or "",
        )
        for a in Assessment.objects.filter(patient=patient)
        .annotate(reported_via=F("patient_report__channel"))  # clinic.selfreport: patient-reported, and how
        .order_by("administered_at", "id")
    ]
    return PatientExport(
        PatientRecord(
            str(patient.pk),
            patient.mrn,
            patient.given_name,
            patient.family_name,
            patient.date_of_birth,
            patient.sex if patient.sex in SEXES else "unknown",
        ),
        tuple(
            CourseRecord(str(c.pk), Product.parse(c.product), c.phase, c.start_date, c.ended_on, c.end_reason)
            for c in courses
        ),
        tuple(_session(s) for s in sessions),
        tuple(assessments),
        tuple(events),
        tuple(
            AlertRecord(
                str(a.pk),
                AlertKind(a.kind),
                AlertLevel(a.level),
                a.message,
                a.raised_at,
                a.rule,
                a.source,
                str(a.session_id) if a.session_id else None,
            )
            for a in Alert.objects.open().filter(patient=patient).most_urgent_first()
        ),  # fmt: skip
    )


def _export(actor: Actor, clinic: Any, patients: Iterable[Patient], now: dt.datetime) -> dict[str, Any]:
    with reading():
        chosen = list(patients)
        exports = [patient_export(patient) for patient in chosen]
    with writing():  # every export event in one short write, after the rows were read
        for patient in chosen:
            record(actor, "export", obj=patient, detail="fhir bundle")
    bundle = export_bundle(exports, system=clinic.slug, now=now)
    validate_bundle(bundle)
    return bundle


def export_patient(actor: Actor, mrn: str, *, now: dt.datetime, clinic: Any = None) -> dict[str, Any]:
    """The FHIR Bundle of one patient of the actor's clinic (404 for an MRN not in that clinic)."""
    clinic = _clinic_of(actor, "fhir.export", clinic)
    patient = _by_mrn(clinic, mrn)
    if patient is None:
        raise NotFoundError(f"no patient with this MRN in clinic {clinic.slug}")
    return _export(actor, clinic, [patient], now)


def export_clinic(actor: Actor, *, now: dt.datetime, clinic: Any = None) -> dict[str, Any]:
    """The FHIR Bundle of every patient of the clinic."""
    clinic = _clinic_of(actor, "fhir.export", clinic)
    return _export(actor, clinic, Patient.objects.filter(clinic=clinic).order_by("mrn"), now)


# -- import ------------------------------------------------------------------------------------


def _by_mrn(clinic: Any, mrn: str) -> Patient | None:
    """The clinic's patient with this MRN; none for an MRN no registration accepts (a NUL, which PostgreSQL
    cannot even compare)."""
    if "\x00" in mrn:
        return None
    return Patient.objects.filter(clinic=clinic, mrn=mrn).first()


def _registration_problems(found: PatientCandidate, now: dt.datetime) -> tuple[PatientInput | None, list[str]]:
    """The Patient as the registration form would take it (``PatientInput`` and its date checks), or why not.

    One rule set: the MRN pattern, name lengths and characters, sex, and a birth date in the past and within
    a human lifetime are those of ``records.services.patients``; the import adds only what a FHIR Patient can
    lack (a name part or a birth date).
    """
    missing = [f"{name} is missing" for name, value in (
        ("name.given", found.given_name), ("name.family", found.family_name), ("birthDate", found.birth_date),
    ) if not value]  # fmt: skip
    if missing or found.birth_date is None:
        return None, missing
    try:
        data = PatientInput(
            mrn=found.mrn,
            given_name=found.given_name,
            family_name=found.family_name,
            date_of_birth=found.birth_date,
            sex=found.sex if found.sex in SEXES else "unknown",
        )
        data.check_dates(now.date())
    except InputError as error:
        return None, [str(error)]
    return data, []


def _register(actor: Actor, clinic: Any, found: PatientCandidate, now: dt.datetime) -> ImportEntry:
    existing = _by_mrn(clinic, found.mrn)
    if existing is not None:
        return ImportEntry(
            found.index, "Patient", found.resource_id, "unchanged", ("matched by MRN",), str(existing.pk)
        )
    data, problems = _registration_problems(found, now)
    if data is None:
        reasons = tuple(f"cannot register a new patient: {p}" for p in problems)
        return ImportEntry(found.index, "Patient", found.resource_id, "rejected", reasons)
    with writing():
        patient = Patient.objects.create(
            clinic=clinic,
            mrn=data.mrn,
            given_name=data.given_name,
            family_name=data.family_name,
            date_of_birth=data.date_of_birth,
            sex=data.sex,
            created_at=now,
            updated_at=now,
            created_by=user_of(actor) if actor is not None else None,
        )
        record(actor, "import", obj=patient, detail="fhir Patient")
    return ImportEntry(found.index, "Patient", found.resource_id, "created", (), str(patient.pk))


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:48]


def _same(assessment: Assessment, found: AssessmentCandidate) -> bool:
    total = found.result.total
    return dict(assessment.item_values) == dict(found.result.item_values) and (
        (assessment.total is None and total is None)
        or (assessment.total is not None and total is not None and Decimal(assessment.total) == Decimal(total))
    )


def _fill(assessment: Assessment, found: AssessmentCandidate) -> None:
    result = found.result
    assessment.instrument_id = found.instrument.id
    assessment.instrument_version = str(found.instrument.version)
    assessment.item_values = dict(result.item_values)
    assessment.total = Decimal(result.total) if result.total is not None else None
    assessment.severity = result.severity or ""
    assessment.risk = result.risk or ""
    assessment.prorated = bool(result.prorated)
    assessment.administered_at = found.administered_at


def _apply(actor: Actor, clinic: Any, found: AssessmentCandidate, now: dt.datetime) -> tuple[str, Assessment]:
    patient = _by_mrn(clinic, found.mrn)
    if patient is None:
        raise _Reject("unknown patient: no patient of this clinic has the subject's MRN")
    if found.administered_at > now:
        raise _Reject(f"administered at {found.administered_at:%Y-%m-%d %H:%M} UTC, after now")
    detail = f"fhir {_key_hash(found.key)}" if found.key else "fhir"
    ledger = (
        AuditEvent.objects.filter(
            action="import", object_type="measurement.assessment", detail=detail, patient_id=str(patient.pk)
        )
        .order_by("-seq")
        .first()
        if found.key
        else None
    )
    existing = Assessment.objects.filter(pk=ledger.object_id, patient=patient).first() if ledger else None
    if existing is None and ledger is None:
        same_time = Assessment.objects.filter(
            patient=patient, instrument_id=found.instrument.id, administered_at=found.administered_at
        ).first()
        if same_time is not None and not _same(same_time, found):
            raise _Reject(
                "conflict: this patient already has an assessment of this instrument at this time with other answers"
            )
        existing = same_time
    if existing is not None and _same(existing, found):
        return "unchanged", existing
    if existing is not None:
        _fill(existing, found)
        existing.save()
        record(
            actor, "update", obj=existing, changed_fields=["item_values", "total", "severity", "risk"], detail=detail
        )
        outcome, assessment = "updated", existing
    else:
        assessment = Assessment(
            patient=patient, entered_by=user_of(actor) if actor is not None else None, created_at=now
        )
        _fill(assessment, found)
        assessment.save()
        record(actor, "import", obj=assessment, detail=detail)
        outcome = "created"
    # the measurement service's own alert step, so imported and entered assessments raise the same alerts
    # (imported here, not at module level: the API mounts this module's router at start-up)
    from ketamine_trd.clinic.measurement.services import raise_assessment_alerts

    raise_assessment_alerts(patient, assessment, found.result, now=now, actor=actor)
    if assessment.total is not None:
        refresh_patient_alerts(actor, patient, now=now, instrument_ids=(found.instrument.id,))
    return outcome, assessment


def _import_one(actor: Actor, clinic: Any, found: AssessmentCandidate, now: dt.datetime) -> ImportEntry:
    try:
        with writing():
            outcome, assessment = _apply(actor, clinic, found, now)
    except (_Reject, KtrdError) as refused:
        return ImportEntry(found.index, found.resource_type, found.resource_id, "rejected", (str(refused),))
    return ImportEntry(found.index, found.resource_type, found.resource_id, outcome, (), str(assessment.pk))


def import_bundle(
    actor: Actor,
    bundle: Any,
    *,
    now: dt.datetime,
    clinic: Any = None,
    dry_run: bool = False,
    mrn_system: str | None = None,
) -> ImportReport:
    """Import a Bundle's patients and assessments into the actor's clinic; one transaction per resource.

    ``dry_run`` runs every check and write, then rolls everything back. Returns the report of every
    entry (created, updated, unchanged, rejected with reasons, skipped).
    """
    clinic = _clinic_of(actor, "fhir.import", clinic)
    parsed = parse_bundle(bundle, mrn_system=mrn_system)
    entries = [ImportEntry(r.index, r.resource_type, r.resource_id, "rejected", r.reasons) for r in parsed.rejected]
    entries += [ImportEntry(s.index, s.resource_type, s.resource_id, "skipped", (s.reason,)) for s in parsed.skipped]
    # a dry run holds one transaction that is rolled back; a real run commits each resource on its own
    with writing() if dry_run else contextlib.nullcontext():
        entries += [_register(actor, clinic, p, now) for p in parsed.patients]
        entries += [_import_one(actor, clinic, a, now) for a in parsed.assessments]
        if dry_run:
            transaction.set_rollback(True)
    report = ImportReport.of(entries, dry_run=dry_run, source=parsed.source)
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    record(actor, "import", object_type="fhir_bundle", detail=f"fhir bundle{' (dry run)' if dry_run else ''}: {counts}")
    return report
