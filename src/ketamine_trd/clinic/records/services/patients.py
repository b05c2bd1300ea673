"""Registering, updating, finding and reading patients (every read and write is audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db import IntegrityError
from django.db.models import Q, QuerySet

from ketamine_trd.clinic import access
from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.records.models import Course, Patient, Phase
from ketamine_trd.clinic.records.services._scope import patient_for
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.inputs.registration import PatientInput, PatientSearchInput
from ketamine_trd.errors import ConflictError, InputError, StaleVersion

__all__ = [
    "PatientInput",
    "PatientListPage",
    "PatientRow",
    "check_version",
    "get_patient",
    "name_query",
    "patient_list_page",
    "register_patient",
    "search_patients",
    "update_patient",
]


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


def name_query(text: str) -> Q:
    """What a search box's text matches: an MRN, a given or family name starting with it, "given family" and
    "family given" in either order (names of several words split at any space), or "family, given" (the list's
    own format). Case-insensitive; accents are matched as typed (stored names are not folded).

    >>> name_query("Ingram, Kai")
    <Q: (AND: ('family_name__istartswith', 'Ingram'), ('given_name__istartswith', 'Kai'))>
    """
    text = " ".join(text.split())
    if "," in text:
        family, _, given = (part.strip() for part in text.partition(","))
        found = Q(family_name__istartswith=family) if family else Q()
        return found & Q(given_name__istartswith=given) if given else found
    found = Q(mrn__istartswith=text) | Q(family_name__istartswith=text) | Q(given_name__istartswith=text)
    words = text.split(" ")
    for cut in range(1, len(words)):
        first, rest = " ".join(words[:cut]), " ".join(words[cut:])
        found |= Q(given_name__istartswith=first, family_name__istartswith=rest)
        found |= Q(family_name__istartswith=first, given_name__istartswith=rest)
    return found


def search_patients(
    actor: Actor, query: str = "", *, now: dt.datetime, limit: int = 50, offset: int = 0
) -> list[Patient]:
    """Patients of the actor's clinic matching ``query`` (see :func:`name_query`), by family then given name."""
    user = authorize(actor, "patient.view")
    asked = PatientSearchInput(q=query, limit=limit, offset=offset)
    text, limit, offset = asked.q, asked.limit, asked.offset
    rows: QuerySet[Patient] = Patient.objects.filter(clinic_id=user.clinic_id)
    if text and text.strip(" ,"):
        rows = rows.filter(name_query(text))
    with reading():
        found = list(rows.order_by("family_name", "given_name", "id")[offset : offset + limit])
    record(actor, "read", object_type="records.patient_list", detail=f"{len(found)} rows", now=now)
    return found


@dataclass(frozen=True, slots=True)
class PatientRow:
    """One row of the patient list: the patient, the current course (newest not ended) and the open alerts."""

    patient: Patient
    course: Course | None
    open_alerts: int
    open_critical: int


@dataclass(frozen=True, slots=True)
class PatientListPage:
    """One page of the patient list; course and alert columns only for clinical roles."""

    rows: tuple[PatientRow, ...]
    has_next: bool
    clinical: bool
    can_register: bool


def patient_list_page(actor: Actor, query: str, *, now: dt.datetime, page: int, page_size: int) -> PatientListPage:
    """A page of :func:`search_patients` with each patient's current course and open alerts (two more queries
    whatever the page's size, for clinical roles only)."""
    from ketamine_trd.clinic.measurement.interface import open_alert_summary

    found = search_patients(actor, query, now=now, limit=page_size + 1, offset=(page - 1) * page_size)
    shown = found[:page_size]
    clinical = access.can(actor, "course.view")
    courses: dict[int, Course] = {}
    alerts: dict[int, tuple[int, int]] = {}
    if clinical and shown:
        ids = [p.pk for p in shown]
        with reading():
            current = Course.objects.filter(patient_id__in=ids).exclude(phase=Phase.ENDED)
            for course in current.order_by("patient_id", "-start_date", "-id").only("patient_id", "product", "phase"):
                courses.setdefault(course.patient_id, course)
            alerts = open_alert_summary(ids)
    rows = tuple(PatientRow(p, courses.get(p.pk), *alerts.get(p.pk, (0, 0))) for p in shown)
    return PatientListPage(rows, len(found) > page_size, clinical, access.can(actor, "patient.register"))
