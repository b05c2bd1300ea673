"""API schemas of the records router: inputs validate at the edge, outputs list their fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class PatientIn(Schema):
    mrn: str = Field(..., max_length=40, description="unique within the clinic")
    given_name: str = Field(..., max_length=100)
    family_name: str = Field(..., max_length=100)
    date_of_birth: dt.date
    sex: str = Field("unknown", description="female, male, other or unknown")
    weight_kg: float | str | None = Field(None, description="kilograms, 20 to 300; a unit other than kg is refused")
    height_cm: float | str | None = Field(None, description="centimetres, 100 to 250; a unit other than cm is refused")
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


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


class CourseIn(Schema):
    product: str = Field(..., description="esketamine-nasal or ketamine-iv")
    start_date: dt.date
    monitoring_profile: str = ""
    indication: str = "trd"
    total_weeks: int = 16
    from_week9: str = "every-2-weeks"
    oral_antidepressant: str | None = None
    dose_mg: int | None = None
    mg_per_kg: Decimal = Decimal("0.5")
    infusions: int = 6
    per_week: int = 2
    maintenance: str = "none"
    maintenance_sessions: int = 0
    override_reason: str = Field("", description="a prescriber's reason to plan despite the eligibility gate")


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


class PhaseIn(Schema):
    phase: str
    end_reason: str = ""
    override_reason: str = Field("", description="a prescriber's reason to start induction despite the gate")


class ScheduleIn(Schema):
    scheduled_at: dt.datetime
    chair: str = ""


class VitalsIn(Schema):
    taken_at: dt.datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int | None = None
    spo2_percent: int | None = None
    respiratory_rate_per_min: int | None = None
    timepoint: str = "other"


class DoseIn(Schema):
    dosed_at: dt.datetime
    dose_mg: Decimal
    lot_number: str
    devices_used: int | None = None
    mg_per_kg: Decimal | None = None
    infusion_rate_ml_per_h: Decimal | None = None
    infusion_duration_min: int | None = None
    concentration_mg_per_ml: Decimal | None = None
    infusion_ended_at: dt.datetime | None = None
    override_reason: str = Field("", description="a prescriber's reason for a dose outside the core's checks")


class ChecklistIn(Schema):
    checked_at: dt.datetime
    first_treatment: bool | None = None
    rems_enrolled: bool | None = None
    last_food_at: dt.datetime | None = None
    last_liquid_at: dt.datetime | None = None
    nasal_medicine_at: dt.datetime | None = None
    concomitant: list[str] = []
    concomitant_reviewed: bool = False
    safe_departure_arranged: bool | None = None


class RatingIn(Schema):
    instrument_id: str = Field(..., description="moaas, cadss-23 or cadss-6")
    value: int
    rated_at: dt.datetime


class EventIn(Schema):
    kind: str
    noted_at: dt.datetime
    resolved_at: dt.datetime | None = None
    details: str = ""
    severity: str = ""
    serious: bool = False


class DischargeIn(Schema):
    monitoring_completed_at: dt.datetime
    ready_to_leave_minutes: int | None = None
    vitals_ok_before_administration: bool | None = None
    vitals_ok_before_completion: bool | None = None
    sedation_observed: bool | None = None
    dissociation_observed: bool | None = None
    respiratory_depression_observed: bool | None = None
    clinically_stable: bool | None = None
    safe_departure_arranged: bool | None = None
    monitoring_hcp_id: int | None = None


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


class EventOut(Schema):
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


class AlertOut(Schema):
    rule_id: str
    level: str
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
    dose_given_at: dt.datetime | None
    signed_at: dt.datetime | None


class SessionOut(Schema):
    id: int
    course_id: int
    patient_id: int
    scheduled_at: dt.datetime
    chair: str
    status: str
    setting: str
    dose_given_at: dt.datetime | None
    dose_mg: Decimal | None
    devices_count: int | None
    lot_number: str
    monitoring_completed_at: dt.datetime | None
    signed_at: dt.datetime | None
    monitoring_profile: str = ""
    vitals: list[VitalsOut] = []
    ratings: list[RatingOut] = []
    adverse_events: list[EventOut] = []
    missing: list[FindingOut] = []
    alerts: list[AlertOut] = []


class SignIn(Schema):
    override_reason: str = Field("", description="a prescriber's reason to sign while not ready for discharge")


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
