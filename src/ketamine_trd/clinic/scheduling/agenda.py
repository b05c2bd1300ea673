"""A chair's day and week: its bookings in order, with the opening hours and closed days around them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.scheduling.calendar import calendar_of
from ketamine_trd.clinic.scheduling.models import Booking, Chair
from ketamine_trd.clinic.transactions import reading
from ketamine_trd.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class AgendaDay:
    """One local day of one chair: its opening hours in words ('' when closed), why it is closed, its bookings."""

    day: dt.date
    hours: str
    closed_reason: str
    bookings: tuple[Booking, ...]


@dataclass(frozen=True, slots=True)
class Agenda:
    """A chair's days (one for the day view, seven for the week view) and the other chairs to switch to."""

    chair: Chair
    chairs: tuple[Chair, ...]
    days: tuple[AgendaDay, ...]
    zone: str


def chair_agenda(actor: Actor, chair_id: int, first: dt.date, days: int, *, now: dt.datetime) -> Agenda:
    """The live bookings of one chair over ``days`` local days from ``first`` (a ``read``, audited)."""
    user = authorize(actor, "schedule.view")
    with reading():
        chair = Chair.objects.select_related("clinic").filter(pk=chair_id, clinic_id=user.clinic_id).first()
        if chair is None:
            raise NotFoundError(f"chair {chair_id} not found")
        calendar = calendar_of(chair.clinic)
        start, end = calendar.at(first, dt.time(0)), calendar.at(first + dt.timedelta(days=days), dt.time(0))
        live = Booking.objects.filter(chair=chair, starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
        rows = list(live.exclude(session__status="cancelled").select_related("session__patient", "session__course"))
        closed = calendar.closed_dates  # the scheduling settings' closed days and the site settings' closed dates
        chairs = tuple(Chair.objects.filter(clinic_id=user.clinic_id, active=True))
    out = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        hours = calendar.hours.get(day.weekday())
        reason = ("closed: " + (closed[day] or "closed day")) if day in closed else ("" if hours else "closed")
        shown = f"{hours[0]:%H:%M}-{hours[1]:%H:%M}" if hours and not reason else ""
        mine = tuple(b for b in rows if b.starts_at.astimezone(calendar.zone).date() == day)
        out.append(AgendaDay(day, shown, reason, mine))
    record(actor, "read", object_type="scheduling.agenda", object_id=str(chair.pk),
           detail=f"{first.isoformat()} +{days} days, {len(rows)} bookings", now=now)  # fmt: skip
    return Agenda(chair, chairs, tuple(out), str(calendar.zone))
