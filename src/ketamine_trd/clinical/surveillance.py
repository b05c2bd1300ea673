"""Long-term safety surveillance: exposure, periodic screens due, and safety signals.

Across months of maintenance the long-term worries (bladder, cognition, liver, dependence,
blood pressure) need watching (protocols-and-monitoring.md §5). No guideline fixes the screen
intervals or the signal margins (monitoring intervals are NF), so they live in a named,
versioned :class:`SurveillanceConfig` (``site-configuration``), and every signal whose rule no
publication defines says ``platform-defined``. Each signal carries its rule, its source and the
data behind it. The core never reads the clock: ``today`` is a parameter.

>>> import datetime as dt
>>> d = dt.date(2026, 1, 1)
>>> doses = [DoseRecord(d, 56), DoseRecord(d + dt.timedelta(days=7), 84)]
>>> r = survey(doses, [], today=d + dt.timedelta(days=10))
>>> r.cumulative_mg, r.sessions_last_30_days, [s.type for s in r.signals]
(140.0, 2, ['dose_escalation_without_reason'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ketamine_trd.clinical.measurement_signals import (
    SafetySignal,
    bladder_signals,
    bp_signals,
    cognitive_signals,
    early_request_signals,
    escalation_signals,
    frequency_signals,
)
from ketamine_trd.clinical.measurement_timeline import Assessment, DoseRecord, ScreenRecord
from ketamine_trd.errors import InputError

__all__ = [
    "DEFAULT_SCREEN_OVERDUE_GRACE_DAYS",
    "DoseRecord",
    "SafetySignal",
    "ScreenDue",
    "SurveillanceConfig",
    "SurveillanceReport",
    "screens_due",
    "survey",
]

#: Which instruments (or screen records) count as each periodic screen.
SCREEN_SOURCES: dict[str, tuple[str, ...]] = {
    "bladder": ("icsi", "icpi"),
    "cognitive": ("moca",),
    "liver_enzymes": (),
    "blood_pressure_review": (),
}

#: site decision (no source sets a grace; source "site-configuration"): days a screen may be overdue before it is
#: a warning on the worklist rather than a row of the due list
DEFAULT_SCREEN_OVERDUE_GRACE_DAYS = 14


@dataclass(frozen=True, slots=True)
class SurveillanceConfig:
    """Site-configured intervals and margins (none is published; the defaults are placeholders).

    Every report made with ``placeholder=True`` (the shipped default) says so in its notes.

    Intervals in days per screen, counted from the first dose of the first course for a screen never done,
    else from the last one done; ``screen_overdue_grace_days`` (site decision): how many days a screen may be
    overdue before it becomes a warning on the alert worklist (until then it is on the due list only);
    ``bladder_rise_points`` (ICSI/ICPI rise from the first score),
    ``cognitive_fall_points`` (MoCA fall from the first score), ``bp_rise_mmhg`` (mean of the last
    ``bp_sessions`` pre-dose systolic values over the mean of the first ones), ``early_requests``
    within ``early_request_window_days``; ``frequency_rise_sessions`` (more maintenance sessions in
    the last 30 days than in the 30 days before).
    """

    name: str = "site-default-2026.1"
    version: str = "2026.1"
    bladder_interval_days: int = 90
    cognitive_interval_days: int = 180
    liver_enzymes_interval_days: int = 180
    blood_pressure_review_interval_days: int = 30
    screen_overdue_grace_days: int = DEFAULT_SCREEN_OVERDUE_GRACE_DAYS
    bladder_rise_points: float = 4.0
    cognitive_fall_points: float = 2.0
    bp_sessions: int = 3
    bp_rise_mmhg: float = 10.0
    early_requests: int = 2
    early_request_window_days: int = 90
    frequency_rise_sessions: int = 2
    placeholder: bool = True  # the shipped values are not published (NF); a site's own profile sets False

    def __post_init__(self) -> None:
        for name in (
            "bladder_interval_days",
            "cognitive_interval_days",
            "liver_enzymes_interval_days",
            "blood_pressure_review_interval_days",
            "bp_sessions",
            "early_requests",
            "early_request_window_days",
            "frequency_rise_sessions",
        ):
            if getattr(self, name) < 1:
                raise InputError(f"surveillance.{name}", getattr(self, name), "a whole number of at least 1")
        if self.screen_overdue_grace_days < 0:
            raise InputError(
                "surveillance.screen_overdue_grace_days",
                self.screen_overdue_grace_days,
                "a whole number of days, 0 or more",
            )
        for name in ("bladder_rise_points", "cognitive_fall_points", "bp_rise_mmhg"):
            if getattr(self, name) <= 0:
                raise InputError(f"surveillance.{name}", getattr(self, name), "a positive number")

    def interval(self, screen: str) -> int:
        value: int = getattr(self, f"{screen}_interval_days")
        return value


@dataclass(frozen=True, slots=True)
class ScreenDue:
    """A periodic screen and the date it is due (``overdue`` when that date is before ``today``).

    ``days_overdue`` counts days since ``date`` (0 when not overdue); ``warning`` is true once the screen is
    overdue by more than the profile's grace (``screen_overdue_grace_days``, a site decision).
    """

    screen: str
    date: dt.date
    last_done: dt.date | None
    interval_days: int
    overdue: bool
    source: str = "site-configuration"
    days_overdue: int = 0
    warning: bool = False


@dataclass(frozen=True, slots=True)
class SurveillanceReport:
    """Exposure, screens due and signals on ``today`` (``ktrd safety`` contract via ``to_dict``)."""

    today: dt.date
    cumulative_mg: float
    doses_without_mg: int
    sessions_total: int
    sessions_last_30_days: int
    sessions_last_90_days: int
    dose_escalations: int
    signals: tuple[SafetySignal, ...]
    due: tuple[ScreenDue, ...]
    profile: str
    profile_version: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {
            "today": self.today.isoformat(),
            "cumulative_mg": self.cumulative_mg,
            "doses_without_mg": self.doses_without_mg,
            "sessions_total": self.sessions_total,
            "sessions_last_30_days": self.sessions_last_30_days,
            "sessions_last_90_days": self.sessions_last_90_days,
            "dose_escalations": self.dose_escalations,
            "signals": [s.to_dict() for s in self.signals],
            "due": [
                {
                    "screen": d.screen,
                    "date": d.date.isoformat(),
                    "last_done": d.last_done.isoformat() if d.last_done else None,
                    "interval_days": d.interval_days,
                    "overdue": d.overdue,
                    "days_overdue": d.days_overdue,
                    "warning": d.warning,
                    "source": d.source,
                }
                for d in self.due
            ],
            "profile": self.profile,
            "profile_version": self.profile_version,
            "notes": list(self.notes),
        }


def _due(
    doses: Sequence[DoseRecord],
    assessments: Sequence[Assessment],
    screens: Sequence[ScreenRecord],
    today: dt.date,
    config: SurveillanceConfig,
) -> tuple[ScreenDue, ...]:
    """Each screen's due date: ``interval`` days after the last one done, or after the first dose (``doses`` are
    sorted, so ``doses[0]`` is the first dose of the first course) when it was never done."""
    out: list[ScreenDue] = []
    start = doses[0].date if doses else today
    for screen, instrument_ids in SCREEN_SOURCES.items():
        done = [a.date for a in assessments if a.instrument in instrument_ids]
        done += [s.date for s in screens if s.screen == screen]
        last = max((d for d in done if d <= today), default=None)
        interval = config.interval(screen)
        due = (last or start) + dt.timedelta(days=interval)
        late = max(0, (today - due).days)
        warning = late > config.screen_overdue_grace_days
        out.append(ScreenDue(screen, due, last, interval, late > 0, days_overdue=late, warning=warning))
    return tuple(out)


def screens_due(
    doses: Iterable[DoseRecord],
    assessments: Iterable[Assessment],
    today: dt.date,
    config: SurveillanceConfig | None = None,
    *,
    screens: Iterable[ScreenRecord] = (),
) -> tuple[ScreenDue, ...]:
    """Every periodic screen with its due date on ``today`` (none before the first dose).

    A screen never done is due ``interval`` days after the first dose of the first course; after that,
    ``interval`` days after the last one done. On day 1 of a first course nothing is due, let alone overdue.

    >>> d = dt.date(2026, 1, 5)
    >>> due = screens_due([DoseRecord(d, 56)], [], today=d)
    >>> [(s.screen, s.date.isoformat(), s.overdue) for s in due][:2]
    [('bladder', '2026-04-05', False), ('cognitive', '2026-07-04', False)]
    >>> late = screens_due([DoseRecord(d, 56)], [], today=d + dt.timedelta(days=120))[0]
    >>> late.days_overdue, late.warning
    (30, True)
    """
    cfg = config or SurveillanceConfig()
    dose_list = sorted((d for d in doses if d.date <= today), key=lambda d: d.date)
    if not dose_list:
        return ()
    scores = [a for a in assessments if a.date <= today]
    return _due(dose_list, scores, [s for s in screens if s.date <= today], today, cfg)


def _sessions_within(doses: Sequence[DoseRecord], today: dt.date, days: int) -> int:
    since = today - dt.timedelta(days=days)
    return sum(1 for d in doses if since < d.date <= today)


def survey(
    doses: Iterable[DoseRecord],
    assessments: Iterable[Assessment],
    today: dt.date,
    config: SurveillanceConfig | None = None,
    *,
    screens: Iterable[ScreenRecord] = (),
) -> SurveillanceReport:
    """Survey a patient's dose history and assessments on ``today`` (records after ``today`` are ignored)."""
    cfg = config or SurveillanceConfig()
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise InputError("today", today, "a date")
    dose_list = sorted((d for d in doses if d.date <= today), key=lambda d: d.date)
    scores = sorted((a for a in assessments if a.date <= today), key=lambda a: a.date)
    screen_list = [s for s in screens if s.date <= today]
    notes: list[str] = []
    if cfg.placeholder:
        notes.append(
            f"Screen intervals and signal margins of profile {cfg.name} are placeholders, not published values "
            "(monitoring intervals are NF): the site should set its own."
        )
    missing_mg = sum(1 for d in dose_list if d.dose_mg is None)
    if missing_mg:
        notes.append(f"{missing_mg} dose(s) without dose_mg: cumulative exposure is a lower bound.")
    escalation, n_escalations = escalation_signals(dose_list)
    signals = [
        *escalation,
        *early_request_signals(dose_list, cfg.early_requests, cfg.early_request_window_days),
        *frequency_signals(dose_list, today, cfg.frequency_rise_sessions),
        *bladder_signals(scores, cfg.bladder_rise_points),
        *cognitive_signals(scores, cfg.cognitive_fall_points),
        *bp_signals(dose_list, cfg.bp_sessions, cfg.bp_rise_mmhg),
    ]
    signals.sort(key=lambda s: s.date)
    return SurveillanceReport(
        today=today,
        cumulative_mg=float(sum(d.dose_mg for d in dose_list if d.dose_mg is not None)),
        doses_without_mg=missing_mg,
        sessions_total=len(dose_list),
        sessions_last_30_days=_sessions_within(dose_list, today, 30),
        sessions_last_90_days=_sessions_within(dose_list, today, 90),
        dose_escalations=n_escalations,
        signals=tuple(signals),
        due=_due(dose_list, scores, screen_list, today, cfg),
        profile=cfg.name,
        profile_version=cfg.version,
        notes=tuple(notes),
    )
