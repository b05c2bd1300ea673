"""The clinic's scheduling settings, edited by an admin: chairs and rooms, opening hours, closed days (audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.scheduling.models import Chair, ClosedDay, OpeningHours
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.inputs.scheduling import ChairInput, ClosedDayInput, HoursInput, clock_time
from ketamine_trd.clinical.scheduling import WEEKDAYS
from ketamine_trd.errors import ConflictError, InputError, NotFoundError


@dataclass(frozen=True, slots=True)
class SettingsPage:
    """Everything the settings page shows: chairs, hours by weekday index ('' when closed), closed days."""

    chairs: tuple[Chair, ...]
    hours: tuple[tuple[str, str, str], ...]
    closed_days: tuple[ClosedDay, ...]


def settings_page(actor: Actor, *, now: dt.datetime) -> SettingsPage:
    """The clinic's scheduling settings (no patient data: a ``read`` audited like any other)."""
    user = authorize(actor, "schedule.configure")
    with reading():
        chairs = tuple(Chair.objects.filter(clinic_id=user.clinic_id))
        rows = {h.weekday: h for h in OpeningHours.objects.filter(clinic_id=user.clinic_id)}
        hours = tuple((WEEKDAYS[d], f"{rows[d].opens:%H:%M}" if d in rows else "",
                       f"{rows[d].closes:%H:%M}" if d in rows else "") for d in range(7))  # fmt: skip
        closed = tuple(ClosedDay.objects.filter(clinic_id=user.clinic_id, day__gte=now.date() - dt.timedelta(days=31)))
    record(actor, "read", object_type="scheduling.settings", now=now)
    return SettingsPage(chairs, hours, closed)


def add_chair(actor: Actor, data: ChairInput, *, now: dt.datetime) -> Chair:
    """Add a chair or room (its name unique in the clinic)."""
    user = authorize(actor, "schedule.configure")
    with writing():
        if Chair.objects.filter(clinic_id=user.clinic_id, name=data.name).exists():
            raise InputError("name", data.name, "a name no other chair of this clinic has")
        chair = Chair.objects.create(clinic_id=user.clinic_id, name=data.name, kind=data.kind, created_at=now)
        record(actor, "create", obj=chair, changed_fields=("name", "kind"), now=now)
    return chair


def set_chair_active(actor: Actor, chair_id: int, active: bool, *, now: dt.datetime) -> Chair:
    """Take a chair out of service (no new bookings; its bookings stay) or back into it."""
    user = authorize(actor, "schedule.configure")
    with writing():
        chair = Chair.objects.select_for_update().filter(pk=chair_id, clinic_id=user.clinic_id).first()
        if chair is None:
            raise NotFoundError(f"chair {chair_id} not found")
        chair.active = active
        chair.save(update_fields=["active"])
        record(actor, "update", obj=chair, changed_fields=("active",), now=now)
    return chair


def set_hours(actor: Actor, week: list[HoursInput], *, now: dt.datetime) -> None:
    """Replace the opening hours of the week (a weekday left blank is closed; at least one must be open)."""
    user = authorize(actor, "schedule.configure")
    if not any(h.opens for h in week):
        raise InputError("opens", "", "opening hours on at least one weekday")
    with writing():
        OpeningHours.objects.filter(clinic_id=user.clinic_id).delete()
        OpeningHours.objects.bulk_create([
            OpeningHours(clinic_id=user.clinic_id, weekday=WEEKDAYS.index(h.weekday), opens=clock_time(h.opens),
                         closes=clock_time(h.closes)) for h in week if h.opens])  # fmt: skip
        shown = ", ".join(f"{h.weekday} {h.opens}-{h.closes}" for h in week if h.opens)
        record(actor, "update", object_type="scheduling.openinghours", object_id=str(user.clinic_id),
               changed_fields=("opens", "closes"), detail=shown[:500], now=now)  # fmt: skip


def add_closed_day(actor: Actor, data: ClosedDayInput, *, now: dt.datetime) -> ClosedDay:
    """Close the clinic on one date (booked sessions on it are shown as conflicts, never moved silently)."""
    user = authorize(actor, "schedule.configure")
    with writing():
        if ClosedDay.objects.filter(clinic_id=user.clinic_id, day=data.day).exists():
            raise ConflictError(f"{data.day.isoformat()} is already a closed day")
        closed = ClosedDay.objects.create(clinic_id=user.clinic_id, day=data.day, reason=data.reason)
        record(actor, "create", obj=closed, changed_fields=("day", "reason"), now=now)
    return closed


def remove_closed_day(actor: Actor, closed_id: int, *, now: dt.datetime) -> None:
    """Open the clinic again on a closed date."""
    user = authorize(actor, "schedule.configure")
    with writing():
        closed = ClosedDay.objects.filter(pk=closed_id, clinic_id=user.clinic_id).first()
        if closed is None:
            raise NotFoundError(f"closed day {closed_id} not found")
        record(actor, "delete", obj=closed, changed_fields=("day",), detail=closed.day.isoformat(), now=now)
        closed.delete()
