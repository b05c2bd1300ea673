"""Medications, allergies, problems and notes of a patient: every read and write audited.

Writes follow the lock order of ``clinic.transactions`` (``writing()`` takes the audit chain head first, then the
rows). A signed note is locked by the database; :func:`sign_note` and :func:`add_addendum` are the only ways on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.chartnotes.models import Addendum, Allergy, Medication, Note, Problem
from ketamine_trd.clinic.records.interface import Patient, Session, patient_for
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.inputs.chart import AddendumInput, AllergyInput, MedicationInput, NoteInput, ProblemInput
from ketamine_trd.clinical.medication_classes import NASAL_MEDICINE, classify
from ketamine_trd.errors import ConflictError, NotFoundError

__all__ = [
    "ChartPage",
    "ChartSummary",
    "NoteView",
    "add_addendum",
    "add_allergy",
    "add_medication",
    "add_problem",
    "chart_page",
    "chart_summary",
    "create_note",
    "note_page",
    "sign_note",
    "update_note",
]

VIEW, WRITE, SIGN = "course.view", "session.chart", "session.sign"


@dataclass(frozen=True, slots=True)
class ChartSummary:
    """What the chair's safety header, the pre-dose checklist and the screening take from the chart."""

    allergies: tuple[Allergy, ...] = ()
    current_medications: tuple[Medication, ...] = ()
    concomitant: frozenset[str] = frozenset()
    nasal_medicines: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def classes(self) -> tuple[str, ...]:
        """The concomitant classes in a stable order (for display)."""
        return tuple(sorted(self.concomitant))

    @property
    def unclassified(self) -> tuple[str, ...]:
        """Current medications that the core's table does not know (a clinician ticks their class by hand)."""
        return tuple(m.name for m in self.current_medications if not m.drug_class)


@dataclass(frozen=True, slots=True)
class ChartPage:
    patient: Patient
    summary: ChartSummary
    medications: tuple[Medication, ...]
    problems: tuple[Problem, ...]
    sessions: tuple[Session, ...]


@dataclass(frozen=True, slots=True)
class NoteView:
    note: Note
    addenda: tuple[Addendum, ...]


def _current(m: Medication, on: dt.date) -> bool:
    return m.stopped_on is None or m.stopped_on > on


def chart_summary(patient_id: int, *, on: dt.date, with_notes: bool = False) -> ChartSummary:
    """The chart's safety summary of a patient, read inside the caller's ``reading()`` (the caller audits it)."""
    meds = tuple(m for m in Medication.objects.filter(patient_id=patient_id) if _current(m, on))
    notes: tuple[Note, ...] = ()
    if with_notes:
        notes = tuple(Note.objects.filter(patient_id=patient_id).select_related("author", "signed_by", "session")[:50])
    return ChartSummary(
        allergies=tuple(Allergy.objects.filter(patient_id=patient_id)),
        current_medications=meds,
        concomitant=frozenset(m.drug_class for m in meds if m.drug_class and m.drug_class != NASAL_MEDICINE),
        nasal_medicines=tuple(m.name for m in meds if m.drug_class == NASAL_MEDICINE),
        notes=notes,
    )


def chart_page(actor: Actor, patient_id: int, *, now: dt.datetime) -> ChartPage:
    """The patient's lists and notes (a ``read`` of the patient)."""
    user = authorize(actor, VIEW)
    with reading():
        patient = patient_for(user, patient_id)
        summary = chart_summary(patient.pk, on=now.date(), with_notes=True)
        meds = tuple(Medication.objects.filter(patient=patient))
        problems = tuple(Problem.objects.filter(patient=patient))
        sessions = tuple(Session.objects.filter(patient=patient).order_by("-scheduled_at")[:30])
    record(actor, "read", object_type="chartnotes.chart", object_id=str(patient.pk), patient_id=patient.pk, now=now)
    return ChartPage(patient, summary, meds, problems, sessions)


def _values(data: Any) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _add(actor: Actor, patient_id: int, model: Any, values: dict[str, Any], now: dt.datetime) -> Any:
    user = authorize(actor, WRITE)
    with writing():
        patient = patient_for(user, patient_id)
        row = model.objects.create(patient=patient, created_at=now, created_by=user, **values)
        record(actor, "create", obj=row, patient_id=patient.pk, changed_fields=values.keys(), now=now)
    return row


def add_medication(actor: Actor, patient_id: int, data: MedicationInput, *, now: dt.datetime) -> Medication:
    """Add a medication; its class comes from ``clinical.medication_classes`` (never typed)."""
    found = classify(data.name)
    values = _values(data) | {"drug_class": found.concomitant_class if found else "",
                              "atc_group": found.atc_group if found else ""}  # fmt: skip
    row: Medication = _add(actor, patient_id, Medication, values, now)
    return row


def add_allergy(actor: Actor, patient_id: int, data: AllergyInput, *, now: dt.datetime) -> Allergy:
    row: Allergy = _add(actor, patient_id, Allergy, _values(data), now)
    return row


def add_problem(actor: Actor, patient_id: int, data: ProblemInput, *, now: dt.datetime) -> Problem:
    row: Problem = _add(actor, patient_id, Problem, _values(data), now)
    return row


def _note_for(user: Any, note_id: int, *, lock: bool = False) -> Note:
    rows = Note.objects.select_related("patient", "author", "signed_by", "session").filter(
        pk=note_id, patient__clinic_id=user.clinic_id
    )
    note = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if note is None:
        raise NotFoundError(f"note {note_id} not found")
    return note


def create_note(
    actor: Actor, patient_id: int, data: NoteInput, *, now: dt.datetime, session_id: int | None = None
) -> Note:
    """A draft note (a session note names a session of the same patient)."""
    user = authorize(actor, WRITE)
    with writing():
        patient = patient_for(user, patient_id)
        session = None
        if data.kind == "session":
            session = Session.objects.filter(pk=session_id, patient=patient).first() if session_id else None
            if session is None:
                raise NotFoundError("session: a session note needs a session of this patient")
        values = _values(data)
        note = Note.objects.create(patient=patient, session=session, author=user, created_at=now, updated_at=now,
                                   **values)  # fmt: skip
        record(actor, "create", obj=note, patient_id=patient.pk, changed_fields=values.keys(), now=now)
    return note


def update_note(actor: Actor, note_id: int, data: NoteInput, *, now: dt.datetime) -> Note:
    """Change a draft; a signed note is refused (``ConflictError``: write an addendum)."""
    user = authorize(actor, WRITE)
    with writing():
        note = _note_for(user, note_id, lock=True)
        if note.signed_at is not None:
            raise ConflictError("note: signed notes are locked; add an addendum instead")
        changed = [k for k, v in _values(data).items() if k != "kind" and getattr(note, k) != v]
        for name in changed:
            setattr(note, name, getattr(data, name))
        note.updated_at = now
        note.save(update_fields=[*changed, "updated_at"])
        record(actor, "update", obj=note, changed_fields=changed, now=now)
    return note


def sign_note(actor: Actor, note_id: int, *, now: dt.datetime) -> Note:
    """Sign a draft; from then on the database refuses any change to it."""
    user = authorize(actor, SIGN)
    with writing():
        note = _note_for(user, note_id, lock=True)
        if note.signed_at is not None:
            raise ConflictError(f"note: already signed on {note.signed_at:%Y-%m-%d %H:%M} UTC")
        note.signed_at, note.signed_by = now, user
        note.save(update_fields=["signed_at", "signed_by"])
        record(actor, "sign", obj=note, changed_fields=["signed_at", "signed_by"], now=now)
    return note


def add_addendum(actor: Actor, note_id: int, data: AddendumInput, *, now: dt.datetime) -> Addendum:
    """Append text to a signed note (a draft is edited instead: ``ConflictError``)."""
    user = authorize(actor, WRITE)
    with writing():
        note = _note_for(user, note_id)
        if note.signed_at is None:
            raise ConflictError("note: the note is not signed yet; edit it instead of adding an addendum")
        addendum = Addendum.objects.create(note=note, text=data.text, author=user, created_at=now)
        record(actor, "create", obj=addendum, patient_id=note.patient_id, changed_fields=["text"], now=now)
    return addendum


def note_page(actor: Actor, note_id: int, *, now: dt.datetime) -> NoteView:
    """One note with its addenda (a ``read``)."""
    user = authorize(actor, VIEW)
    with reading():
        note = _note_for(user, note_id)
        addenda = tuple(Addendum.objects.filter(note=note).select_related("author"))
    record(actor, "read", obj=note, now=now)
    return NoteView(note, addenda)
