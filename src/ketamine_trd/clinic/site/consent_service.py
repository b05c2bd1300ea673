"""Consent documents (versioned per product), acceptances witnessed by staff, and the first-dose consent gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.accounts.models import User
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.authn.reauth import require_recent_auth_of
from ketamine_trd.clinic.records.models import Course, Session
from ketamine_trd.clinic.records.services._scope import course_for, patient_for
from ketamine_trd.clinic.site.models import ConsentAcceptance, ConsentDocument, ConsentOverride
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.consent import ConsentState, consent_gate, consent_notes
from ketamine_trd.clinical.inputs.site import ConsentAcceptanceInput, ConsentDocumentInput, ConsentOverrideInput
from ketamine_trd.clinical.treatment_gate import GateFinding
from ketamine_trd.errors import InputError

__all__ = [
    "consent_findings",
    "consent_state",
    "override_consent",
    "override_page",
    "publish_document",
    "record_acceptance",
]


def current_document(clinic_id: int, product: str) -> ConsentDocument | None:
    """The newest version of the clinic's consent document for ``product``."""
    return ConsentDocument.objects.filter(clinic_id=clinic_id, product=product).order_by("-version").first()


def consent_state(course: Course, *, exclude_session: int | None = None) -> ConsentState:
    """The core's view of the course's consent: current version, accepted version, first dose, override."""
    clinic_id = course.patient.clinic_id
    document = current_document(clinic_id, course.product)
    accepted = ConsentAcceptance.objects.filter(
        patient_id=course.patient_id, document__product=course.product, document__clinic_id=clinic_id
    ).aggregate(v=Max("document__version"))
    dosed = Session.objects.filter(course=course, dosed_at__isnull=False)
    if exclude_session is not None:
        dosed = dosed.exclude(pk=exclude_session)
    override = ConsentOverride.objects.filter(course=course).first()
    return ConsentState(course.product, document.version if document else None, accepted["v"], not dosed.exists(),
                        override.reason if override else "")  # fmt: skip


def consent_findings(session: Session) -> tuple[GateFinding, ...]:
    """What the consent gate holds for a dose of ``session`` (empty after the first dose or with consent)."""
    return consent_gate(consent_state(session.course, exclude_session=session.pk))


@dataclass(frozen=True, slots=True)
class PatientConsents:
    patient: Any
    acceptances: tuple[ConsentAcceptance, ...]
    documents: tuple[ConsentDocument, ...]  # the current version per product
    witnesses: tuple[tuple[int, str], ...]
    courses: tuple[tuple[Course, ConsentState, tuple[str, ...]], ...]


def patient_consents(actor: Actor, patient_id: int, *, now: dt.datetime) -> PatientConsents:
    """The patient's acceptances, the clinic's current documents, the staff who may witness, each course's gate."""
    user = authorize(actor, "patient.view")
    with reading():
        patient = patient_for(user, patient_id)
        acceptances = tuple(ConsentAcceptance.objects.filter(patient=patient).select_related("document", "witness"))
        documents = tuple(d for d in (current_document(user.clinic_id, p) for p in _products(user.clinic_id)) if d)
        staff = User.objects.filter(clinic_id=user.clinic_id, is_active=True).order_by("username")
        witnesses = tuple((u.pk, u.get_full_name() or u.username) for u in staff)
        courses = []
        for course in Course.objects.filter(patient=patient).order_by("-start_date"):
            state = consent_state(course)
            courses.append((course, state, consent_notes(state)))
    record(actor, "read", obj=patient, detail="consents", now=now)
    return PatientConsents(patient, acceptances, documents, witnesses, tuple(courses))


def _products(clinic_id: int) -> list[str]:
    rows = ConsentDocument.objects.filter(clinic_id=clinic_id).values_list("product", flat=True)
    return sorted(set(rows))


def documents(actor: Actor, *, now: dt.datetime) -> tuple[ConsentDocument, ...]:
    """Every version of every consent document of the clinic."""
    user = authorize(actor, "site.view")
    with reading():
        rows = tuple(ConsentDocument.objects.filter(clinic_id=user.clinic_id).select_related("created_by"))
    record(actor, "read", object_type="consent_documents", object_id=str(user.clinic_id), now=now)
    return rows


def publish_document(actor: Actor, data: ConsentDocumentInput, *, now: dt.datetime) -> ConsentDocument:
    """A new version of the product's consent document (earlier versions stay, with their acceptances)."""
    user = authorize(actor, "site.edit")
    with writing():
        latest = ConsentDocument.objects.filter(clinic_id=user.clinic_id, product=data.product).aggregate(
            n=Max("version"))["n"] or 0  # fmt: skip
        row = ConsentDocument.objects.create(
            clinic_id=user.clinic_id,
            product=data.product,
            version=latest + 1,
            title=data.title,
            body=data.body,
            created_by=user,
            created_at=now,
        )
        record(actor, "create", obj=row, detail=f"consent {data.product} v{row.version}", now=now)
    return row


def _same_name(typed: str, patient: Any) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    return norm(typed) == norm(f"{patient.given_name} {patient.family_name}")


def record_acceptance(actor: Actor, patient_id: int, data: ConsentAcceptanceInput, *,
                      now: dt.datetime) -> ConsentAcceptance:  # fmt: skip
    """The patient's acceptance of a document of the clinic, with the typed name and a witness of the clinic."""
    user = authorize(actor, "consent.record")
    data = data.stamped(now)
    with writing():
        patient = patient_for(user, patient_id, lock=True)
        document = ConsentDocument.objects.filter(pk=data.document_id, clinic_id=user.clinic_id).first()
        if document is None:
            raise InputError("document_id", data.document_id, "a consent document of this clinic")
        witness = User.objects.filter(pk=data.witness_id, clinic_id=user.clinic_id, is_active=True).first()
        if witness is None:
            raise InputError("witness_id", data.witness_id, "an active staff member of this clinic")
        if not _same_name(data.typed_name, patient):
            raise InputError("typed_name", data.typed_name, "the patient's full name as registered "
                             "(given name, then family name)")  # fmt: skip
        row = ConsentAcceptance.objects.create(patient=patient, document=document, typed_name=data.typed_name,
                                               accepted_at=data.accepted_at or now, witness=witness,
                                               recorded_by=user, recorded_at=now)  # fmt: skip
        record(actor, "create", obj=row, patient_id=patient.pk, detail=f"consent {document.product} "
               f"v{document.version} witnessed by {witness.username}", now=now)  # fmt: skip
    return row


def override_page(actor: Actor, course_id: int, *, now: dt.datetime) -> Course:
    """The course whose consent a prescriber may override (this clinic's only: another clinic's id is 404; a read)."""
    user = authorize(actor, "consent.override")
    with reading():
        course = course_for(user, course_id)
    record(actor, "read", obj=course, patient_id=course.patient_id, detail="consent override form", now=now)
    return course


def override_consent(actor: Actor, course_id: int, data: ConsentOverrideInput, *, now: dt.datetime) -> Any:
    """A prescriber's written reason to start the course without a current consent (re-authenticated)."""
    user = authorize(actor, "consent.override")
    require_recent_auth_of(actor, now)
    with writing():
        course = course_for(user, course_id, lock=True)
        row = ConsentOverride.objects.create(course=course, reason=data.reason, by=user, at=now)
        record(actor, "create", obj=row, patient_id=course.patient_id, detail="consent override", now=now)
    return row
