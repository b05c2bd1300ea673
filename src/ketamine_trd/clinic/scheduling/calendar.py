"""The clinic's calendar as the core reads it: opening hours per weekday, closed days, local times to UTC.

A day is open when the scheduling settings give it opening hours and the site settings in force
(``clinic.site``: closed weekdays and closed dates) do not close it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from ketamine_trd.clinic.scheduling.models import ClosedDay, OpeningHours
from ketamine_trd.clinic.site.settings_service import closed_days_in_force
from ketamine_trd.clinical.scheduling import ClosedDays


@dataclass(frozen=True, slots=True)
class ClinicCalendar:
    """Opening hours by weekday (0 = Monday; absent: closed), closed dates, and the clinic's time zone."""

    hours: dict[int, tuple[dt.time, dt.time]]
    closed_dates: dict[dt.date, str]
    zone: zoneinfo.ZoneInfo
    site_closed_weekdays: frozenset[int] = frozenset()  # closed by the site settings (even with opening hours)

    def closed(self) -> ClosedDays:
        """The core's closed days: weekdays without hours (at most 6: a week with no open day keeps Monday open is
        refused by the core), and the closed dates."""
        return ClosedDays(weekdays=frozenset(d for d in range(7) if d not in self.hours),
                          dates=frozenset(self.closed_dates))  # fmt: skip

    def at(self, day: dt.date, clock: dt.time) -> dt.datetime:
        """The UTC instant of ``clock`` on ``day`` in the clinic's zone."""
        return dt.datetime.combine(day, clock, tzinfo=self.zone).astimezone(dt.UTC)

    def fits(self, start: dt.datetime, end: dt.datetime) -> str:
        """Why ``[start, end)`` is outside the opening hours ('' when it fits)."""
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        day = local_start.date()
        if day in self.closed_dates:
            return f"the clinic is closed on {day.isoformat()} ({self.closed_dates[day] or 'closed day'})"
        if day.weekday() in self.site_closed_weekdays:
            return f"the clinic is closed on {day.strftime('%A')}s (site settings)"
        if day.weekday() not in self.hours:
            return f"the clinic is closed on {day.strftime('%A')}s"
        opens, closes = self.hours[day.weekday()]
        if local_start.time() < opens or local_end.date() != day or local_end.time() > closes:
            return (f"{local_start:%H:%M}-{local_end:%H:%M} is outside the opening hours "
                    f"{opens:%H:%M}-{closes:%H:%M}")  # fmt: skip
        return ""


def calendar_of(clinic: object) -> ClinicCalendar:
    """The calendar of ``clinic`` (a Clinic row), read in the caller's transaction: the opening hours less the
    site settings' closed weekdays, the closed days and the site settings' closed dates."""
    clinic_id = clinic.pk  # type: ignore[attr-defined]
    number, site_closed = closed_days_in_force(clinic_id)
    words = f"closed in the site settings (version {number})" if number else "closed in the site settings"
    hours = {h.weekday: (h.opens, h.closes) for h in OpeningHours.objects.filter(clinic_id=clinic_id)
             if h.weekday not in site_closed.weekdays}  # fmt: skip
    closed = dict.fromkeys(site_closed.dates, words)
    closed |= {c.day: c.reason for c in ClosedDay.objects.filter(clinic_id=clinic_id)}
    zone = zoneinfo.ZoneInfo(clinic.time_zone)  # type: ignore[attr-defined]
    return ClinicCalendar(hours, closed, zone, site_closed.weekdays)
