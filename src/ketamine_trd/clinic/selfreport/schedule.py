"""The schedule's use case: send the due questionnaire links and reminders (``clinical.self_report_schedule``).

Run by ``manage.py send_self_report_links`` (cron, every hour or so) or called directly; the actor is the
system (``None`` in the audit trail). Only patients with an e-mail address are sent links; the others appear
as due on the dashboard for the clinic to hand out a tablet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail

from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.dashboard import OUTCOME_KINDS
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.records.interface import Course, Phase, SessionStatus
from ketamine_trd.clinic.selfreport import services
from ketamine_trd.clinic.selfreport.models import ReportLink
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical import self_report_schedule as rule


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: int
    reminded: int
    due_without_email: int


def _input(course: Any, today: dt.date) -> rule.ScheduleInput:
    planned = tuple(
        s.scheduled_at.date()
        for s in course.sessions.filter(status=SessionStatus.PLANNED, scheduled_at__date__gte=today)
    )
    last = ReportLink.objects.filter(course=course).order_by("-created_at").first()
    signal = Alert.objects.open().filter(patient=course.patient, kind__in=OUTCOME_KINDS).order_by("-raised_at").first()
    return rule.ScheduleInput(
        phase=course.phase,
        today=today,
        planned_sessions=planned,
        last_sent_on=last.created_at.date() if last else None,
        risk_signal_on=signal.raised_at.date() if signal else None,
    )


def send_due(*, now: dt.datetime, base_url: str, clinic_id: int | None = None) -> SendReport:
    """Create and e-mail every due link, and remind once for unanswered ones."""
    courses = Course.objects.filter(phase__in=(Phase.INDUCTION, Phase.MAINTENANCE)).select_related("patient")
    if clinic_id is not None:
        courses = courses.filter(patient__clinic_id=clinic_id)
    sent = without = 0
    for course in courses:
        for due in rule.due_requests(_input(course, now.date())):
            if not course.patient.email:
                without += 1
                continue
            services.create_link(None, course.patient, due.instrument_ids, now=now, email=course.patient.email,
                                 base_url=base_url, reason=f"schedule:{due.reason}", course_id=course.pk)  # fmt: skip
            sent += 1
    return SendReport(sent, remind(now=now), without)


def remind(*, now: dt.datetime) -> int:
    """One reminder per sent, unanswered link (the reminder carries no link: the token is not kept)."""
    count = 0
    for link in ReportLink.objects.pending(now).filter(sent_at__isnull=False, reminded_at__isnull=True):
        if not rule.needs_reminder(link.sent_at, now, link.expires_at, reminded=False):
            continue
        send_mail(
            subject="Reminder: your clinic's questionnaire",
            message="Your clinic sent you a questionnaire link by e-mail that is still unanswered. Please use the "
            f"link in that message before {link.expires_at:%Y-%m-%d %H:%M} UTC.",
            from_email=None,
            recipient_list=[link.sent_to],
        )
        with writing():
            ReportLink.objects.filter(pk=link.pk).update(reminded_at=now)
            record(None, "update", obj=link, patient_id=link.patient_id, changed_fields=("reminded_at",),
                   detail="self-report reminder e-mailed")  # fmt: skip
        count += 1
    return count
