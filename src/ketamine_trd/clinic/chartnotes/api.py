"""The chart notes router of the one NinjaAPI (``/api/chart/``): lists, notes, signing, addenda.

Every endpoint calls one service, the same as the HTML views; the input schemas are generated from the core's input
types (``clinical.inputs.chart``); errors of the error tree are mapped by the API's one handler (``clinic.api``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from ketamine_trd.clinic.chartnotes import services
from ketamine_trd.clinic.inputs import InputSchema, schema_for
from ketamine_trd.clinic.records.schemas import ErrorOut
from ketamine_trd.clinical.inputs.chart import AddendumInput, AllergyInput, MedicationInput, NoteInput, ProblemInput

router = Router(tags=["chart"])
ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)

if TYPE_CHECKING:
    MedicationIn: TypeAlias = InputSchema
    AllergyIn: TypeAlias = InputSchema
    ProblemIn: TypeAlias = InputSchema
    NoteIn: TypeAlias = InputSchema
    AddendumIn: TypeAlias = InputSchema
else:
    MedicationIn = schema_for(MedicationInput, "MedicationIn")
    AllergyIn = schema_for(AllergyInput, "AllergyIn")
    ProblemIn = schema_for(ProblemInput, "ProblemIn")
    NoteIn = schema_for(NoteInput, "NoteIn")
    AddendumIn = schema_for(AddendumInput, "AddendumIn")


class MedicationOut(Schema):
    id: int
    name: str
    dose_text: str
    started_on: dt.date | None
    stopped_on: dt.date | None
    drug_class: str
    atc_group: str


class AllergyOut(Schema):
    id: int
    substance: str
    reaction: str
    severity: str


class ProblemOut(Schema):
    id: int
    description: str
    onset_on: dt.date | None
    resolved_on: dt.date | None


class AddendumOut(Schema):
    id: int
    note_id: int
    text: str
    author_id: int
    created_at: dt.datetime


class NoteOut(Schema):
    id: int
    patient_id: int
    session_id: int | None
    kind: str
    subjective: str
    objective: str
    assessment: str
    plan: str
    author_id: int
    created_at: dt.datetime
    signed_at: dt.datetime | None
    signed_by_id: int | None


class NoteWithAddendaOut(NoteOut):
    addenda: list[AddendumOut]


class ChartOut(Schema):
    patient_id: int
    medications: list[MedicationOut]
    allergies: list[AllergyOut]
    problems: list[ProblemOut]
    concomitant_classes: list[str]
    notes: list[NoteOut]


def _now() -> dt.datetime:
    return timezone.now()


@router.get("/patients/{patient_id}", response={200: ChartOut, **ERRORS}, summary="The patient's lists and notes")
def get_chart(request: HttpRequest, patient_id: int) -> Any:
    page = services.chart_page(request, patient_id, now=_now())
    return {"patient_id": page.patient.pk, "medications": list(page.medications),
            "allergies": list(page.summary.allergies), "problems": list(page.problems),
            "concomitant_classes": list(page.summary.classes), "notes": list(page.summary.notes)}  # fmt: skip


@router.post("/patients/{patient_id}/medications", response={201: MedicationOut, **ERRORS})
def add_medication(request: HttpRequest, patient_id: int, payload: MedicationIn) -> Any:
    return Status(201, services.add_medication(request, patient_id, payload.to_input(), now=_now()))


@router.post("/patients/{patient_id}/allergies", response={201: AllergyOut, **ERRORS})
def add_allergy(request: HttpRequest, patient_id: int, payload: AllergyIn) -> Any:
    return Status(201, services.add_allergy(request, patient_id, payload.to_input(), now=_now()))


@router.post("/patients/{patient_id}/problems", response={201: ProblemOut, **ERRORS})
def add_problem(request: HttpRequest, patient_id: int, payload: ProblemIn) -> Any:
    return Status(201, services.add_problem(request, patient_id, payload.to_input(), now=_now()))


@router.post("/patients/{patient_id}/notes", response={201: NoteOut, **ERRORS}, summary="Write a draft note")
def create_note(request: HttpRequest, patient_id: int, payload: NoteIn, session_id: int | None = None) -> Any:
    note = services.create_note(request, patient_id, payload.to_input(), now=_now(), session_id=session_id)
    return Status(201, note)


@router.get("/notes/{note_id}", response={200: NoteWithAddendaOut, **ERRORS})
def get_note(request: HttpRequest, note_id: int) -> Any:
    view = services.note_page(request, note_id, now=_now())
    out = NoteOut.from_orm(view.note).dict()
    return out | {"addenda": list(view.addenda)}


@router.post("/notes/{note_id}/sign", response={200: NoteOut, **ERRORS}, summary="Sign (then locked)")
def sign_note(request: HttpRequest, note_id: int) -> Any:
    return services.sign_note(request, note_id, now=_now())


@router.post("/notes/{note_id}/addenda", response={201: AddendumOut, **ERRORS}, summary="Add to a signed note")
def add_addendum(request: HttpRequest, note_id: int, payload: AddendumIn) -> Any:
    return Status(201, services.add_addendum(request, note_id, payload.to_input(), now=_now()))
