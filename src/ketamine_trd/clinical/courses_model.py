"""The course plan values shared by the planners, the PK/PD engine and the clinic application.

>>> import datetime as dt
>>> s = PlannedSession(1, dt.date(2026, 1, 5), "induction", 35.0, 0.5, 1)
>>> s.to_dict()["date"]
'2026-01-05'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

__all__ = ["RULE_VERSION", "CoursePlan", "PlannedSession"]

RULE_VERSION = "course-rules-1"


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One planned session: ``number`` (1-based), date, phase, dose in mg and/or mg/kg (IV), course week (1-based)."""

    number: int
    date: dt.date
    phase: str
    dose_mg: float | None
    mg_per_kg: float | None
    week: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "date": self.date.isoformat(),
            "weekday": self.date.strftime("%a"),
            "week": self.week,
            "phase": self.phase,
            "dose_mg": self.dose_mg,
            "mg_per_kg": self.mg_per_kg,
        }


@dataclass(frozen=True, slots=True)
class CoursePlan:
    """The calendar of a course: sessions, the end-of-induction review, reassessments and the rules used."""

    product: str
    indication: str
    sessions: tuple[PlannedSession, ...]
    end_of_induction_review: dt.date
    reassessment_dates: tuple[dt.date, ...]
    min_gap_days: int
    oral_antidepressant: str | None
    monotherapy: bool | None
    profile: str
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    rule_version: str = RULE_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "indication": self.indication,
            "sessions": [s.to_dict() for s in self.sessions],
            "end_of_induction_review": self.end_of_induction_review.isoformat(),
            "reassessment_dates": [d.isoformat() for d in self.reassessment_dates],
            "min_gap_days": self.min_gap_days,
            "oral_antidepressant": self.oral_antidepressant,
            "monotherapy": self.monotherapy,
            "profile": self.profile,
            "notes": list(self.notes),
            "sources": list(self.sources),
            "rule_version": self.rule_version,
        }


def reassessments(after: dt.date, until: dt.date, every_weeks: int) -> tuple[dt.date, ...]:
    """Dates every ``every_weeks`` weeks after ``after`` up to ``until`` (inclusive)."""
    out: list[dt.date] = []
    day = after + dt.timedelta(weeks=every_weeks)
    while day <= until:
        out.append(day)
        day += dt.timedelta(weeks=every_weeks)
    return tuple(out)
