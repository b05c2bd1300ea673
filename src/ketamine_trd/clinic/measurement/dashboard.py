"""The clinic dashboard, in the order a clinician acts: open critical alerts, today's chairs, then due work.

1. Every open critical alert of the clinic (never capped), most urgent then newest, ordered in the database.
2. Today's sessions by chair, selected by clinic *and* day in the query (another clinic's row is never loaded).
3. Due work: screens due (the due list, one row per patient), REMS forms due, end-of-induction reviews and
   reassessments, assessments due, and the other open alerts counted by level (each a link to the worklist).

A fixed number of queries whatever the clinic's size (tests assert the count): every list is one query with its
joins, every summary one aggregate. Alerts, sessions and REMS records are always live; the course summaries
(courses by phase, reviews and reassessments due) and the screens-due rows, which scan every course and every
treated patient of the clinic, are cached for ``SUMMARY_CACHE_SECONDS`` (the screens-due page is live; the
screens-due rows are keyed by the surveillance profile of the site settings in force, so a change shows at once).

A summary past that age is refreshed by ONE request while the others keep showing the previous one
(:func:`_summary`): on the 10,000-patient bench clinic the screens-due rows take ~250 ms to compute, and with
``get_or_set`` every request that arrived during that time computed them again (at 16 connections, up to 16 at
once, each minute and in each server process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from ketamine_trd.clinic.access import Actor, authorize, can
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.due import DueRow, screens_due_list
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.measurement.safety import site_config
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel

__all__ = ["Dashboard", "build_dashboard", "clinic_zone", "sessions_of_day"]

OUTCOME_KINDS = (AlertKind.RELAPSE, AlertKind.LOSS_OF_RESPONSE, AlertKind.FADING_BENEFIT)
#: rows of each due-work list on the dashboard (each list links to its whole page)
LIST_LIMIT = 5
#: sessions listed on the dashboard (a clinic day has far fewer; the count is always the true total)
SESSION_LIMIT = 200
#: the course summary (phases, reviews due) scans every course of the clinic; it may be this stale (s), plus the time
#: one refresh takes while another request shows the previous summary
SUMMARY_CACHE_SECONDS = 60
#: a summary nobody asked for in this long (s) is dropped: the next request computes it afresh, as on the first
SUMMARY_KEEP_SECONDS = 15 * 60
#: how long (s) a refresh may hold the right to refresh before another request may take it over (a refresh that
#: died with its thread)
REFRESH_CLAIM_SECONDS = 30
_PATIENT = ("patient__given_name", "patient__family_name", "patient__mrn", "patient__clinic_id")
_SESSION_FIELDS = ("scheduled_at", "chair", "status", "patient_id", "course__product", "course__phase", *_PATIENT)
_ALERT_FIELDS = ("kind", "level", "rule", "source", "message", "data", "platform_defined", "raised_at", *_PATIENT)
#: what a critical row draws (``dashboard_rows.critical_rows``): no JSON ``data`` decoded for hundreds of rows
_CRITICAL_FIELDS = ("kind", "level", "message", "raised_at", *_PATIENT)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Display-ready dashboard content; lists hold model rows with their joins loaded, codes stay codes
    (the page shows them through the label table)."""

    today: dt.date
    clinical: bool
    identified: bool
    can_chart: bool
    critical_alerts: list[Alert]
    other_alert_levels: list[tuple[str, int]]
    alert_level_counts: list[tuple[str, int]]
    open_alert_total: int
    open_alert_counts: dict[str, int]
    sessions_count: int
    chairs: list[tuple[str, list[Any]]]
    screens_due: list[DueRow]
    screens_due_total: int
    rems_due: list[tuple[Any, bool]]
    rems_due_count: int
    rems_overdue_count: int
    reviews_due: list[tuple[Any, str, dt.date]]
    reviews_due_total: int
    assessments_due: list[Alert]
    assessments_due_total: int
    phase_counts: dict[str, int]
    outcome_alert_counts: dict[str, int]


def clinic_zone(clinic: Any) -> zoneinfo.ZoneInfo:
    """The clinic's time zone (``Clinic.zone``: UTC when it has none or names an unknown zone)."""
    zone: zoneinfo.ZoneInfo = clinic.zone
    return zone


def _day_bounds(today: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def sessions_of_day(clinic_id: int, start: dt.datetime, end: dt.datetime) -> Any:
    """The clinic's sessions scheduled in ``[start, end)``, cancelled ones left out: clinic and day are both in
    the query, so another clinic's sessions are never read."""
    from ketamine_trd.clinic.records.interface import Session, SessionStatus

    return Session.objects.filter(patient__clinic_id=clinic_id, scheduled_at__gte=start, scheduled_at__lt=end).exclude(
        status=SessionStatus.CANCELLED
    )


def _summary(key: str, compute: Callable[[], Any], *, clock: Callable[[], float] = time.time) -> Any:
    """The cached value of ``key``, computed by ``compute`` when missing, and refreshed by one caller at a time
    once older than ``SUMMARY_CACHE_SECONDS``: a caller that finds another refreshing shows the previous value.

    A value is kept ``SUMMARY_KEEP_SECONDS``; without one (first request, or after that) every caller computes.
    """
    entry = cache.get(key)
    if not (isinstance(entry, tuple) and len(entry) == 2):
        entry = None  # nothing yet (or a value some other code stored under the key): compute
    now = clock()
    if entry is not None and now - entry[1] < SUMMARY_CACHE_SECONDS:
        return entry[0]
    claim = f"{key}:refreshing"
    if entry is not None and not cache.add(claim, now, REFRESH_CLAIM_SECONDS):
        return entry[0]  # another request is refreshing it: the previous summary meanwhile
    try:
        value = compute()
        cache.set(key, (value, clock()), SUMMARY_KEEP_SECONDS)
    finally:
        if entry is not None:
            cache.delete(claim)
    return value


def _chairs(sessions: list[Any]) -> list[tuple[str, list[Any]]]:
    chairs: dict[str, list[Any]] = {}
    for session in sessions:
        chairs.setdefault(session.chair or "", []).append(session)
    return sorted(chairs.items(), key=lambda item: (item[0] == "", item[0]))  # "no chair given" last


def _courses_due(clinic_id: int, today: dt.date) -> list[tuple[Any, str, dt.date]]:
    """(course, "review" or "reassessment", due date): end-of-induction reviews of courses still in induction
    and reassessments of courses not ended, due by ``today``, earliest first (one query)."""
    from ketamine_trd.clinic.records.interface import Course, Phase

    review = Q(phase=Phase.INDUCTION, review_due_on__lte=today)
    reassess = Q(reassessment_due_on__lte=today) & ~Q(phase=Phase.ENDED)
    rows = (
        Course.objects.filter(Q(patient__clinic_id=clinic_id) & (review | reassess))
        .select_related("patient")
        .only("phase", "review_due_on", "reassessment_due_on", "product", *_PATIENT)
    )
    found: list[tuple[Any, str, dt.date]] = []
    for course in rows[:500]:
        if course.phase == Phase.INDUCTION and course.review_due_on and course.review_due_on <= today:
            found.append((course, "review", course.review_due_on))
        if course.phase != Phase.ENDED and course.reassessment_due_on and course.reassessment_due_on <= today:
            found.append((course, "reassessment", course.reassessment_due_on))
    return sorted(found, key=lambda row: (row[2], row[0].pk, row[1]))


def build_dashboard(actor: Actor, *, now: dt.datetime) -> Dashboard:
    """Everything the dashboard shows for the actor's clinic on the clinic's local day of ``now``."""
    from ketamine_trd.clinic.records.interface import Course, Phase, RemsRecord, RemsStatus

    user = authorize(actor, "dashboard.view")
    clinic = user.clinic
    zone = clinic_zone(clinic)
    today = now.astimezone(zone).date()
    start, end = _day_bounds(today, zone)
    clinical = can(user, "measurement.view")
    identified = user.role != "researcher"  # researchers see counts only (de-identified)

    day = sessions_of_day(clinic.pk, start, end)
    sessions_count = day.count() if not identified else 0
    sessions: list[Any] = []
    if identified:
        rows = day.select_related("patient", "course").only(*_SESSION_FIELDS)
        sessions = list(rows.order_by("chair", "scheduled_at", "id")[:SESSION_LIMIT])
        sessions_count = len(sessions) if len(sessions) < SESSION_LIMIT else day.count()

    rems = RemsRecord.objects.filter(clinic_id=clinic.pk, status=RemsStatus.DUE)
    rems_counts = rems.aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    rems_due: list[tuple[Any, bool]] = []
    if identified:
        rems_due = [
            (r, r.due_at < now)
            for r in rems.select_related("patient", "session")
            .only("due_at", "session__scheduled_at", *_PATIENT)
            .order_by("due_at")[:LIST_LIMIT]
        ]
    phase_counts: dict[str, int] = _summary(
        f"ktrd:dashboard:phases:{clinic.pk}",
        lambda: dict(
            Course.objects.filter(patient__clinic_id=clinic.pk).values_list("phase").annotate(n=Count("id")).order_by()
        ),
    )
    alerts = Alert.objects.open().for_clinic(clinic.pk)
    by_kind_level = list(alerts.values_list("kind", "level").annotate(n=Count("id")).order_by())
    counts: dict[str, int] = {}
    levels: dict[str, int] = {}
    for kind, level, n in by_kind_level:
        counts[kind] = counts.get(kind, 0) + n
        if kind != AlertKind.ASSESSMENT_DUE:
            levels[level] = levels.get(level, 0) + n

    critical: list[Alert] = []
    due: list[Alert] = []
    screens: list[DueRow] = []
    courses_due: list[tuple[Any, str, dt.date]] = []
    if clinical:
        critical = list(
            alerts.filter(level=AlertLevel.CRITICAL).select_related("patient").only(*_CRITICAL_FIELDS).most_urgent_first()
        )
        due = list(
            alerts.filter(kind=AlertKind.ASSESSMENT_DUE)
            .exclude(level=AlertLevel.CRITICAL)
            .select_related("patient")
            .only(*_ALERT_FIELDS)
            .order_by("raised_at", "id")[:LIST_LIMIT]
        )
        config = site_config(clinic.pk)  # keyed by the profile in force: a settings change is seen at once
        profile = hashlib.sha256(repr(config).encode()).hexdigest()[:16]
        screens = _summary(
            f"ktrd:dashboard:screens-due:{clinic.pk}:{today.isoformat()}:{profile}",
            lambda: screens_due_list(clinic.pk, today=today, config=config),
        )
        courses_due = _summary(
            f"ktrd:dashboard:courses-due:{clinic.pk}:{today.isoformat()}", lambda: _courses_due(clinic.pk, today)
        )
    record(actor, "read", object_type="dashboard", object_id=str(today))
    return Dashboard(
        today=today,
        clinical=clinical,
        identified=identified,
        can_chart=can(user, "session.view"),
        critical_alerts=critical,
        other_alert_levels=[
            (level.value, levels[level.value])
            for level in AlertLevel.descending()
            if level != AlertLevel.CRITICAL and levels.get(level.value)
        ],
        alert_level_counts=[
            (level.value, levels[level.value]) for level in AlertLevel.descending() if levels.get(level)
        ],
        open_alert_total=sum(levels.values()),
        open_alert_counts=counts,
        sessions_count=sessions_count,
        chairs=_chairs(sessions),
        screens_due=screens[:LIST_LIMIT],
        screens_due_total=len(screens),
        rems_due=rems_due,
        rems_due_count=rems_counts["total"],
        rems_overdue_count=rems_counts["overdue"],
        reviews_due=courses_due[:LIST_LIMIT],
        reviews_due_total=len(courses_due),
        assessments_due=due,
        assessments_due_total=counts.get(AlertKind.ASSESSMENT_DUE.value, 0),
        phase_counts={k: n for k, n in phase_counts.items() if k in Phase.values},
        outcome_alert_counts={k.value: counts.get(k.value, 0) for k in OUTCOME_KINDS},
    )
