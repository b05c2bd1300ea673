"""Use cases of measurement-based care: record an assessment (with its follow-ups and alerts), read them.

Scoring, bands, follow-ups and safety alerts come from ``ketamine_trd.clinical.instruments``; this module
maps them onto rows and alerts, owns the transaction and writes the audit trail. ``raise_alert`` (the
one way to put an alert on the worklist) lives in ``alerts.py`` and is re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.alerts import (
    AlertPage,
    WorklistPage,
    acknowledge_alert,
    alert_page,
    open_alerts,
    raise_alert,
    worklist_page,
)
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.measurement.refresh import refresh_patient_alerts
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.inputs.measurement import AssessmentInput
from ketamine_trd.errors import InputError

__all__ = [
    "AlertPage",
    "RecordedAssessment",
    "WorklistPage",
    "acknowledge_alert",
    "alert_page",
    "get_patient",
    "list_assessments",
    "open_alerts",
    "patient_for_entry",
    "raise_alert",
    "record_assessment",
    "refresh_patient_alerts",
    "worklist_page",
]


@dataclass(frozen=True, slots=True)
class RecordedAssessment:
    """A saved assessment with the alerts it raised (new ones only) and the instruments now due."""

    assessment: Assessment
    alerts: tuple[Alert, ...]
    followups: tuple[str, ...]
    result: Any


def get_patient(actor: Actor, patient_id: int, action: str = "measurement.view") -> Any:
    """The patient if the role may do ``action`` (else 403) and it belongs to the actor's clinic (else 404)."""
    from ketamine_trd.clinic.records.interface import patient_for

    return patient_for(authorize(actor, action), patient_id)


def patient_for_entry(actor: Actor, patient_id: int, instrument_id: str) -> Any:
    """The patient shown on the score-entry page (entry roles only), audited as a read."""
    patient = get_patient(actor, patient_id, "measurement.enter")
    record(actor, "read", obj=patient, patient_id=patient.pk, detail=f"assessment entry {instrument_id}")
    return patient


def _check_links(patient: Any, course_id: int | None, session_id: int | None) -> tuple[Any, Any]:
    from ketamine_trd.clinic.records.interface import Course, Session

    course = session = None
    if course_id is not None:
        course = Course.objects.filter(pk=course_id, patient=patient).first()
        if course is None:
            raise InputError("course_id", course_id, "a course of this patient")
    if session_id is not None:
        session = Session.objects.filter(pk=session_id, patient=patient).select_related("course").first()
        if session is None:
            raise InputError("session_id", session_id, "a session of this patient")
        course = course or session.course
    return course, session


def store_scored(patient: Any, course: Any, session: Any, instrument: Any, result: Any, *,
                 administered_at: dt.datetime | None, entered_by: Any, now: dt.datetime) -> Assessment:  # fmt: skip
    """The assessment row of a scored result (the caller owns the transaction, the audit and the alerts);
    ``entered_by`` is ``None`` for a patient-reported score."""
    total = result.total
    return Assessment.objects.create(
        patient=patient,
        course=course,
        session=session,
        instrument_id=instrument.id,
        instrument_version=str(instrument.version),
        item_values=dict(result.item_values),
        total=Decimal(total) if total is not None else None,
        severity=result.severity or "",
        risk=result.risk or "",
        prorated=bool(result.prorated),
        administered_at=administered_at,
        entered_by=entered_by,
        created_at=now,
    )


def record_assessment(
    actor: Actor,
    patient_id: int,
    instrument_id: str,
    answers: Mapping[str, int | None],
    *,
    administered_at: dt.datetime | None,
    now: dt.datetime,
    course_id: int | None = None,
    session_id: int | None = None,
) -> RecordedAssessment:
    """Score ``answers`` with the engine, save the assessment, raise its alerts and follow-ups, in one transaction.

    ``administered_at`` ``None`` (left blank) is ``now``, the save time. Out-of-range answers, an unknown
    instrument or an ``administered_at`` in the future raise ``InputError`` (naming the item or field) before
    anything is saved.
    """
    user = authorize(actor, "measurement.enter")
    # the core's one description: instrument, answers (by its definition), a time with a zone from 1970 on, blank
    # meaning the moment it is saved (``stamped``: the server's clock, never a time ahead of it)
    data = AssessmentInput(instrument_id=instrument_id, answers=dict(answers), administered_at=administered_at,
                           course_id=course_id, session_id=session_id).stamped(now)  # fmt: skip
    instrument = instruments.get(data.instrument_id)
    result = instruments.score(instrument.id, data.answers)
    administered_at = data.administered_at
    from ketamine_trd.clinic.records.interface import patient_for

    with writing():
        patient = patient_for(user, patient_id)  # the role was checked above, before the transaction
        course, session = _check_links(patient, data.course_id, data.session_id)
        assessment = store_scored(patient, course, session, instrument, result, administered_at=administered_at,
                                  entered_by=user, now=now)  # fmt: skip
        record(actor, "create", obj=assessment, patient_id=patient.pk, detail=f"assessment {instrument.id}")
        _close_due(actor, user, patient, assessment, now=now)
        raised = raise_assessment_alerts(patient, assessment, result, now=now, actor=actor)
        if assessment.total is not None:
            raised += refresh_patient_alerts(actor, patient, now=now, instrument_ids=(instrument.id,))
    return RecordedAssessment(assessment, tuple(raised), tuple(result.followups), result)


def _close_due(actor: Actor, user: Any, patient: Any, assessment: Assessment, *, now: dt.datetime) -> None:
    """Entering an instrument that was due acknowledges its open 'assessment due' alerts (who and when kept)."""
    due = Alert.objects.open().filter(
        patient=patient, kind=AlertKind.ASSESSMENT_DUE, data__due_instrument_id=assessment.instrument_id
    )
    for alert in due.select_for_update():
        alert.acknowledged_by = user
        alert.acknowledged_at = now
        alert.acknowledgement_note = f"completed by assessment {assessment.pk}"
        alert.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
        record(actor, "update", obj=alert, patient_id=patient.pk, changed_fields=("acknowledged_at",))


def raise_assessment_alerts(
    patient: Any, assessment: Assessment, result: Any, *, now: dt.datetime, actor: Actor
) -> list[Alert]:
    key = f"assessment:{assessment.pk}"
    raised: list[Alert] = []
    for alert in result.alerts:
        created_alert, created = raise_alert(
            patient,
            kind=alert.kind,
            level=alert.level,
            rule=f"{assessment.instrument_id}:{alert.code}",
            source=alert.source,
            message=alert.message,
            object_key=key,
            now=now,
            course=assessment.course,
            session=assessment.session,
            assessment=assessment,
            data={"instrument_id": assessment.instrument_id, "total": result.total, "risk": result.risk},
            actor=actor,
        )
        if created:
            raised.append(created_alert)
    for due in result.followups:
        due_instrument = instruments.get(due)
        created_alert, created = raise_alert(
            patient,
            kind=AlertKind.ASSESSMENT_DUE,
            level=AlertLevel.HIGH if assessment.alerts.exists() else AlertLevel.INFO,
            rule=f"{assessment.instrument_id}:followup:{due_instrument.id}",
            source=due_instrument.source,
            message=f"{due_instrument.name} is due (follow-up of {assessment.instrument_id}).",
            object_key=key,
            now=now,
            course=assessment.course,
            assessment=assessment,
            data={"due_instrument_id": due_instrument.id},
            actor=actor,
        )
        if created:
            raised.append(created_alert)
    return raised


def list_assessments(
    actor: Actor, patient_id: int, *, instrument_id: str | None = None, audit: bool = True
) -> list[Assessment]:
    """A patient's assessments, oldest first (audited as a read)."""
    patient = get_patient(actor, patient_id)
    queryset = Assessment.objects.filter(patient=patient).order_by("administered_at", "id")
    if instrument_id:
        queryset = queryset.filter(instrument_id=instruments.get(instrument_id).id)
    if audit:
        record(actor, "read", object_type="assessment_list", patient_id=patient.pk)
    return list(queryset)
