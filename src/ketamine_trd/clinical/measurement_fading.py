"""The fading-benefit (tachyphylaxis) signal: a platform-defined rule, labelled as such.

No published definition of ketamine tachyphylaxis exists (instruments-and-outcomes.md §2b).
The platform's proposal: after a response, the interval between maintenance sessions has to
shrink, or the dose rise, to hold the response. A *change* is a maintenance interval shorter
than the one before by at least ``fading_min_interval_drop_days``, or a dose higher than the one
before; ``fading_changes`` changes within ``fading_window_days`` raise the signal (default: 2
within 182 days). Doses marked ``induction`` are ignored; unmarked doses after the first
response count as maintenance.

>>> import datetime as dt
>>> from ketamine_trd.clinical.measurement_rules import OutcomeConfig
>>> from ketamine_trd.clinical.measurement_timeline import DoseRecord
>>> d0 = dt.date(2026, 1, 1)
>>> days = [0, 14, 28, 38, 45]
>>> doses = [DoseRecord(d0 + dt.timedelta(days=n), 56, "maintenance") for n in days]
>>> [e.date.isoformat() for e in fading_benefit_events(doses, d0, "madrs", OutcomeConfig())]
['2026-02-15']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ketamine_trd.clinical.measurement_events import OutcomeEvent
from ketamine_trd.clinical.measurement_rules import OutcomeConfig
from ketamine_trd.clinical.measurement_timeline import DoseRecord

__all__ = ["fading_benefit_events"]


def _changes(doses: Sequence[DoseRecord], drop_days: int) -> list[tuple[dt.date, str]]:
    found: list[tuple[dt.date, str]] = []
    for k in range(1, len(doses)):
        prev, cur = doses[k - 1], doses[k]
        if cur.dose_mg is not None and prev.dose_mg is not None and cur.dose_mg > prev.dose_mg:
            found.append((cur.date, f"dose rose {prev.dose_mg:g} -> {cur.dose_mg:g} mg"))
        if k >= 2:
            before = (prev.date - doses[k - 2].date).days
            now = (cur.date - prev.date).days
            if now <= before - drop_days:
                found.append((cur.date, f"interval shortened {before} -> {now} days"))
    return found


def fading_benefit_events(
    doses: Sequence[DoseRecord], responded_on: dt.date, instrument: str, config: OutcomeConfig
) -> list[OutcomeEvent]:
    """Fading-benefit signals among the maintenance doses after the first response (date order)."""
    maintenance = sorted((d for d in doses if d.phase != "induction" and d.date >= responded_on), key=lambda d: d.date)
    changes = _changes(maintenance, config.fading_min_interval_drop_days)
    events: list[OutcomeEvent] = []
    window = dt.timedelta(days=config.fading_window_days)
    start = 0
    for k, (date, _) in enumerate(changes):
        recent = [c for c in changes[start : k + 1] if c[0] > date - window]
        if len(recent) >= config.fading_changes:
            events.append(
                OutcomeEvent.make(
                    "fading_benefit_signal",
                    date,
                    instrument,
                    definition=(
                        f"{config.fading_changes} shortenings of the maintenance interval (by >= "
                        f"{config.fading_min_interval_drop_days} days) or dose rises within "
                        f"{config.fading_window_days} days after a response"
                    ),
                    source="platform-defined",
                    data={"changes": [f"{d.isoformat()}: {what}" for d, what in recent]},
                )
            )
            start = k + 1  # a new signal needs new changes
    return events
