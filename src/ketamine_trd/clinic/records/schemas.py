"""API schemas of the records router: inputs generated from the core's input types, outputs list their fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from ninja import Field, Schema

from ketamine_trd.clinic.inputs import InputSchema, schema_for
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.inputs import charting as c
from ketamine_trd.clinical.inputs.courses import CourseInput, PhaseInput
from ketamine_trd.clinical.inputs.registration import PatientInput


class PatientOut(Schema):
    id: int
    mrn: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str
    weight_kg: Decimal | None
    height_cm: Decimal | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(..., description="Raised by every change; send it back as If-Match (also the ETag)")


class CourseOut(Schema):
    id: int
    patient_id: int
    product: str
    route: str
    phase: str
    start_date: dt.date
    review_due_on: dt.date | None
    reassessment_due_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    monitoring_profile: str
    rule_version: str
    plan: dict[str, Any] = Field(..., alias="plan_data")


if TYPE_CHECKING:  # generated classes: mypy sees what they all are
    PatientIn: TypeAlias = InputSchema
    CourseIn: TypeAlias = InputSchema
    PhaseIn: TypeAlias = InputSchema
    ScheduleIn: TypeAlias = InputSchema
    VitalsIn: TypeAlias = InputSchema
    DoseIn: TypeAlias = InputSchema
    ChecklistIn: TypeAlias = InputSchema
    RatingIn: TypeAlias = InputSchema
    EventIn: TypeAlias = InputSchema
    ResolveIn: TypeAlias = InputSchema
    DischargeIn: TypeAlias = InputSchema
    SignIn: TypeAlias = InputSchema
else:
    PatientIn = schema_for(PatientInput, "PatientIn")
    CourseIn = schema_for(CourseInput, "CourseIn")
    PhaseIn = schema_for(PhaseInput, "PhaseIn")
    ScheduleIn = schema_for(c.ScheduleInput, "ScheduleIn")
    VitalsIn = schema_for(c.VitalsInput, "VitalsIn")
    DoseIn = schema_for(c.DoseInput, "DoseIn")
    ChecklistIn = schema_for(c.ChecklistInput, "ChecklistIn")
    RatingIn = schema_for(c.RatingInput, "RatingIn")
    EventIn = schema_for(c.EventInput, "EventIn")
    ResolveIn = schema_for(c.ResolveEventInput, "ResolveIn")
    DischargeIn = schema_for(c.DischargeInput, "DischargeIn")
    SignIn = schema_for(c.SignInput, "SignIn")


class VitalsOut(Schema):
    id: int
    taken_at: dt.datetime
    timepoint: str
    systolic_mmhg: int | None
    diastolic_mmhg: int | None
    heart_rate_bpm: int | None
    spo2_percent: int | None
    respiratory_rate_per_min: int | None


class RatingOut(Schema):
    id: int
    instrument_id: str
    value: int
    taken_at: dt.datetime


class AdverseEventOut(Schema):
    id: int
    kind: str
    severity: str
    serious: bool
    noted_at: dt.datetime
    resolved_at: dt.datetime | None
    details: str


class FindingOut(Schema):
    field: str
    reason: str
    source: str


class SessionAlertOut(Schema):
    """A live monitoring alert of the session (the core's; the worklist's stored alerts are ``AlertOut``)."""

    rule_id: str
    kind: AlertKind
    level: AlertLevel
    message: str
    source: str
    profile: str


class SessionSummaryOut(Schema):
    id: int
    course_id: int
    patient_id: int
    scheduled_at: dt.datetime
    chair: str
    status: str
    dosed_at: dt.datetime | None
    signed_at: dt.datetime | None


class SessionOut(Schema):
    id: int
    course_id: int
    patient_id: int
    scheduled_at: dt.datetime
    chair: str
    status: str
    setting: str
    dosed_at: dt.datetime | None
    dose_mg: Decimal | None
    devices_used: int | None
    lot_number: str
    monitoring_completed_at: dt.datetime | None
    signed_at: dt.datetime | None
    monitoring_profile: str = ""
    version: int = Field(1, description="Raised by every charted change; If-Match on a write refuses a stale copy")
    vitals: list[VitalsOut] = []
    ratings: list[RatingOut] = []
    adverse_events: list[AdverseEventOut] = []
    missing: list[FindingOut] = []
    alerts: list[SessionAlertOut] = []


class SignOut(Schema):
    signed: bool
    missing: list[FindingOut]
    rems_record_id: int | None


class RemsOut(Schema):
    id: int
    session_id: int
    patient_id: int
    status: str
    due_at: dt.datetime
    form_version: str
    submitted_at: dt.datetime | None
    problems: list[FindingOut]
    fields: dict[str, Any]


class ErrorOut(Schema):
    """A refused request: domain errors name the field, the value and what is allowed."""

    error: str | None = None
    message: str | None = None
    field: str | None = None
    value: Any = None
    allowed: str | None = None
    detail: Any = None
    errors: list[dict[str, Any]] | None = None  # every refused field (422), each with the keys above
