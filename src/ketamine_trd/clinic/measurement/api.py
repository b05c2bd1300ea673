"""The measurement router of the one NinjaAPI (mounted at ``/api/measurement/``).

Schemas list their fields; handlers call one service each; domain errors are mapped by the API's one
exception handler (``clinic/api.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from ketamine_trd.clinic.inputs import InputSchema, schema_for
from ketamine_trd.clinic.measurement import services, trajectory
from ketamine_trd.clinic.measurement.alerts import PAGE_SIZE
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.inputs.measurement import AcknowledgeInput, AssessmentInput

router = Router(tags=["measurement"])

if TYPE_CHECKING:  # generated classes: mypy sees what they all are
    AssessmentIn: TypeAlias = InputSchema
    AcknowledgeIn: TypeAlias = InputSchema
else:  # the inputs are the core's (clinical.inputs.measurement); the outputs list their fields
    AssessmentIn = schema_for(AssessmentInput, "AssessmentIn")
    AcknowledgeIn = schema_for(AcknowledgeInput, "AcknowledgeIn")


class ItemOut(Schema):
    id: str
    label: str
    allowed: list[int]
    optional: bool


class InstrumentOut(Schema):
    id: str
    name: str
    version: str
    text_shareable: bool
    recall_period: str
    rater: str
    source: str
    items: list[ItemOut]


class AssessmentOut(Schema):
    id: int
    patient_id: int
    course_id: int | None
    session_id: int | None
    instrument_id: str
    instrument_version: str
    item_values: dict[str, int | None]
    total: float | None
    severity: str
    risk: str
    prorated: bool
    administered_at: dt.datetime


class AlertOut(Schema):
    id: int
    patient_id: int
    course_id: int | None
    session_id: int | None
    assessment_id: int | None
    kind: AlertKind
    level: AlertLevel
    rule: str
    source: str
    message: str
    platform_defined: bool
    data: dict[str, Any]
    raised_at: dt.datetime
    acknowledged_by_id: int | None
    acknowledged_at: dt.datetime | None
    acknowledgement_note: str


class AlertPageOut(Schema):
    """One page of the worklist, most urgent then newest first; ``total`` counts every open alert that matched."""

    total: int
    page: int
    page_size: int
    pages: int
    level_counts: dict[AlertLevel, int]
    items: list[AlertOut]


class RecordedOut(Schema):
    assessment: AssessmentOut
    alerts: list[AlertOut]
    followups: list[str]


class EventOut(Schema):
    on: dt.date
    kind: str
    label: str
    definition: str
    threshold: float | None
    platform_defined: bool
    source: str


class TrajectoryOut(Schema):
    instrument_id: str
    points: list[tuple[dt.datetime, float]]
    doses: list[tuple[dt.datetime, float | None]]
    baseline: float | None
    response_threshold: float | None
    remission_threshold: float | None
    remission_comparator: str
    events: list[EventOut]
    #: who entered each point, parallel to ``points``: "staff", or the patient's channel ("link", "tablet")
    channels: list[str]


def _assessment(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "patient_id": row.patient_id,
        "course_id": row.course_id,
        "session_id": row.session_id,
        "instrument_id": row.instrument_id,
        "instrument_version": row.instrument_version,
        "item_values": row.item_values,
        "total": float(row.total) if row.total is not None else None,
        "severity": row.severity,
        "risk": row.risk,
        "prorated": row.prorated,
        "administered_at": row.administered_at,
    }


@router.get("/instruments", response=list[InstrumentOut])
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    """Every instrument of the engine: item ids, short labels and allowed values (never licensed text)."""
    return [instrument.to_dict() for instrument in instruments.all_instruments()]


@router.get("/patients/{patient_id}/assessments", response=list[AssessmentOut])
def list_assessments(request: HttpRequest, patient_id: int, instrument_id: str | None = None) -> list[dict[str, Any]]:
    return [_assessment(row) for row in services.list_assessments(request, patient_id, instrument_id=instrument_id)]


@router.post("/patients/{patient_id}/assessments", response={201: RecordedOut})
def create_assessment(request: HttpRequest, patient_id: int, payload: AssessmentIn) -> Status[dict[str, Any]]:
    """Score and save an assessment; out-of-range answers are refused naming the item (422), nothing saved."""
    data = payload.to_input()  # a time without a time zone is refused (422), never guessed
    saved = services.record_assessment(
        request,
        patient_id,
        data.instrument_id,
        data.answers,
        administered_at=data.administered_at,
        now=timezone.now(),
        course_id=data.course_id,
        session_id=data.session_id,
    )
    body = {
        "assessment": _assessment(saved.assessment),
        "alerts": list(saved.alerts),
        "followups": list(saved.followups),
    }
    return Status(201, body)


@router.get("/patients/{patient_id}/trajectory", response=TrajectoryOut)
def get_trajectory(request: HttpRequest, patient_id: int, instrument_id: str = "phq9") -> Any:
    patient = services.get_patient(request, patient_id)
    return trajectory.build_trajectory(request, patient, instrument_id)


@router.get("/alerts", response=AlertPageOut)
def list_alerts(
    request: HttpRequest,
    kind: AlertKind | None = None,
    patient_id: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    """Open alerts of the user's clinic (the worklist), one page, most urgent then newest, with the total."""
    found = services.alert_page(request, kind=kind, patient_id=patient_id, page=page, page_size=page_size)
    return {
        "total": found.total,
        "page": found.page,
        "page_size": found.page_size,
        "pages": found.pages,
        "level_counts": found.level_counts,
        "items": found.items,
    }


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request: HttpRequest, alert_id: int, payload: AcknowledgeIn) -> Any:
    """Acknowledge an open alert; a critical one needs a note (422 naming ``note`` otherwise, nothing saved)."""
    return services.acknowledge_alert(request, alert_id, now=timezone.now(), note=payload.to_input().note)
