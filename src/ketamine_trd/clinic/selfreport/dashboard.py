"""The dashboard's self-report panel: completion over the last 30 days and what is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from ketamine_trd.clinic.access import authorize, can
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.selfreport.models import ReportLink
from ketamine_trd.clinical.self_report_schedule import REMIND_AFTER_HOURS

WINDOW_DAYS = 30  # site decision: the panel's window


@dataclass(frozen=True, slots=True)
class Panel:
    sent: int
    completed: int
    pending: int
    unanswered: int
    overdue: tuple[Any, ...]  # links (identified roles only)
    identified: bool

    @property
    def completion_pct(self) -> int:
        return round(100 * self.completed / self.sent) if self.sent else 0


def panel(actor: Any, *, now: dt.datetime) -> Panel:
    user = authorize(actor, "dashboard.view")
    links = ReportLink.objects.for_clinic(user.clinic_id).filter(created_at__gte=now - dt.timedelta(days=WINDOW_DAYS))
    late = now - dt.timedelta(hours=REMIND_AFTER_HOURS)
    open_q = Q(used_at__isnull=True, revoked_at__isnull=True)
    overdue_q = open_q & Q(created_at__lte=late)
    counts = links.aggregate(
        sent=Count("id"),
        completed=Count("id", filter=Q(used_at__isnull=False)),
        pending=Count("id", filter=open_q & Q(locked_at__isnull=True, expires_at__gt=now)),
        unanswered=Count("id", filter=overdue_q),
    )
    identified = can(actor, "measurement.view")
    overdue: tuple[Any, ...] = ()
    if identified and counts["unanswered"]:
        overdue = tuple(links.filter(overdue_q).select_related("patient").order_by("created_at")[:20])
        record(actor, "read", object_type="selfreport_overdue", detail=f"{len(overdue)} overdue questionnaires")
    return Panel(counts["sent"], counts["completed"], counts["pending"], counts["unanswered"], overdue, identified)
