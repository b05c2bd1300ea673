"""The self-report schedule over a simulated 12-week course: the right requests on the right days."""

from __future__ import annotations

import datetime as dt

from ketamine_trd.clinical import self_report_schedule as rule

START = dt.date(2026, 1, 5)  # a Monday


def _simulate(risk_on: dt.date | None = None) -> list[tuple[dt.date, str]]:
    # induction: Mon and Thu for 4 weeks (8 sessions); maintenance from week 5 to week 12
    sessions = tuple(START + dt.timedelta(days=7 * w + d) for w in range(4) for d in (0, 3))
    maintenance_from = START + dt.timedelta(days=28)
    sent: list[tuple[dt.date, str]] = []
    for offset in range(84):
        today = START - dt.timedelta(days=2) + dt.timedelta(days=offset)
        phase = "induction" if today < maintenance_from else "maintenance"
        last = sent[-1][0] if sent else None
        risk = risk_on if risk_on and today >= risk_on else None
        for due in rule.due_requests(rule.ScheduleInput(phase, today, sessions, last, risk)):
            sent.append((today, due.reason))
    return sent


def test_one_request_before_each_induction_session_then_weekly() -> None:
    sent = _simulate()
    before = [d for d, r in sent if r == "before_session"]
    weekly = [d for d, r in sent if r == "maintenance_weekly"]
    assert len(before) == 8
    sessions = [START + dt.timedelta(days=7 * w + d) for w in range(4) for d in (0, 3)]
    for sent_on, session in zip(before, sessions, strict=True):
        assert 0 <= (session - sent_on).days <= rule.LEAD_DAYS
    assert len(weekly) == 8  # weeks 5-12 of the simulation window
    assert all((b - a).days == 7 for a, b in zip(weekly, weekly[1:], strict=False))


def test_risk_signal_sends_at_once_and_only_once() -> None:
    risk_day = START + dt.timedelta(days=45)
    sent = _simulate(risk_on=risk_day)
    risk = [d for d, r in sent if r == "risk_signal"]
    assert risk == [risk_day]


def test_no_requests_outside_treatment() -> None:
    for phase in ("evaluation", "ended"):
        assert rule.due_requests(rule.ScheduleInput(phase, START, (START,), None, START)) == ()
