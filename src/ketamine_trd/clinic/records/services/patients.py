"""Registering, updating, finding and reading patients (every read and write is audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.records.models import Patient
from ketamine_trd.clinic.records.services._scope import patient_for, require
from ketamine_trd.clinical.inputs.registration import PatientInput, PatientSearchInput
from ketamine_trd.errors import ConflictError

__all__ = ["PatientInput", "get_patient", "register_patient", "search_patients", "update_patient"]


def _values(data: PatientInput) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _duplicate(mrn: str) -> ConflictError:
    return ConflictError(f"mrn: {mrn!r} is already registered at this clinic (allowed: an MRN not yet used here)")


def register_patient(actor: Any, data: PatientInput, *, now: dt.datetime) -> Patient:
    """Create a patient in the actor's clinic; a duplicate MRN is a ``ConflictError`` and nothing is saved."""
    user = require(actor, "patient.register")
    data.check_dates(now.date())
    try:
        with transaction.atomic():
            if Patient.objects.filter(clinic_id=user.clinic_id, mrn=data.mrn).exists():
                raise _duplicate(data.mrn)
            patient = Patient.objects.create(
                clinic_id=user.clinic_id, created_by=user, created_at=now, updated_at=now, **_values(data)
            )
            record(actor, "create", obj=patient, changed_fields=_values(data).keys(), now=now)
    except IntegrityError:  # a concurrent registration with the same MRN
        raise _duplicate(data.mrn) from None
    return patient


def update_patient(actor: Any, patient_id: int, data: PatientInput, *, now: dt.datetime) -> Patient:
    """Change a patient's demographics; the audit event names the fields that changed."""
    user = require(actor, "patient.edit")
    data.check_dates(now.date())
    try:
        with transaction.atomic():
            patient = patient_for(user, patient_id, lock=True)
            new = _values(data)
            changed = [name for name, value in new.items() if getattr(patient, name) != value]
            if data.mrn != patient.mrn and Patient.objects.filter(clinic_id=user.clinic_id, mrn=data.mrn).exists():
                raise _duplicate(data.mrn)
            for name in changed:
                setattr(patient, name, new[name])
            patient.updated_at = now
            patient.save(update_fields=[*changed, "updated_at"])
            record(actor, "update", obj=patient, changed_fields=changed, now=now)
    except IntegrityError:
        raise _duplicate(data.mrn) from None
    return patient


def get_patient(actor: Any, patient_id: int, *, now: dt.datetime, action: str = "patient.view") -> Patient:
    """A patient of the actor's clinic (``NotFoundError`` otherwise); records a ``read``."""
    user = require(actor, action)
    with transaction.atomic():
        patient = patient_for(user, patient_id)
        record(actor, "read", obj=patient, now=now)
    return patient


def search_patients(
    actor: Any, query: str = "", *, now: dt.datetime, limit: int = 50, offset: int = 0
) -> list[Patient]:
    """Patients of the actor's clinic whose MRN, given or family name starts with ``query``."""
    user = require(actor, "patient.view")
    asked = PatientSearchInput(q=query, limit=limit, offset=offset)
    text, limit, offset = asked.q, asked.limit, asked.offset
    rows: QuerySet[Patient] = Patient.objects.filter(clinic_id=user.clinic_id)
    if text:
        rows = rows.filter(
            Q(mrn__istartswith=text) | Q(family_name__istartswith=text) | Q(given_name__istartswith=text)
        )
    with transaction.atomic():
        found = list(rows.order_by("family_name", "given_name", "id")[offset : offset + limit])
        record(actor, "read", object_type="records.patient_list", detail=f"{len(found)} rows", now=now)
    return found
