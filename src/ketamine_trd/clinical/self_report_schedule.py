"""When a course's patient questionnaires are due: before each induction session, weekly in maintenance, and at
once on a relapse-risk signal (an open relapse, loss-of-response or fading-benefit alert of
``clinical.measurement_events`` / ``measurement_fading``, passed in as the day it was raised); and when to remind.

The cadence is the one issue 13 asks for; the lead time, the week and the reminder delay are **site decisions**
(no published source fixes them). Pure: dates in, requests out.

>>> import datetime as dt
>>> d = dt.date(2026, 3, 2)
>>> [r.reason for r in due_requests(ScheduleInput("induction", d, (d + dt.timedelta(days=1),), None, None))]
['before_session']
>>> due_requests(ScheduleInput("maintenance", d, (), d - dt.timedelta(days=3), None))
()
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "LEAD_DAYS",
    "MAINTENANCE_EVERY_DAYS",
    "REMIND_AFTER_HOURS",
    "DueRequest",
    "ScheduleInput",
    "due_requests",
    "needs_reminder",
]

#: send the pre-session questionnaire this many days before an induction session (site decision)
LEAD_DAYS = 2
#: in maintenance, one questionnaire set a week (site decision, issue 13)
MAINTENANCE_EVERY_DAYS = 7
#: remind once when a sent link is still unanswered after this long (site decision)
REMIND_AFTER_HOURS = 24
#: what the schedule sends: PHQ-9 (item 9 is the safety item) and GAD-7, both free to reproduce (site decision)
DEFAULT_SET: tuple[str, ...] = ("phq9", "gad7")


@dataclass(frozen=True, slots=True)
class ScheduleInput:
    """One course on one day: its phase, the dates of its planned sessions, the last request sent, a risk signal."""

    phase: str
    today: dt.date
    planned_sessions: tuple[dt.date, ...]
    last_sent_on: dt.date | None
    risk_signal_on: dt.date | None


@dataclass(frozen=True, slots=True)
class DueRequest:
    """A questionnaire set to send now, why, and the day it should be answered by."""

    reason: str
    answer_by: dt.date
    instrument_ids: tuple[str, ...] = DEFAULT_SET


def due_requests(s: ScheduleInput) -> tuple[DueRequest, ...]:
    """At most one request for today: a risk signal first, then the next induction session, then the week.

    >>> d = dt.date(2026, 3, 2)
    >>> due_requests(ScheduleInput("maintenance", d, (), d - dt.timedelta(days=7), None))[0].reason
    'maintenance_weekly'
    >>> due_requests(ScheduleInput("maintenance", d, (), d - dt.timedelta(days=1), d))[0].reason
    'risk_signal'
    >>> due_requests(ScheduleInput("ended", d, (), None, d))
    ()
    """
    if s.phase not in ("induction", "maintenance"):
        return ()
    sent = s.last_sent_on
    if s.risk_signal_on is not None and (sent is None or sent < s.risk_signal_on):
        return (DueRequest("risk_signal", s.today),)
    if s.phase == "induction":
        upcoming = sorted(d for d in s.planned_sessions if s.today <= d <= s.today + dt.timedelta(days=LEAD_DAYS))
        if upcoming and (sent is None or sent < upcoming[0] - dt.timedelta(days=LEAD_DAYS)):
            return (DueRequest("before_session", upcoming[0]),)
        return ()
    if sent is None or (s.today - sent).days >= MAINTENANCE_EVERY_DAYS:
        return (DueRequest("maintenance_weekly", s.today + dt.timedelta(days=3)),)
    return ()


def needs_reminder(sent_at: dt.datetime, now: dt.datetime, expires_at: dt.datetime, reminded: bool) -> bool:
    """True once for a sent, unanswered, unexpired link after ``REMIND_AFTER_HOURS``.

    >>> t = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    >>> needs_reminder(t, t + dt.timedelta(hours=25), t + dt.timedelta(hours=72), False)
    True
    >>> needs_reminder(t, t + dt.timedelta(hours=25), t + dt.timedelta(hours=72), True)
    False
    """
    return not reminded and now < expires_at and now - sent_at >= dt.timedelta(hours=REMIND_AFTER_HOURS)
