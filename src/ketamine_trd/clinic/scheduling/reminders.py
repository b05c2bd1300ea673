"""E-mail reminders of booked sessions (Django's e-mail framework; the console backend in the demo).

A booking is reminded once, ``ahead`` before it starts; a moved booking is reminded again (its ``reminded_at`` is
cleared by the move). The message names the clinic, the local time and the chair, and says nothing clinical beyond
"your treatment session" (the clinic's own instructions are not the scheduler's to write); patients without an
e-mail address are skipped.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.scheduling.models import Booking
from ketamine_trd.clinic.transactions import writing

#: how long before a session its reminder goes out (site decision)
DEFAULT_AHEAD = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ReminderRun:
    """What one run did: reminders sent, and bookings skipped for want of an e-mail address."""

    sent: int
    no_email: int


def _message(b: Booking) -> EmailMessage:
    clinic = b.session.patient.clinic
    local = b.starts_at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone))
    body = (f"Dear {b.session.patient.given_name},\n\nThis is a reminder of your treatment session at {clinic.name} "
            f"on {local:%A %d %B %Y at %H:%M} ({clinic.time_zone}), {b.chair.name}.\n\n"
            f"To change the time, call the clinic{': ' + clinic.phone if clinic.phone else ''}.\n")  # fmt: skip
    return EmailMessage(f"Your session at {clinic.name} on {local:%d %b %H:%M}", body,
                        settings.DEFAULT_FROM_EMAIL, [b.session.patient.email])  # fmt: skip


def send_reminders(*, now: dt.datetime, ahead: dt.timedelta = DEFAULT_AHEAD) -> ReminderRun:
    """Send every due reminder (sessions planned within ``ahead`` of ``now``, not yet reminded).

    Each one is audited as an ``export`` (patient data leaves the system)."""
    sent = skipped = 0
    due = (Booking.objects.filter(starts_at__gt=now, starts_at__lte=now + ahead, reminded_at__isnull=True,
                                  cancelled_at__isnull=True, session__status="planned")
           .select_related("session__patient__clinic", "chair"))  # fmt: skip
    connection = get_connection()
    for b in list(due):
        if not b.session.patient.email:
            skipped += 1
            continue
        with writing():
            if Booking.objects.select_for_update().filter(pk=b.pk, reminded_at__isnull=True).update(reminded_at=now):
                connection.send_messages([_message(b)])
                record(None, "export", obj=b.session, patient_id=b.session.patient_id, detail="e-mail reminder",
                       now=now)  # fmt: skip
                sent += 1
    return ReminderRun(sent, skipped)
