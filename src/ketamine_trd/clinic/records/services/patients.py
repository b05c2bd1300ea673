"""Registering, updating, finding and reading patients (every read and write is audited)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.db.models import Q, QuerySet

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.records.models import Patient, Sex
from ketamine_trd.clinic.records.quantities import PLAUSIBLE
from ketamine_trd.clinic.records.services._scope import date_not_in_future, patient_for
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.errors import ConflictError, InputError, StaleVersion

MRN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
OLDEST_YEARS = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class PatientInput:
    """Demographics as validated at the edge; weight in kg and height in cm (already converted)."""

    mrn: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str = Sex.UNKNOWN
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    phone: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        if not MRN_PATTERN.match(self.mrn or ""):
            raise InputError("mrn", self.mrn, "1 to 40 letters, digits or . _ / - (starting with a letter or digit)")
        for name in ("given_name", "family_name"):
            value = getattr(self, name)
            if not value or not value.strip() or len(value) > 100:
                raise InputError(name, value, "1 to 100 characters")
            if _CONTROL.search(value):
                raise InputError(name, value, "1 to 100 characters without control characters (NUL, tab, line breaks)")
        if self.sex not in Sex.values:
            raise InputError("sex", self.sex, ", ".join(Sex.values))
        for name in ("weight_kg", "height_cm"):
            value = getattr(self, name)
            low, high = PLAUSIBLE[name]
            if value is not None and not low <= value <= high:
                unit = name.rsplit("_", 1)[1]
                raise InputError(name, value, f"{low} to {high} {unit} (platform-defined plausibility range)")

    def check_dates(self, today: dt.date) -> None:
        """The date of birth is in the past and within a human lifetime."""
        date_not_in_future("date_of_birth", self.date_of_birth, today)
        if self.date_of_birth.year < today.year - OLDEST_YEARS:
            raise InputError("date_of_birth", self.date_of_birth.isoformat(), f"a date after {today.year - 120}")


def _values(data: PatientInput) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _duplicate(mrn: str) -> ConflictError:
    return ConflictError(f"mrn: {mrn!r} is already registered at this clinic (allowed: an MRN not yet used here)")


def register_patient(actor: Actor, data: PatientInput, *, now: dt.datetime) -> Patient:
    """Create a patient in the actor's clinic; a duplicate MRN is a ``ConflictError`` and nothing is saved."""
    user = authorize(actor, "patient.register")
    data.check_dates(now.date())
    try:
        with writing():
            if Patient.objects.filter(clinic_id=user.clinic_id, mrn=data.mrn).exists():
                raise _duplicate(data.mrn)
            patient = Patient.objects.create(
                clinic_id=user.clinic_id, created_by=user, created_at=now, updated_at=now, **_values(data)
            )
            record(actor, "create", obj=patient, changed_fields=_values(data).keys(), now=now)
    except IntegrityError:  # a concurrent registration with the same MRN
        raise _duplicate(data.mrn) from None
    return patient


def check_version(what: str, expected: int | None, current: int) -> None:
    """Optimistic concurrency: refuse a change made from an older copy (``StaleVersion``, HTTP 409).

    ``expected`` is the version the client last read (``If-Match`` or the form's hidden field); it is required.

    >>> check_version("patient 7", 3, 3)
    >>> check_version("patient 7", 2, 3)
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.StaleVersion: patient 7 was changed by someone else since you loaded it (your version 2, \
now 3): reload it and make your change again
    """
    if expected is None:
        raise InputError(
            "version", None, f"the version of {what} you last read (API: an If-Match header)", reason="is missing"
        )
    if expected != current:
        raise StaleVersion(what, expected, current)


def update_patient(
    actor: Actor, patient_id: int, data: PatientInput, *, now: dt.datetime, expected_version: int | None
) -> Patient:
    """Change a patient's demographics if nobody changed them since ``expected_version`` was read.

    A stale version is ``StaleVersion`` (409) and nothing is saved; each update raises ``version`` by one.
    The audit event names the fields that changed.
    """
    user = authorize(actor, "patient.edit")
    data.check_dates(now.date())
    try:
        with writing():
            patient = patient_for(user, patient_id, lock=True)
            check_version(f"patient {patient_id}", expected_version, patient.version)
            new = _values(data)
            changed = [name for name, value in new.items() if getattr(patient, name) != value]
            if data.mrn != patient.mrn and Patient.objects.filter(clinic_id=user.clinic_id, mrn=data.mrn).exists():
                raise _duplicate(data.mrn)
            for name in changed:
                setattr(patient, name, new[name])
            patient.updated_at = now
            patient.version += 1
            patient.save(update_fields=[*changed, "updated_at", "version"])
            record(actor, "update", obj=patient, changed_fields=changed, now=now)
    except IntegrityError:
        raise _duplicate(data.mrn) from None
    return patient


def get_patient(actor: Actor, patient_id: int, *, now: dt.datetime, action: str = "patient.view") -> Patient:
    """A patient of the actor's clinic (``NotFoundError`` otherwise); records a ``read``."""
    user = authorize(actor, action)
    with reading():
        patient = patient_for(user, patient_id)
    record(actor, "read", obj=patient, now=now)
    return patient


def search_patients(
    actor: Actor, query: str = "", *, now: dt.datetime, limit: int = 50, offset: int = 0
) -> list[Patient]:
    """Patients of the actor's clinic whose MRN, given or family name starts with ``query``."""
    user = authorize(actor, "patient.view")
    if not 1 <= limit <= 200:
        raise InputError("limit", limit, "1 to 200")
    if offset < 0:
        raise InputError("offset", offset, "0 or more")
    rows: QuerySet[Patient] = Patient.objects.filter(clinic_id=user.clinic_id)
    text = query.strip()
    if len(text) > 100:
        raise InputError("q", text[:20] + "...", "at most 100 characters")
    if text:
        rows = rows.filter(
            Q(mrn__istartswith=text) | Q(family_name__istartswith=text) | Q(given_name__istartswith=text)
        )
    with reading():
        found = list(rows.order_by("family_name", "given_name", "id")[offset : offset + limit])
    record(actor, "read", object_type="records.patient_list", detail=f"{len(found)} rows", now=now)
    return found
