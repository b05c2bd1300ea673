"""Each dosed session's critical events, judged by the monitoring core (for the progress report).

The same rules the chair sees (``clinical.monitoring.alerts.evaluate_monitoring``) are run over everything charted
in the session, as of the end of monitoring (or ``now`` while it runs): BP at or above the profile's limit, a BP
rise, SpO2 below the profile, moderate sedation or loss of consciousness, hypertensive-emergency symptoms,
respiratory depression, missed timed checks. Findings below ``warning`` (mild sedation, CADSS > 0) are routine
and left out; every recorded adverse event is listed with its severity. No check of its own is made here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinic.records.models import Session
from ketamine_trd.clinic.records.services import charting
from ketamine_trd.clinical.alert_vocabulary import AlertLevel
from ketamine_trd.clinical.monitoring.alerts import evaluate_monitoring
from ketamine_trd.errors import KtrdError

__all__ = ["SessionEvents", "session_critical_events"]


@dataclass(frozen=True, slots=True)
class SessionEvents:
    """One session's date, product and its findings as (level, sentence), most urgent first."""

    session_id: int
    dosed_at: dt.datetime
    product: str
    findings: tuple[tuple[AlertLevel, str], ...]


def _adverse_event_text(event: Any) -> str:
    kind = event.kind.replace("-", " ").replace("_", " ")
    severity = f", {event.get_severity_display().lower()}" if event.severity else ""
    serious = ", serious" if event.serious else ""
    resolved = "resolved" if event.resolved_at else "not resolved"
    details = f": {event.details}" if event.details else ""
    return f"Adverse event: {kind}{severity}{serious} ({resolved}){details}"


def _findings(session: Session, now: dt.datetime) -> tuple[tuple[AlertLevel, str], ...]:
    vitals, ratings = list(session.vitals.all()), list(session.ratings.all())
    events = list(session.adverse_events.all())
    assert session.dosed_at is not None  # nosec B101 - the query keeps dosed sessions only
    on = session.dosed_at.date()
    at = min(now, session.monitoring_completed_at) if session.monitoring_completed_at else now
    found: list[tuple[AlertLevel, str]] = []
    try:
        profile = charting.profile_for(session, on)
        obs = charting.observations(session, vitals, ratings, events, on=on)
        alerts = evaluate_monitoring(obs, session.course.product, profile, at)
    except KtrdError as error:  # a route without a monitoring profile: said, never guessed
        found.append((AlertLevel.WARNING, f"Not judged: {error}"))
        alerts = ()
    found += [(a.level, a.message) for a in alerts if a.level.rank >= AlertLevel.WARNING.rank]
    ae_level = {True: AlertLevel.HIGH, False: AlertLevel.INFO}
    found += [(ae_level[bool(e.serious or e.severity == "severe")], _adverse_event_text(e)) for e in events]
    return tuple(sorted(found, key=lambda f: -f[0].rank))


def session_critical_events(patient: Any, *, now: dt.datetime) -> list[SessionEvents]:
    """The patient's dosed sessions in time order, each with its findings (the caller reads and audits)."""
    rows = (
        Session.objects.filter(patient=patient, dosed_at__isnull=False)
        .select_related("course")
        .prefetch_related("vitals", "ratings", "adverse_events")
        .order_by("dosed_at", "id")
    )
    return [
        SessionEvents(s.pk, s.dosed_at, s.course.product, _findings(s, now))
        for s in rows
        if s.dosed_at is not None
    ]
