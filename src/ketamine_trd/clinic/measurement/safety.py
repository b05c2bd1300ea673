"""Long-term safety on the worklist: signals, and screens overdue past the grace, from ``clinical.surveillance``.

A screen that is due (or overdue within the profile's grace, a site decision) is not an alert: it is on the
due list (``due.py``). Only a screen overdue by more than the grace becomes a warning here. The screen
intervals, grace and signal margins are those of the clinic's site settings in force (none is published);
signals whose rule no publication defines are flagged platform-defined on the alert. Each dose carries the phase
it was given in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.measurement.alerts import raise_alert
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.site.settings_service import surveillance_config
from ketamine_trd.clinical import surveillance
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.measurement_timeline import Assessment as CoreAssessment

__all__ = ["raise_safety_alerts", "site_config", "survey_patient"]

_SCREEN_INSTRUMENTS = tuple(sorted({i for ids in surveillance.SCREEN_SOURCES.values() for i in ids}))


def _doses(patient: Any) -> list[surveillance.DoseRecord]:
    from ketamine_trd.clinic.records.interface import Session, SessionStatus, VitalSign

    rows = list(
        Session.objects.filter(patient=patient, status=SessionStatus.SIGNED, dosed_at__isnull=False)
        .order_by("dosed_at")
        .values_list("id", "dosed_at", "dose_mg", "phase")
    )
    bp = {
        sid: (sys_, dia)
        for sid, sys_, dia in VitalSign.objects.filter(
            session__patient=patient, timepoint="predose", systolic_mmhg__isnull=False
        )
        .order_by("taken_at")
        .values_list("session_id", "systolic_mmhg", "diastolic_mmhg")
    }
    return [
        surveillance.DoseRecord(
            at.date(),
            float(mg) if mg is not None else None,
            phase if phase in ("induction", "maintenance") else None,
            predose_systolic_mmhg=bp.get(sid, (None, None))[0],
            predose_diastolic_mmhg=bp.get(sid, (None, None))[1],
        )
        for sid, at, mg, phase in rows
        if at is not None
    ]


def site_config(clinic_id: int) -> surveillance.SurveillanceConfig:
    """The clinic's surveillance profile: the screen intervals, grace and margins of its site settings in force
    (``clinic.site``; the deployment's ``KTRD_SCREEN_OVERDUE_GRACE_DAYS`` is the grace of their shipped defaults)."""
    return surveillance_config(clinic_id)


def survey_patient(patient: Any, *, today: dt.date) -> surveillance.SurveillanceReport | None:
    """The core's surveillance report for a patient (None before the first signed dose)."""
    doses = _doses(patient)
    if not doses:
        return None
    scores = [
        CoreAssessment(at.date(), float(total), instrument_id)
        for instrument_id, at, total in Assessment.objects.filter(
            patient=patient, instrument_id__in=_SCREEN_INSTRUMENTS
        )
        .order_by("administered_at")
        .values_list("instrument_id", "administered_at", "total")
        if total is not None
    ]
    return surveillance.survey(doses, scores, today, site_config(patient.clinic_id))


def _in_treatment(patient: Any) -> bool:
    """Whether the patient has a course in induction or maintenance (the due list's patients)."""
    from ketamine_trd.clinic.records.interface import Course, Phase

    return Course.objects.filter(patient=patient, phase__in=(Phase.INDUCTION, Phase.MAINTENANCE)).exists()


def raise_safety_alerts(actor: Actor, patient: Any, *, now: dt.datetime) -> list[Alert]:
    """Raise alerts for new safety signals and for screens overdue past the grace; return the new ones."""
    report = survey_patient(patient, today=now.date())
    if report is None:
        return []
    raised: list[Alert] = []
    for signal in report.signals:
        alert, created = raise_alert(
            patient,
            kind=AlertKind.SAFETY_SIGNAL,
            level=AlertLevel.WARNING,
            rule=signal.rule,
            source=signal.source,
            message=signal.message + (" (platform-defined)" if signal.platform_defined else ""),
            object_key=f"{signal.type}:{signal.date.isoformat()}",
            now=now,
            data={"type": signal.type, "date": signal.date.isoformat(), "profile": report.profile},
            platform_defined=signal.platform_defined,
            actor=actor,
        )
        if created:
            raised.append(alert)
    in_treatment = _in_treatment(patient)
    for due in report.due:
        if not due.warning or not in_treatment:
            continue  # due, or overdue within the grace: on the due list (patients in treatment), not an alert
        alert, created = raise_alert(
            patient,
            kind=AlertKind.SCREEN_OVERDUE,
            level=AlertLevel.WARNING,
            rule=f"surveillance.screen_overdue.{due.screen}",
            source=due.source,
            message=f"{due.screen.replace('_', ' ').capitalize()} screen overdue since {due.date:%Y-%m-%d} "
            f"({due.days_overdue} days; every {due.interval_days} days under the site profile {report.profile}, "
            "counted from the first dose).",
            object_key=f"{due.screen}:{due.date.isoformat()}",
            now=now,
            data={"screen": due.screen, "due": due.date.isoformat(), "profile": report.profile},
            actor=actor,
        )
        if created:
            raised.append(alert)
    return raised
