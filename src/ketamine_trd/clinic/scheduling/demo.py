"""The demo clinic's chairs, hours, a closed day and a week of bookings (synthetic, through the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketamine_trd.clinic.records.models import Course, Phase
from ketamine_trd.clinic.scheduling import booking, config
from ketamine_trd.clinic.scheduling.calendar import calendar_of
from ketamine_trd.clinical.inputs.scheduling import ChairInput, ClosedDayInput, HoursInput
from ketamine_trd.clinical.scheduling import WEEKDAYS
from ketamine_trd.errors import ConflictError, InputError

CHAIRS = ("Chair 1", "Chair 2", "Chair 3", "Chair 4", "Quiet room")
#: the booking times the demo tries, in the clinic's zone (quarter hours from 08:00)
TIMES = tuple(dt.time(8 + q // 4, 15 * (q % 4)) for q in range(0, 32, 3))


def seed_scheduling(clinic: Any, staff: dict[str, Any], now: dt.datetime) -> int:
    """Chairs, Monday-Friday 08:00-18:00, a closed day in three weeks, and the planned sessions of the coming week of
    every active course booked in the first free chair and time (days with a session already are left alone)."""
    admin, desk = staff["admin"], staff["front_desk"]
    chairs = [config.add_chair(admin, ChairInput(name=n, kind="room" if "room" in n else "chair"), now=now)
              for n in CHAIRS]  # fmt: skip
    week = [HoursInput(weekday=w, opens="08:00" if i < 5 else "", closes="18:00" if i < 5 else "")
            for i, w in enumerate(WEEKDAYS)]  # fmt: skip
    config.set_hours(admin, week, now=now)
    calendar = calendar_of(clinic)
    today = now.astimezone(calendar.zone).date()
    closed = today + dt.timedelta(days=21)
    config.add_closed_day(admin, ClosedDayInput(day=closed, reason="Staff training (synthetic)"), now=now)
    made = 0
    for course in Course.objects.filter(patient__clinic=clinic, phase__in=(Phase.INDUCTION, Phase.MAINTENANCE)):
        taken = {s.astimezone(calendar.zone).date() for s in course.sessions.values_list("scheduled_at", flat=True)}
        for p in course.plan_data.get("sessions", []):
            day = dt.date.fromisoformat(p["date"])
            if not today < day <= today + dt.timedelta(days=7) or day in taken or calendar.closed().is_closed(day):
                continue
            made += _first_free(desk, course, p["number"], day, chairs, calendar, now)
    return made


def _first_free(desk: Any, course: Course, number: int, day: dt.date, chairs: list[Any], calendar: Any,
                now: dt.datetime) -> int:  # fmt: skip
    for clock in TIMES:
        for chair in chairs:
            try:
                booking.book_planned_session(desk, course.pk, number=number, chair_id=chair.pk,
                                             starts_at=calendar.at(day, clock), now=now)  # fmt: skip
            except (InputError, ConflictError):
                continue
            return 1
    return 0
