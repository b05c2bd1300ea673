"""REMS Patient Monitoring Form records: generated from a signed esketamine session by ``clinical.rems``.

The record keeps every PMF field as the core produced it; its clock (due, due soon, overdue, submitted)
and its problems are always computed by the core from the stored fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.authn.reauth import require_recent_auth_of
from ketamine_trd.clinic.records.models import RemsRecord, RemsStatus, Session
from ketamine_trd.clinic.records.services._scope import not_in_future
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.monitoring.signoff import SessionRecord
from ketamine_trd.clinical.rems import (
    BloodPressure,
    PmfContact,
    PmfPatient,
    RemsPatientMonitoringRecord,
    RemsWorkItem,
    build_rems_record,
    mark_submitted,
    rems_problems,
    rems_status,
    rems_worklist,
)
from ketamine_trd.errors import IntegrityFailure, NotFoundError
from ketamine_trd.jsonable import to_jsonable

CSV_COLUMNS = (
    "session_id", "status", "due_at", "rems_profile", "patient.first_name", "patient.last_name",
    "patient.date_of_birth", "patient.sex", "first_treatment", "patient_enrolled", "benzodiazepines",
    "non_benzodiazepine_sedative_hypnotics", "psychostimulants", "maois", "opioids", "contact.hcp_name",
    "contact.hcp_phone", "contact.hcp_email", "contact.setting_name", "contact.setting_address", "session_date",
    "dose_administered", "dose_mg", "lot_number", "treatment_duration_minutes", "ready_to_leave_minutes",
    "vitals_acceptable_before_administration", "vitals_acceptable_before_completion", "bp_predose",
    "bp_post_40_min", "bp_before_completion", "sedation", "dissociation", "respiratory_depression",
    "adverse_event_details", "submitted_at",
)  # fmt: skip


def pmf_patient(session: Session) -> PmfPatient:
    p = session.patient
    return PmfPatient(p.given_name, p.family_name, p.date_of_birth, p.sex)


def pmf_contact(session: Session, signer: Any) -> PmfContact:
    """The PMF contact: name, phone and e-mail all of ONE person, the monitoring provider chosen at discharge
    (the signer when none was chosen); the clinic's phone only when that person has none of their own."""
    clinic = session.patient.clinic
    person = session.monitoring_hcp or signer
    name = person.get_full_name() if person is not None else ""
    return PmfContact(
        hcp_name=name or (getattr(person, "username", "") or ""),
        hcp_phone=getattr(person, "phone", "") or clinic.phone,
        hcp_email=getattr(person, "email", "") or "",
        setting_name=clinic.name,
        setting_address=clinic.address,
    )


def create_for_session(
    actor: Actor, session: Session, signed: SessionRecord, signer: Any, *, now: dt.datetime
) -> RemsRecord:
    """Build the PMF record for a signed session and store it (inside the signing transaction)."""
    details = "; ".join(f"{e.kind}{': ' + e.details if e.details else ''}" for e in signed.observations.adverse_events)
    core = build_rems_record(signed, pmf_patient(session), pmf_contact(session, signer), adverse_event_details=details,
                             zone=session.patient.clinic.zone)  # fmt: skip
    row = RemsRecord.objects.create(
        session=session,
        patient=session.patient,
        clinic_id=session.patient.clinic_id,
        form_version=core.rems_profile,
        fields=to_jsonable(core),
        due_at=core.due_at,
        due_soon_from=core.due_soon_from,
        problems=[to_jsonable(m) for m in rems_problems(core)],
        status=RemsStatus.DUE,
        source_id="S8",
        created_at=now,
    )
    record(actor, "create", obj=row, changed_fields=["fields"], now=now)
    return row


def _bp(value: Any) -> BloodPressure | None:
    if not value:
        return None
    return BloodPressure(value["systolic_mmhg"], value["diastolic_mmhg"], dt.datetime.fromisoformat(value["taken_at"]))


def _time(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def core_record(row: RemsRecord) -> RemsPatientMonitoringRecord:
    """The stored fields as the core's record again (for its clock and its problem list).

    Stored fields that the core cannot read back (a record not written by :func:`create_for_session`, with
    a block or a field missing) are an ``IntegrityFailure`` naming the record and the field, never a crash.
    """
    try:
        return _core_record(row)
    except (KeyError, TypeError, ValueError) as error:
        missing = f"field {error.args[0]!r} missing" if isinstance(error, KeyError) else str(error)
        raise IntegrityFailure(f"REMS record {row.pk}: its stored form cannot be read ({missing})") from None


def _core_record(row: RemsRecord) -> RemsPatientMonitoringRecord:
    f = dict(row.fields)
    p, c = f.pop("patient"), f.pop("contact")
    for name in ("bp_predose", "bp_post_40_min", "bp_before_completion"):
        f[name] = _bp(f.get(name))
    f["session_date"] = dt.date.fromisoformat(f["session_date"])
    f["due_at"], f["due_soon_from"] = _time(f["due_at"]), _time(f["due_soon_from"])
    f["submitted_at"] = row.submitted_at
    if f.get("dose_mg") is not None:
        f["dose_mg"] = Decimal(str(f["dose_mg"]))
    return RemsPatientMonitoringRecord(
        patient=PmfPatient(p["first_name"], p["last_name"], dt.date.fromisoformat(p["date_of_birth"]), p["sex"]),
        contact=PmfContact(**c),
        **f,
    )


def worklist(
    actor: Actor, *, now: dt.datetime, include_submitted: bool = False
) -> list[tuple[RemsRecord, RemsWorkItem]]:
    """The clinic's PMF records by the core's order: overdue, due soon, due (earliest first)."""
    user = authorize(actor, "rems.view")
    rows = RemsRecord.objects.filter(clinic_id=user.clinic_id).select_related("patient")
    if not include_submitted:
        rows = rows.exclude(status=RemsStatus.SUBMITTED)
    with reading():
        by_session = {str(r.session_id): r for r in rows}
    record(actor, "read", object_type="records.rems_list", detail=f"{len(by_session)} rows", now=now)
    items = rems_worklist([core_record(r) for r in by_session.values()], now, include_submitted=include_submitted)
    return [(by_session[i.session_id], i) for i in items]


def get_record(
    actor: Actor, record_id: int, *, now: dt.datetime, action: str = "read"
) -> tuple[RemsRecord, str, tuple[Any, ...]]:
    """One PMF record with its status and problems at ``now`` (audited as ``read``, or ``export`` for the PDF)."""
    user = authorize(actor, "rems.view")
    with reading():
        row = (
            RemsRecord.objects.select_related("patient", "session")
            .filter(pk=record_id, clinic_id=user.clinic_id)
            .first()
        )
        if row is None:
            raise NotFoundError(f"REMS record {record_id} not found")
    record(actor, action, obj=row, now=now)
    core = core_record(row)
    return row, rems_status(core, now).value, rems_problems(core)


def submit(actor: Actor, record_id: int, *, submitted_at: dt.datetime, now: dt.datetime) -> RemsRecord:
    """Mark a PMF as submitted to the REMS (refused by the core while a field is missing)."""
    user = authorize(actor, "rems.submit")
    require_recent_auth_of(actor, now)
    not_in_future("submitted_at", submitted_at, now)
    with writing():
        row = RemsRecord.objects.select_for_update().filter(pk=record_id, clinic_id=user.clinic_id).first()
        if row is None:
            raise NotFoundError(f"REMS record {record_id} not found")
        done = mark_submitted(core_record(row), submitted_at)
        row.submitted_at, row.submitted_by, row.status = done.submitted_at, user, RemsStatus.SUBMITTED
        row.save(update_fields=["submitted_at", "submitted_by", "status"])
        record(actor, "update", obj=row, changed_fields=["submitted_at", "status"], now=now)
    return row


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not {"systolic_mmhg", "diastolic_mmhg"} <= value.keys():
            out.update(_flat(value, name + "."))
        elif isinstance(value, dict):
            out[name] = f"{value['systolic_mmhg']}/{value['diastolic_mmhg']} at {value['taken_at']}"
        else:
            out[name] = "" if value is None else value
    return out


def export_rows(actor: Actor, *, now: dt.datetime, include_submitted: bool = True) -> list[dict[str, Any]]:
    """One flat row per PMF record (the CSV export); writes an ``export`` audit event."""
    items = worklist(actor, now=now, include_submitted=include_submitted)
    rows = []
    for row, item in items:
        flat = _flat(row.fields)
        flat.update({"status": item.status.value, "due_at": item.due_at.isoformat(), "session_id": row.session_id})
        flat["submitted_at"] = row.submitted_at.isoformat() if row.submitted_at else ""
        rows.append({k: flat.get(k, "") for k in CSV_COLUMNS})
    record(actor, "export", object_type="records.remsrecord", detail=f"{len(rows)} rows (csv)", now=now)
    return rows
