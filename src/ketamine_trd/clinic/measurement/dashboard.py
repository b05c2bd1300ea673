"""The clinic dashboard: today's chairs and sessions, open alerts, assessments and screens due, REMS, outcomes.

Open alerts: every open critical alert (never capped), then the most urgent and newest of the others up to
``LIST_LIMIT``, with the total open, ordered in the database. Screens due are the due list (one row per
patient), not alerts. A fixed number of queries whatever the clinic's size (tests assert the count): every list
is one query with its joins, every summary one aggregate. Alerts, sessions and REMS records are always live;
the course summary (courses by phase, reassessments due) and the screens-due rows, which scan every course and
every treated patient of the clinic, are cached for ``SUMMARY_CACHE_SECONDS`` (the screens-due page is live).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from ketamine_trd.clinic.access import Actor, authorize, can
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.due import DueRow, screens_due_list
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel

__all__ = ["Dashboard", "build_dashboard"]

OUTCOME_KINDS = (AlertKind.RELAPSE, AlertKind.LOSS_OF_RESPONSE, AlertKind.FADING_BENEFIT)
LIST_LIMIT = 15
#: the course summary (phases, reassessments due) scans every course of the clinic; it may be this stale
SUMMARY_CACHE_SECONDS = 60
_PATIENT = ("patient__given_name", "patient__family_name", "patient__mrn", "patient__clinic_id")
_SESSION_FIELDS = ("scheduled_at", "chair", "status", "patient_id", "course__product", "course__phase", *_PATIENT)
_ALERT_FIELDS = ("kind", "level", "rule", "source", "message", "data", "platform_defined", "raised_at", *_PATIENT)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Display-ready dashboard content; lists hold model rows with their joins loaded."""

    today: dt.date
    clinical: bool
    identified: bool
    sessions_count: int
    sessions: list[Any]
    chairs: list[tuple[str, list[Any]]]
    assessments_due: list[Alert]
    reassessments_due: list[Any]
    open_alerts: list[Alert]
    open_alert_total: int
    open_alert_counts: dict[str, int]
    screens_due: list[DueRow]
    screens_due_total: int
    rems_due: list[tuple[Any, bool]]
    rems_due_count: int
    rems_overdue_count: int
    phase_counts: dict[str, int]
    outcome_alert_counts: dict[str, int]


def _day_bounds(today: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def build_dashboard(actor: Actor, *, now: dt.datetime) -> Dashboard:
    """Everything the dashboard shows for the actor's clinic on the clinic's local day of ``now``."""
    from ketamine_trd.clinic.records.interface import Course, Phase, RemsRecord, RemsStatus, Session, SessionStatus

    user = authorize(actor, "dashboard.view")
    clinic = user.clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone or "UTC")
    today = now.astimezone(zone).date()
    start, end = _day_bounds(today, zone)
    clinical = can(user, "measurement.view")

    # Today's sessions of every clinic are few: select them by time (index on scheduled_at), keep this clinic's.
    sessions = [
        s
        for s in Session.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("patient", "course")
        .only(*_SESSION_FIELDS)
        .order_by("chair", "scheduled_at")[:2000]
        if s.patient.clinic_id == clinic.pk
    ][:200]
    chairs: dict[str, list[Any]] = {}
    for session in sessions:
        chairs.setdefault(session.chair or "unassigned", []).append(session)

    rems = RemsRecord.objects.filter(clinic_id=clinic.pk, status=RemsStatus.DUE)
    rems_due = [
        (r, r.due_at < now)
        for r in rems.select_related("patient", "session")
        .only("due_at", "session__scheduled_at", *_PATIENT)
        .order_by("due_at")[:LIST_LIMIT]
    ]
    rems_counts = rems.aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    phase_counts: dict[str, int] = cache.get_or_set(  # type: ignore[assignment]
        f"ktrd:dashboard:phases:{clinic.pk}",
        lambda: dict(
            Course.objects.filter(patient__clinic_id=clinic.pk).values_list("phase").annotate(n=Count("id")).order_by()
        ),
        SUMMARY_CACHE_SECONDS,
    )
    alerts = Alert.objects.open().for_clinic(clinic.pk)
    counts = dict(alerts.values_list("kind").annotate(n=Count("id")).order_by())

    due: list[Alert] = []
    open_list: list[Alert] = []
    screens: list[DueRow] = []
    reassess: list[Any] = []
    if clinical:
        due = list(
            alerts.filter(kind=AlertKind.ASSESSMENT_DUE)
            .select_related("patient")
            .only(*_ALERT_FIELDS)
            .order_by("raised_at")[:LIST_LIMIT]
        )
        listed = alerts.filter(~Q(kind=AlertKind.ASSESSMENT_DUE)).select_related("patient").only(*_ALERT_FIELDS)
        # every open critical alert, however many, then the most urgent and newest others up to LIST_LIMIT
        open_list = list(listed.filter(level=AlertLevel.CRITICAL).most_urgent_first())
        open_list += list(listed.exclude(level=AlertLevel.CRITICAL).most_urgent_first()[:LIST_LIMIT])
        screens = cache.get_or_set(  # type: ignore[assignment]
            f"ktrd:dashboard:screens-due:{clinic.pk}:{today.isoformat()}",
            lambda: screens_due_list(clinic.pk, today=today),
            SUMMARY_CACHE_SECONDS,
        )
        reassess = cache.get_or_set(  # type: ignore[assignment]
            f"ktrd:dashboard:reassess:{clinic.pk}:{today.isoformat()}",
            lambda: list(
                Course.objects.filter(patient__clinic_id=clinic.pk, reassessment_due_on__lte=today)
                .exclude(phase=Phase.ENDED)
                .select_related("patient")
                .only("reassessment_due_on", *_PATIENT)
                .order_by("reassessment_due_on")[:LIST_LIMIT]
            ),
            SUMMARY_CACHE_SECONDS,
        )
    record(actor, "read", object_type="dashboard", object_id=str(today))
    identified = user.role != "researcher"  # researchers see counts only (de-identified)
    return Dashboard(
        today=today,
        clinical=clinical,
        identified=identified,
        sessions_count=len(sessions),
        sessions=sessions if identified else [],
        chairs=sorted(chairs.items()) if identified else [],
        assessments_due=due,
        reassessments_due=reassess,
        open_alerts=open_list,
        open_alert_total=sum(n for k, n in counts.items() if k != AlertKind.ASSESSMENT_DUE),
        open_alert_counts={AlertKind(k).label: n for k, n in counts.items()},
        screens_due=screens[:LIST_LIMIT],
        screens_due_total=len(screens),
        rems_due=rems_due if identified else [],
        rems_due_count=rems_counts["total"],
        rems_overdue_count=rems_counts["overdue"],
        phase_counts={Phase(k).label: n for k, n in phase_counts.items() if k in Phase.values},
        outcome_alert_counts={k.label: counts.get(k.value, 0) for k in OUTCOME_KINDS},
    )
