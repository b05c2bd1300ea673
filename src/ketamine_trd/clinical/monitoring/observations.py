"""What a nurse charts during a session: vitals, MOAA/S and CADSS ratings, adverse events.

MOAA/S is a 0-5 point rating (5 alert, 0 no response to painful stimulus); CADSS totals are
0-92 for the 23-item version used in the esketamine programme and 0-24 for CADSS-6
(instruments-and-outcomes.md). Adverse-event kinds are a closed vocabulary so that rules can
match them; ``other`` takes free text.

>>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
>>> SedationRating(t0, moaas_score=4).moaas_score
4
>>> AdverseEvent(t0, "chest-pain").is_hypertensive_emergency_symptom
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinical.monitoring.vitals import VitalSigns
from ketamine_trd.clinical.monitoring.vocabulary import require_aware
from ketamine_trd.errors import InputError, UnknownTermError

__all__ = [
    "ADVERSE_EVENT_KINDS",
    "CADSS_MAX",
    "HYPERTENSIVE_EMERGENCY_SYMPTOMS",
    "AdverseEvent",
    "DissociationRating",
    "SedationRating",
    "SessionObservations",
]

#: Symptoms of hypertensive crisis or encephalopathy listed by the label: refer for emergency care (S1 p7).
HYPERTENSIVE_EMERGENCY_SYMPTOMS: frozenset[str] = frozenset(
    {
        "chest-pain",
        "shortness-of-breath",
        "sudden-severe-headache",
        "visual-disturbance",
        "seizure",
        "reduced-consciousness",
        "focal-neurological-deficit",
    }
)
#: The REMS monitors until these resolve (S6); the PMF asks about each (S8, S9).
REMS_EVENTS: frozenset[str] = frozenset({"sedation", "dissociation", "respiratory-depression"})
ADVERSE_EVENT_KINDS: frozenset[str] = (
    REMS_EVENTS
    | HYPERTENSIVE_EMERGENCY_SYMPTOMS
    | frozenset({"nausea", "vomiting", "dizziness", "vertigo", "headache", "anxiety", "other"})
)
#: Highest CADSS total by version: 23 items x 0-4, or CADSS-6 (6 items x 0-4).
CADSS_MAX: dict[str, int] = {"cadss-23": 92, "cadss-6": 24}


@dataclass(frozen=True, slots=True)
class SedationRating:
    """A MOAA/S rating (0-5) at ``rated_at``."""

    rated_at: dt.datetime
    moaas_score: int

    def __post_init__(self) -> None:
        require_aware("rated_at", self.rated_at)
        if (
            isinstance(self.moaas_score, bool)
            or not isinstance(self.moaas_score, int)
            or not 0 <= self.moaas_score <= 5
        ):
            raise InputError("moaas_score", self.moaas_score, "an integer 0 to 5 (MOAA/S)")


@dataclass(frozen=True, slots=True)
class DissociationRating:
    """A CADSS total at ``rated_at``; ``version`` is ``cadss-23`` (0-92) or ``cadss-6`` (0-24)."""

    rated_at: dt.datetime
    cadss_total: int
    version: str = "cadss-23"

    def __post_init__(self) -> None:
        require_aware("rated_at", self.rated_at)
        if self.version not in CADSS_MAX:
            raise UnknownTermError("version", self.version, ", ".join(CADSS_MAX))
        top = CADSS_MAX[self.version]
        if (
            isinstance(self.cadss_total, bool)
            or not isinstance(self.cadss_total, int)
            or not 0 <= self.cadss_total <= top
        ):
            raise InputError("cadss_total", self.cadss_total, f"an integer 0 to {top} ({self.version})")


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    """An adverse event noted at ``noted_at``; ``resolved_at`` is ``None`` while it lasts."""

    noted_at: dt.datetime
    kind: str
    resolved_at: dt.datetime | None = None
    details: str = ""

    def __post_init__(self) -> None:
        require_aware("noted_at", self.noted_at)
        if self.kind not in ADVERSE_EVENT_KINDS:
            raise UnknownTermError("kind", self.kind, ", ".join(sorted(ADVERSE_EVENT_KINDS)))
        if self.resolved_at is not None:
            require_aware("resolved_at", self.resolved_at)
            if self.resolved_at < self.noted_at:
                raise InputError("resolved_at", self.resolved_at.isoformat(), "at or after noted_at")
        if self.kind == "other" and not self.details.strip():
            raise InputError("details", self.details, "a description for an event of kind 'other'")

    @property
    def is_hypertensive_emergency_symptom(self) -> bool:
        """True for the label's hypertensive-crisis symptoms (S1 p7)."""
        return self.kind in HYPERTENSIVE_EMERGENCY_SYMPTOMS

    def open_at(self, now: dt.datetime) -> bool:
        """True when the event was noted by ``now`` and had not resolved by then."""
        return self.noted_at <= now and (self.resolved_at is None or self.resolved_at > now)


@dataclass(frozen=True, slots=True)
class SessionObservations:
    """Everything charted for one session; ``dosed_at`` is the first device or the infusion start.

    ``age_years`` selects age-specific limits (the trial hold at 65+, S10).
    """

    dosed_at: dt.datetime | None
    vitals: tuple[VitalSigns, ...] = ()
    sedation: tuple[SedationRating, ...] = ()
    dissociation: tuple[DissociationRating, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    age_years: int | None = None

    def __post_init__(self) -> None:
        if self.dosed_at is not None:
            require_aware("dosed_at", self.dosed_at)
        if self.age_years is not None and not 18 <= self.age_years <= 120:
            raise InputError("age_years", self.age_years, "18 to 120 years (adults)")

    def predose_vitals(self, window_minutes: int) -> VitalSigns | None:
        """The last reading within ``window_minutes`` before dosing (``None`` if absent or not dosed)."""
        if self.dosed_at is None:
            return None
        start = self.dosed_at - dt.timedelta(minutes=window_minutes)
        found = [v for v in self.vitals if start <= v.taken_at <= self.dosed_at]
        return max(found, key=lambda v: v.taken_at) if found else None

    def until(self, now: dt.datetime) -> SessionObservations:
        """The same observations, keeping only what was charted at or before ``now``."""
        return SessionObservations(
            dosed_at=self.dosed_at if self.dosed_at is not None and self.dosed_at <= now else None,
            vitals=tuple(v for v in self.vitals if v.taken_at <= now),
            sedation=tuple(r for r in self.sedation if r.rated_at <= now),
            dissociation=tuple(r for r in self.dissociation if r.rated_at <= now),
            adverse_events=tuple(e for e in self.adverse_events if e.noted_at <= now),
            age_years=self.age_years,
        )
