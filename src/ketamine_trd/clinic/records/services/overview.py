"""The patient page: one read that gathers what the page shows, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ketamine_trd.clinic import access
from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.chartnotes.interface import chart_summary
from ketamine_trd.clinic.measurement.interface import open_alerts
from ketamine_trd.clinic.records.models import Course, IntakeKind, IntakeResult, Patient, RemsRecord, Session
from ketamine_trd.clinic.records.services._scope import patient_for
from ketamine_trd.clinic.records.services.gates import screening_product
from ketamine_trd.clinic.records.services.intake import age_years
from ketamine_trd.clinic.records.services.rems import core_record
from ketamine_trd.clinic.transactions import reading
from ketamine_trd.clinical.rems import rems_status
from ketamine_trd.errors import IntegrityFailure

if TYPE_CHECKING:
    from ketamine_trd.clinic.chartnotes.interface import ChartSummary

#: open alerts shown on the patient page (most urgent first; the worklist filtered on the patient shows them all)
OPEN_ALERT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class PatientPage:
    """What the patient page shows; clinical parts are empty for roles without clinical access."""

    patient: Patient
    age_years: int
    clinical: bool
    trd: IntakeResult | None
    screening: IntakeResult | None
    screenings: tuple[IntakeResult, ...]
    all_screenings: tuple[IntakeResult, ...]
    open_alerts: tuple[Any, ...]
    courses: tuple[Course, ...]
    sessions: tuple[Session, ...]
    rems_records: tuple[tuple[RemsRecord, str], ...]
    open_alert_limit: int = OPEN_ALERT_LIMIT
    #: allergies, current medication classes and notes (chartnotes); ``None`` for roles without clinical access
    chart: ChartSummary | None = None


def _rems_status(row: RemsRecord, now: dt.datetime) -> str:
    """The record's clock as the core computes it; ``unreadable`` (shown, never a crashed page) when the stored
    form cannot be read back: the REMS record's own page names the field."""
    try:
        return rems_status(core_record(row), now).value
    except IntegrityFailure:
        return "unreadable"


def _latest(rows: list[IntakeResult], kind: str) -> IntakeResult | None:
    return next((r for r in rows if r.kind == kind), None)


def _latest_per_product(rows: list[IntakeResult]) -> tuple[IntakeResult, ...]:
    """The newest screening for each product (newest first): one product's result never hides another's."""
    seen: dict[str, IntakeResult] = {}
    for row in rows:
        if row.kind == IntakeKind.SCREENING:
            seen.setdefault(screening_product(row), row)
    return tuple(seen.values())


def patient_page(actor: Actor, patient_id: int, *, now: dt.datetime, session_limit: int = 20) -> PatientPage:
    """Demographics for every role allowed to see the patient; intake (every screening, each naming its product),
    open alerts, courses and sessions for clinicians."""
    user = authorize(actor, "patient.view")
    clinical = access.can(user, "course.view")
    with reading():
        patient = patient_for(user, patient_id)
        intake: list[IntakeResult] = []
        courses: list[Course] = []
        rems: list[RemsRecord] = []
        alerts: list[Any] = []
        chart: ChartSummary | None = None
        # read here, in the read transaction and before the audit entry (it was evaluated after both)
        sessions = list(Session.objects.filter(patient=patient).select_related("course")
                        .order_by("-scheduled_at")[:session_limit])  # fmt: skip
        if clinical:
            intake = list(
                IntakeResult.objects.filter(patient=patient).select_related(
                    "created_by", "signed_off_by", "overridden_by"
                )
            )
            courses = list(Course.objects.filter(patient=patient).select_related("prescriber"))
            rems = list(RemsRecord.objects.filter(patient=patient).order_by("-due_at")[:20])
            alerts = open_alerts(actor, patient_id=patient.pk, limit=OPEN_ALERT_LIMIT, audit=False)
            chart = chart_summary(patient.pk, on=now.date(), with_notes=True)
    record(actor, "read", obj=patient, now=now)
    return PatientPage(
        patient=patient,
        age_years=age_years(patient.date_of_birth, now.date()),
        clinical=clinical,
        trd=_latest(intake, IntakeKind.TRD),
        screening=_latest(intake, IntakeKind.SCREENING),
        screenings=_latest_per_product(intake),
        all_screenings=tuple(r for r in intake if r.kind == IntakeKind.SCREENING),
        open_alerts=tuple(alerts),
        courses=tuple(courses),
        sessions=tuple(sessions),
        rems_records=tuple((r, _rems_status(r, now)) for r in rems),
        chart=chart,
    )
