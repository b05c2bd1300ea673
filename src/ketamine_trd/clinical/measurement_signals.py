"""Long-term safety signals, one function per rule; each signal says its rule, source and data.

Rules (all margins are site configuration; see ``surveillance.SurveillanceConfig``):

- ``dose_escalation_without_reason``: a dose higher than the previous one with no recorded
  reason (a misuse signal; platform-defined).
- ``early_session_requests``: the patient asked for earlier sessions ``n`` times within a window
  (a misuse or fading-benefit signal; platform-defined).
- ``session_frequency_rising``: more maintenance sessions in the last 30 days than in the 30
  days before, by the margin (platform-defined).
- ``bladder_index_rising``: ICSI or ICPI risen by the margin over the first score (platform-defined
  margin; the label asks to monitor urinary symptoms, S1).
- ``cognitive_decline``: MoCA fallen by the margin from the first score (platform-defined), or
  fallen below the published cut-off of 26 (nasreddine-2005).
- ``predose_bp_rising``: mean pre-dose systolic of the last sessions above the mean of the
  first sessions by the margin (platform-defined).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from ketamine_trd.clinical.measurement_timeline import Assessment, DoseRecord
from ketamine_trd.clinical.sources import PLATFORM_DEFINED

__all__ = [
    "SafetySignal",
    "bladder_signals",
    "bp_signals",
    "cognitive_signals",
    "early_request_signals",
    "escalation_signals",
    "frequency_signals",
]


@dataclass(frozen=True, slots=True)
class SafetySignal:
    """A long-term safety signal: type, date, a sentence, the rule, its source and the data."""

    type: str
    date: dt.date
    message: str
    rule: str
    source: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def platform_defined(self) -> bool:
        return self.source == PLATFORM_DEFINED

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "date": self.date.isoformat(),
            "message": self.message,
            "rule": self.rule,
            "source": self.source,
            "platform_defined": self.platform_defined,
            "data": dict(self.data),
        }


def _signal(kind: str, date: dt.date, message: str, source: str, data: Mapping[str, Any]) -> SafetySignal:
    text = f"{message} (platform-defined rule)" if source == PLATFORM_DEFINED else message
    return SafetySignal(kind, date, text, f"surveillance.{kind}", source, dict(data))


def escalation_signals(doses: Sequence[DoseRecord]) -> tuple[list[SafetySignal], int]:
    """Signals for dose rises without a recorded reason, and the count of all dose rises.

    >>> d = dt.date(2026, 1, 1)
    >>> later = DoseRecord(d + dt.timedelta(days=3), 84, escalation_reason="response insufficient")
    >>> sig, n = escalation_signals([DoseRecord(d, 56), later])
    >>> (len(sig), n)
    (0, 1)
    """
    signals: list[SafetySignal] = []
    count = 0
    known = [d for d in doses if d.dose_mg is not None]
    for prev, cur in zip(known, known[1:], strict=False):
        assert prev.dose_mg is not None and cur.dose_mg is not None
        if cur.dose_mg > prev.dose_mg:
            count += 1
            if not cur.escalation_reason:
                signals.append(
                    _signal(
                        "dose_escalation_without_reason",
                        cur.date,
                        f"Dose rose from {prev.dose_mg:g} to {cur.dose_mg:g} mg with no recorded reason.",
                        PLATFORM_DEFINED,
                        {"previous_date": prev.date.isoformat(), "previous_mg": prev.dose_mg, "dose_mg": cur.dose_mg},
                    )
                )
    return signals, count


def early_request_signals(doses: Sequence[DoseRecord], n: int, window_days: int) -> list[SafetySignal]:
    """One signal when ``n`` early-session requests fall within ``window_days`` (then counting restarts)."""
    requests = [d.date for d in doses if d.early_request]
    signals: list[SafetySignal] = []
    start = 0
    for k, date in enumerate(requests):
        recent = [r for r in requests[start : k + 1] if (date - r).days < window_days]
        if len(recent) >= n:
            signals.append(
                _signal(
                    "early_session_requests",
                    date,
                    f"{len(recent)} requests for earlier sessions within {window_days} days.",
                    PLATFORM_DEFINED,
                    {"request_dates": [r.isoformat() for r in recent]},
                )
            )
            start = k + 1
    return signals


def frequency_signals(doses: Sequence[DoseRecord], today: dt.date, margin: int) -> list[SafetySignal]:
    """Maintenance sessions in the 30 days ending ``today`` exceed those of the 30 days before by ``margin``."""
    maintenance = [d.date for d in doses if d.phase == "maintenance"]
    recent = sum(1 for d in maintenance if (today - d).days < 30)
    before = sum(1 for d in maintenance if 30 <= (today - d).days < 60)
    if before == 0 or recent - before < margin:
        return []
    return [
        _signal(
            "session_frequency_rising",
            today,
            f"{recent} maintenance sessions in the last 30 days against {before} in the 30 days before.",
            PLATFORM_DEFINED,
            {"last_30_days": recent, "previous_30_days": before},
        )
    ]


def _rise(scores: Sequence[Assessment], instrument: str) -> tuple[Assessment, Assessment] | None:
    mine = [a for a in scores if a.instrument == instrument]
    return (mine[0], mine[-1]) if len(mine) >= 2 else None


def bladder_signals(scores: Sequence[Assessment], margin: float) -> list[SafetySignal]:
    """ICSI/ICPI latest minus first score at least ``margin`` points."""
    signals: list[SafetySignal] = []
    for instrument in ("icsi", "icpi"):
        pair = _rise(scores, instrument)
        if pair and pair[1].total - pair[0].total >= margin:
            first, last = pair
            signals.append(
                _signal(
                    "bladder_index_rising",
                    last.date,
                    f"{instrument.upper()} rose from {first.total:g} to {last.total:g} (margin {margin:g}): "
                    "review urinary symptoms (ketamine uropathy).",
                    PLATFORM_DEFINED,
                    {"instrument": instrument, "first": [first.date.isoformat(), first.total], "latest": last.total},
                )
            )
    return signals


def cognitive_signals(scores: Sequence[Assessment], margin: float) -> list[SafetySignal]:
    """MoCA fall from the first score by ``margin``, or a fall below the cut-off of 26."""
    pair = _rise(scores, "moca")
    if pair is None:
        return []
    first, last = pair
    data = {"first": [first.date.isoformat(), first.total], "latest": last.total}
    signals: list[SafetySignal] = []
    if first.total - last.total >= margin:
        signals.append(
            _signal(
                "cognitive_decline",
                last.date,
                f"MoCA fell from {first.total:g} to {last.total:g} (margin {margin:g}).",
                PLATFORM_DEFINED,
                data,
            )
        )
    if first.total >= 26 > last.total:
        signals.append(
            _signal(
                "cognitive_below_cutoff",
                last.date,
                f"MoCA fell below the published cut-off of 26 ({first.total:g} -> {last.total:g}).",
                "nasreddine-2005",
                data,
            )
        )
    return signals


def bp_signals(doses: Sequence[DoseRecord], sessions: int, margin: float) -> list[SafetySignal]:
    """Mean pre-dose systolic of the last ``sessions`` minus that of the first ``sessions`` >= ``margin``."""
    readings = [(d.date, d.predose_systolic_mmhg) for d in doses if d.predose_systolic_mmhg is not None]
    if len(readings) < 2 * sessions:
        return []
    first = fmean(v for _, v in readings[:sessions])
    last = fmean(v for _, v in readings[-sessions:])
    if last - first < margin:
        return []
    return [
        _signal(
            "predose_bp_rising",
            readings[-1][0],
            f"Mean pre-dose systolic rose from {first:.0f} to {last:.0f} mmHg over {len(readings)} sessions.",
            PLATFORM_DEFINED,
            {"first_mean_mmhg": round(first, 1), "last_mean_mmhg": round(last, 1), "sessions": sessions},
        )
    ]
