"""The treatment history: the episode, antidepressant trials, augmentations and ECT (the input of TRD staging).

The JSON shape is documented in ``docs/formats.md``. Every bad value is refused with an ``InputError``
naming the dotted field (``trials[1].daily_dose_mg``). An explicit ``null`` dose or duration means
"not known" and is kept as unknown; a missing ``daily_dose_mg`` key is refused.

>>> h = TreatmentHistory.from_dict({"episode": {"duration_months": 18, "severity": "severe"},
...     "trials": [{"drug": "sertraline", "daily_dose_mg": 100, "weeks": 8, "improvement_percent": 10}]})
>>> h.trials[0].drug, h.trials[0].episode, h.episode.severity
('sertraline', 'current', 'severe')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinical._fields import (
    boolean,
    choice,
    dotted,
    mapping,
    number,
    refuse_unknown_keys,
    sequence,
)
from ketamine_trd.errors import InputError

__all__ = [
    "IMPROVEMENT_CATEGORIES",
    "SEVERITIES",
    "Augmentation",
    "Episode",
    "TreatmentHistory",
    "Trial",
]

SEVERITIES = ("subsyndromal", "mild", "moderate", "severe")
STOP_REASONS = ("inefficacy", "intolerance", "other", "ongoing")
ADHERENCE = ("good", "partial", "poor", "unknown")
DIAGNOSES = ("unipolar", "bipolar")
# Response classes of the MGH/ATRQ (S18): nonresponse <25%, partial 25-49%, response >=50%.
# Each category maps to the range of improvement percentages it stands for: [low, high).
IMPROVEMENT_CATEGORIES: Mapping[str, tuple[float, float]] = {
    "worse": (-1000.0, 0.0),
    "none": (-1000.0, 25.0),
    "nonresponse": (-1000.0, 25.0),
    "minimal": (0.0, 25.0),
    "partial": (25.0, 50.0),
    "response": (50.0, 100.01),
    "remission": (50.0, 100.01),
}


@dataclass(frozen=True, slots=True)
class Episode:
    """The current episode: duration in months, baseline severity, psychotic features, diagnosis."""

    duration_months: float
    severity: str
    psychotic_features: bool = False
    diagnosis: str = "unipolar"

    @classmethod
    def from_dict(cls, data: Any, prefix: str = "episode") -> Episode:
        d = mapping(data, prefix)
        refuse_unknown_keys(d, prefix, ("duration_months", "severity", "psychotic_features", "diagnosis"))
        return cls(
            duration_months=number(d, "duration_months", prefix, minimum=0, maximum=720, unit="months"),
            severity=choice(d, "severity", prefix, SEVERITIES),
            psychotic_features=bool(boolean(d, "psychotic_features", prefix, default=False)),
            diagnosis=choice(d, "diagnosis", prefix, DIAGNOSES, default="unipolar"),
        )


@dataclass(frozen=True, slots=True)
class Trial:
    """One antidepressant trial. ``None`` means "not known" (never read as adequate).

    ``improvement_percent`` is the percentage reduction in symptoms (negative: worse); ``improvement_category``
    one of :data:`IMPROVEMENT_CATEGORIES` when only a category is known.
    """

    drug: str
    daily_dose_mg: float | None
    weeks: float | None
    improvement_percent: float | None = None
    improvement_category: str | None = None
    stopped_for: str = "other"
    episode: str = "current"
    adherence: str = "unknown"

    @classmethod
    def from_dict(cls, data: Any, prefix: str) -> Trial:
        d = mapping(data, prefix)
        refuse_unknown_keys(
            d,
            prefix,
            ("drug", "daily_dose_mg", "weeks", "improvement_percent", "improvement_category", "stopped_for",
             "episode", "adherence"),
        )  # fmt: skip
        drug = d.get("drug")
        if not isinstance(drug, str) or not drug.strip():
            raise InputError(dotted(prefix, "drug"), drug, "a drug name (generic or brand)")
        if "daily_dose_mg" not in d:
            raise InputError(
                dotted(prefix, "daily_dose_mg"), None, "a dose in mg/day, or null when not known", reason="is missing"
            )
        return cls(
            drug=drug.strip(),
            daily_dose_mg=number(d, "daily_dose_mg", prefix, minimum=0.01, maximum=5000, unit="mg/day", nullable=True),
            weeks=number(d, "weeks", prefix, minimum=0, maximum=520, unit="weeks", default=None, nullable=True),
            improvement_percent=number(
                d, "improvement_percent", prefix, minimum=-1000, maximum=100, unit="%", default=None, nullable=True
            ),
            improvement_category=choice(d, "improvement_category", prefix, IMPROVEMENT_CATEGORIES, default=None),
            stopped_for=choice(d, "stopped_for", prefix, STOP_REASONS, default="other"),
            episode=choice(d, "episode", prefix, ("current", "past"), default="current"),
            adherence=choice(d, "adherence", prefix, ADHERENCE, default="unknown"),
        )

    def improvement_range(self) -> tuple[float, float] | None:
        """The improvement as a ``[low, high)`` percentage range, or ``None`` when not known."""
        if self.improvement_percent is not None:
            return (self.improvement_percent, self.improvement_percent)
        if self.improvement_category is not None:
            return IMPROVEMENT_CATEGORIES[self.improvement_category]
        return None


@dataclass(frozen=True, slots=True)
class Augmentation:
    """An augmentation agent (aripiprazole, lithium, ...) given for ``weeks`` (``None``: not known)."""

    agent: str
    weeks: float | None = None

    @classmethod
    def from_dict(cls, data: Any, prefix: str) -> Augmentation:
        d = mapping(data, prefix)
        refuse_unknown_keys(d, prefix, ("agent", "weeks", "episode"))
        agent = d.get("agent")
        if not isinstance(agent, str) or not agent.strip():
            raise InputError(dotted(prefix, "agent"), agent, "an agent name")
        weeks = number(d, "weeks", prefix, minimum=0, maximum=520, unit="weeks", default=None, nullable=True)
        return cls(agent=agent.strip().lower(), weeks=weeks)


@dataclass(frozen=True, slots=True)
class TreatmentHistory:
    """The whole history; ``ect_failed_bilateral`` is ``None`` when not stated (Thase-Rush stage V)."""

    episode: Episode
    trials: tuple[Trial, ...] = ()
    augmentations: tuple[Augmentation, ...] = ()
    ect_courses: int = 0
    ect_failed_bilateral: bool | None = None

    @classmethod
    def from_dict(cls, data: Any) -> TreatmentHistory:
        """Read the JSON shape of ``docs/formats.md``; ``InputError`` names the dotted field."""
        d = mapping(data, "")
        refuse_unknown_keys(d, "", ("episode", "trials", "augmentations", "ect_courses", "ect_failed_bilateral"))
        if "episode" not in d:
            raise InputError("episode", None, "an object with duration_months and severity", reason="is missing")
        ect = number(d, "ect_courses", "", minimum=0, maximum=100, unit="courses", default=0.0)
        if ect != int(ect):
            raise InputError("ect_courses", d["ect_courses"], "a whole number of courses")
        return cls(
            episode=Episode.from_dict(d["episode"]),
            trials=tuple(Trial.from_dict(t, dotted("trials", i)) for i, t in enumerate(sequence(d, "trials", ""))),
            augmentations=tuple(
                Augmentation.from_dict(a, dotted("augmentations", i))
                for i, a in enumerate(sequence(d, "augmentations", ""))
            ),
            ect_courses=int(ect),
            ect_failed_bilateral=boolean(d, "ect_failed_bilateral", ""),
        )
