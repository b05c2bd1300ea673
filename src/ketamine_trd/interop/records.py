"""Plain record values exchanged between the clinic and the FHIR mapping.

The clinic maps its rows onto these values (``clinic/fhir_bridge.py``) and the pure mapping in
``interop.fhir`` turns them into FHIR R4 JSON and back. Units are in the field names; times are
timezone-aware (UTC when they come from the clinic); ids are the source system's own ids as text.

>>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
>>> AssessmentRecord("7", "MRN1", "phq9", "2001", t0, {"q1": 1}, total=1).instrument_id
'phq9'
>>> VitalsRecord("1", t0, systolic_mmhg=250, diastolic_mmhg=80).systolic_mmhg
250
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.products import Product
from ketamine_trd.errors import InputError

__all__ = [
    "AlertRecord",
    "RATING_INSTRUMENTS",
    "SEXES",
    "AdverseEventRecord",
    "AssessmentRecord",
    "CourseRecord",
    "DoseRecord",
    "PatientExport",
    "PatientRecord",
    "RatingRecord",
    "SessionRecord",
    "VitalsRecord",
]

SEXES = ("female", "male", "other", "unknown")
_SEVERITIES = ("", "mild", "moderate", "severe")
_PHASES = ("evaluation", "induction", "maintenance", "ended")
_SESSION_STATUSES = ("planned", "in_progress", "signed", "cancelled")


def _aware(name: str, value: dt.datetime | None) -> None:
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise InputError(name, str(value), "a timezone-aware date-time (UTC)")


def _within(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise InputError(name, value, f"{low} to {high}")


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient: the MRN (unique in its clinic), names, date of birth, administrative sex."""

    record_id: str
    mrn: str
    given_name: str
    family_name: str
    birth_date: dt.date
    sex: str = "unknown"

    def __post_init__(self) -> None:
        if not self.mrn.strip():
            raise InputError("patient.mrn", self.mrn, "a non-empty medical record number")
        if self.sex not in SEXES:
            raise InputError("patient.sex", self.sex, ", ".join(SEXES))


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """A completed instrument: item values by item id (None: not answered) and the engine's result."""

    record_id: str
    patient_mrn: str
    instrument_id: str
    instrument_version: str
    administered_at: dt.datetime
    item_values: Mapping[str, int | None]
    total: Decimal | int | None = None
    severity: str = ""
    risk: str = ""
    prorated: bool = False
    session_id: str | None = None
    #: "" when staff entered it; the patient's self-report channel ("link", "tablet") when the patient did
    reported_via: str = ""

    def __post_init__(self) -> None:
        _aware("assessment.administered_at", self.administered_at)
        for item_id, value in self.item_values.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InputError(f"assessment.item_values.{item_id}", value, "an integer or None")


@dataclass(frozen=True, slots=True)
class VitalsRecord:
    """Timed vital signs: blood pressure in mmHg, heart rate in beats/min, SpO2 in %, breaths/min."""

    record_id: str
    taken_at: dt.datetime
    timepoint: str = "other"
    systolic_mmhg: int | None = None
    diastolic_mmhg: int | None = None
    heart_rate_bpm: int | None = None
    spo2_percent: int | None = None
    respiratory_rate_per_min: int | None = None

    def __post_init__(self) -> None:
        _aware("vitals.taken_at", self.taken_at)
        _within("vitals.systolic_mmhg", self.systolic_mmhg, 0, 400)
        _within("vitals.diastolic_mmhg", self.diastolic_mmhg, 0, 300)
        _within("vitals.heart_rate_bpm", self.heart_rate_bpm, 0, 400)
        _within("vitals.spo2_percent", self.spo2_percent, 0, 100)
        _within("vitals.respiratory_rate_per_min", self.respiratory_rate_per_min, 0, 200)


@dataclass(frozen=True, slots=True)
class DoseRecord:
    """A dose given: product and route, mg (and mg/kg for IV), lot, start and end of administration."""

    product: Product
    dose_mg: Decimal
    dosed_at: dt.datetime
    ended_at: dt.datetime | None = None
    mg_per_kg: Decimal | None = None
    lot_number: str = ""
    devices_used: int | None = None
    infusion_rate_ml_per_h: Decimal | None = None

    def __post_init__(self) -> None:
        _aware("dose.dosed_at", self.dosed_at)
        _aware("dose.ended_at", self.ended_at)
        if self.dose_mg <= 0:
            raise InputError("dose.dose_mg", str(self.dose_mg), "a dose above 0 mg")
        if self.ended_at is not None and self.ended_at < self.dosed_at:
            raise InputError("dose.ended_at", self.ended_at.isoformat(), "a time not before dose.dosed_at")


@dataclass(frozen=True, slots=True)
class AdverseEventRecord:
    """An adverse event noted during or after a session (``kind`` from clinical.monitoring.observations)."""

    record_id: str
    session_id: str
    kind: str
    noted_at: dt.datetime
    severity: str = ""
    serious: bool = False
    resolved_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        _aware("adverse_event.noted_at", self.noted_at)
        _aware("adverse_event.resolved_at", self.resolved_at)
        if self.severity not in _SEVERITIES:
            raise InputError("adverse_event.severity", self.severity, "mild, moderate, severe or empty")


#: Chair-side rating ids of the clinic (``clinic.records.services.charting``) -> instrument ids.
RATING_INSTRUMENTS = {"moaas": "moaas", "cadss-23": "cadss", "cadss-6": "cadss6"}


@dataclass(frozen=True, slots=True)
class RatingRecord:
    """A chair-side rating during a session: a MOAA/S or CADSS total (no item answers), at ``taken_at``."""

    record_id: str
    instrument_id: str
    value: int
    taken_at: dt.datetime

    def __post_init__(self) -> None:
        _aware("rating.taken_at", self.taken_at)
        if self.instrument_id not in RATING_INSTRUMENTS.values():
            raise InputError("rating.instrument_id", self.instrument_id, ", ".join(RATING_INSTRUMENTS.values()))
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise InputError("rating.value", self.value, "a total of 0 or more")


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A treatment session: when, its status, the dose given (if any), its vitals.

    ``phase`` is the course phase the dose was given in (``""`` when not dosed), never the course's current one.
    """

    record_id: str
    course_id: str
    scheduled_at: dt.datetime
    status: str = "planned"
    dose: DoseRecord | None = None
    vitals: tuple[VitalsRecord, ...] = ()
    ended_at: dt.datetime | None = None
    ratings: tuple[RatingRecord, ...] = ()
    phase: str = ""

    def __post_init__(self) -> None:
        _aware("session.scheduled_at", self.scheduled_at)
        _aware("session.ended_at", self.ended_at)
        if self.status not in _SESSION_STATUSES:
            raise InputError("session.status", self.status, ", ".join(_SESSION_STATUSES))
        if self.phase and self.phase not in _PHASES:
            raise InputError("session.phase", self.phase, ", ".join(_PHASES))


@dataclass(frozen=True, slots=True)
class CourseRecord:
    """A treatment course: product and route, phase, start and end."""

    record_id: str
    product: Product
    phase: str
    start_date: dt.date
    ended_on: dt.date | None = None
    end_reason: str = ""

    def __post_init__(self) -> None:
        if self.phase not in _PHASES:
            raise InputError("course.phase", self.phase, ", ".join(_PHASES))


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An open alert of the worklist: what it is about and how urgent, in the core's one vocabulary."""

    record_id: str
    kind: AlertKind
    level: AlertLevel
    message: str
    raised_at: dt.datetime
    rule: str = ""
    source: str = ""
    session_id: str | None = None

    def __post_init__(self) -> None:
        _aware("alert.raised_at", self.raised_at)
        AlertKind.parse(self.kind, "alert.kind")
        AlertLevel.parse(self.level, "alert.level")


@dataclass(frozen=True, slots=True)
class PatientExport:
    """Everything exported for one patient."""

    patient: PatientRecord
    courses: tuple[CourseRecord, ...] = ()
    sessions: tuple[SessionRecord, ...] = ()
    assessments: tuple[AssessmentRecord, ...] = ()
    adverse_events: tuple[AdverseEventRecord, ...] = ()
    alerts: tuple[AlertRecord, ...] = ()
