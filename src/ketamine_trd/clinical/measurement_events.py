"""Outcome events: what happened, when, by which rule, with its definition and source.

>>> import datetime as dt
>>> e = OutcomeEvent.make("loss_of_response", dt.date(2026, 3, 1), "madrs", definition="...", source="platform-defined")
>>> e.platform_defined, e.rule
(True, 'outcome.loss_of_response')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ketamine_trd.clinical.sources import PLATFORM_DEFINED
from ketamine_trd.errors import InputError

__all__ = ["EVENT_TYPES", "PLATFORM_LABEL", "OutcomeEvent"]

EVENT_TYPES = (
    "response",
    "early_response",
    "sustained_response",
    "remission",
    "sustained_remission",
    "relapse",
    "loss_of_response",
    "fading_benefit_signal",
)
PLATFORM_LABEL = "platform-defined: no published definition exists"


@dataclass(frozen=True, slots=True)
class OutcomeEvent:
    """One outcome event; ``platform_defined`` is True when no published definition backs the rule."""

    type: str
    date: dt.date
    instrument: str
    rule: str
    definition: str
    source: str
    platform_defined: bool
    threshold: float | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def make(
        cls,
        kind: str,
        date: dt.date,
        instrument: str,
        *,
        definition: str,
        source: str,
        threshold: float | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> OutcomeEvent:
        """Build an event; ``platform_defined`` follows from the source id."""
        if kind not in EVENT_TYPES:
            raise InputError("event.type", kind, ", ".join(EVENT_TYPES))
        platform = source == PLATFORM_DEFINED
        text = f"{definition} [{PLATFORM_LABEL}]" if platform else definition
        return cls(kind, date, instrument, f"outcome.{kind}", text, source, platform, threshold, dict(data or {}))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view: ``type``, ``date`` and the definition used."""
        return {
            "type": self.type,
            "date": self.date.isoformat(),
            "instrument": self.instrument,
            "rule": self.rule,
            "definition": self.definition,
            "threshold": self.threshold,
            "source": self.source,
            "platform_defined": self.platform_defined,
            "data": dict(self.data),
        }
