"""The demo clinic's self-report: the 988 crisis text, a few synthetic patient-reported answers, one pending link.

Called with one line from ``clinic.demo`` inside its write transaction. All patients are the seeder's synthetic ones.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ketamine_trd.clinic.records.interface import Course, Phase
from ketamine_trd.clinic.selfreport import services, texts
from ketamine_trd.clinic.selfreport.models import Channel, ReportLink, SelfReportSettings


def seed(clinic: Any, nurse: Any, now: dt.datetime, rng: random.Random) -> None:
    """Settings (the US 988 Lifeline is the site settings' crisis text), four answered links (one by tablet) and
    one link still waiting."""
    SelfReportSettings.objects.create(
        clinic=clinic,
        review_text="The clinic reads your answers on weekdays, 8:00 to 17:00. This form is not monitored in real "
        "time.",
        link_hours=texts.DEFAULT_LINK_HOURS,
    )
    courses = list(Course.objects.filter(patient__clinic=clinic, phase=Phase.MAINTENANCE).select_related("patient")[:5])
    for n, course in enumerate(courses):
        sent = now - dt.timedelta(days=6 - n, hours=3)
        channel = Channel.TABLET if n == 1 else Channel.LINK
        email = "" if channel == Channel.TABLET else f"patient{course.patient_id}@example.org"
        issued = services.create_link(nurse, course.patient, ("phq9", "gad7"), now=sent, reason="demo",
                                      course_id=course.pk, channel=str(channel))  # fmt: skip
        ReportLink.objects.filter(pk=issued.link.pk).update(sent_to=email, sent_at=sent if email else None)
        if n == len(courses) - 1:
            # the pending one: created now, not answered (its token is not kept; staff revoke or re-send it)
            ReportLink.objects.filter(pk=issued.link.pk).update(created_at=now, expires_at=now + dt.timedelta(hours=72))
            continue
        ReportLink.objects.filter(pk=issued.link.pk).update(verified_at=sent + dt.timedelta(minutes=5))
        answers = {
            "phq9": {f"q{i}": rng.choice((0, 1, 1, 2)) for i in range(1, 9)} | {"q9": 0},
            "gad7": {f"q{i}": rng.choice((0, 1, 2)) for i in range(1, 8)},
        }
        services.submit(None, issued.link.pk, answers, now=sent + dt.timedelta(minutes=12))
