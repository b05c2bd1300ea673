"""Outcomes over a patient's timeline: baseline, response, remission, relapse, fading benefit.

Input: dated totals of one instrument and dated doses (and any recorded relapse events).
Output: an :class:`OutcomeReport` of values and :class:`OutcomeEvent`s; each event carries the
rule, the definition in words, the threshold, its source and ``platform_defined``. Nothing is
raised for a clinical outcome; only bad input raises ``InputError``.

Event types: ``response`` (>= 50% reduction from baseline), ``remission`` (the scale's cut-off),
``early_response`` (response on day 2), ``sustained_response`` / ``sustained_remission``
(on consecutive assessments), ``relapse`` (after response or remission: the scale's relapse
threshold on 2 consecutive assessments within the allowed gap, or a recorded relapse event),
``loss_of_response`` and ``fading_benefit_signal`` (platform-defined: no published definition).
An event is dated on the day its rule is met (for a score pair, the second assessment).

>>> import datetime as dt
>>> d = dt.date(2026, 1, 1)
>>> scores = [Assessment(d, 34, "madrs"), Assessment(d + dt.timedelta(days=28), 10, "madrs")]
>>> report = evaluate_outcomes(scores, [DoseRecord(d, 56)], "madrs")
>>> report.percent_change, report.response, report.remission, [e.type for e in report.events]
(-70.6, True, True, ['response', 'remission'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.inputs.fields import Number
from ketamine_trd.clinical.measurement_events import OutcomeEvent
from ketamine_trd.clinical.measurement_fading import fading_benefit_events
from ketamine_trd.clinical.measurement_rules import OutcomeConfig, RelapseRule, relapse_rule, remission_rule
from ketamine_trd.clinical.measurement_timeline import Assessment, DoseRecord, RelapseEvent
from ketamine_trd.errors import InputError

__all__ = [
    "Assessment",
    "DoseRecord",
    "OutcomeConfig",
    "OutcomeEvent",
    "OutcomeReport",
    "RelapseEvent",
    "evaluate_outcomes",
]


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    """The outcome of one instrument over a timeline (``ktrd outcomes`` contract via ``to_dict``)."""

    instrument: str
    baseline: float | None
    baseline_date: dt.date | None
    latest: float | None
    latest_date: dt.date | None
    change: float | None
    percent_change: float | None
    response: bool
    remission: bool
    remission_threshold: float | None
    remission_comparator: str | None
    remission_source: str | None
    response_threshold: float | None
    relapse_rule: str | None
    events: tuple[OutcomeEvent, ...]
    days_to_response: int | None
    sessions_to_response: int | None
    days_to_remission: int | None
    sessions_to_remission: int | None
    durability_days: int | None
    profile: str
    profile_version: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view; events as ``{type, date, ...}`` with their definitions."""
        return {
            "instrument": self.instrument,
            "baseline": self.baseline,
            "baseline_date": self.baseline_date.isoformat() if self.baseline_date else None,
            "latest": self.latest,
            "latest_date": self.latest_date.isoformat() if self.latest_date else None,
            "change": self.change,
            "percent_change": self.percent_change,
            "response": self.response,
            "remission": self.remission,
            "remission_threshold": self.remission_threshold,
            "remission_comparator": self.remission_comparator,
            "remission_source": self.remission_source,
            "response_threshold": self.response_threshold,
            "relapse_rule": self.relapse_rule,
            "events": [e.to_dict() for e in self.events],
            "days_to_response": self.days_to_response,
            "sessions_to_response": self.sessions_to_response,
            "days_to_remission": self.days_to_remission,
            "sessions_to_remission": self.sessions_to_remission,
            "durability_days": self.durability_days,
            "profile": self.profile,
            "profile_version": self.profile_version,
            "notes": list(self.notes),
        }


def _before_dose(score: Assessment, first_dose: dt.date, dose_at: dt.datetime | None, config: OutcomeConfig) -> bool:
    """Whether ``score`` was taken before the first dose: an earlier day, or the same day (``baseline_same_day``)
    and, where both moments are known, not after the dose."""
    if score.date < first_dose:
        return True
    if score.date != first_dose or not config.baseline_same_day:
        return False
    return score.at is None or dose_at is None or score.at <= dose_at


def _baseline(
    scores: Sequence[Assessment],
    first_dose: dt.date | None,
    config: OutcomeConfig,
    notes: list[str],
    dose_at: dt.datetime | None = None,
) -> tuple[Assessment | None, list[Assessment]]:
    """The baseline (the last score up to the first dose, within the window) and the scores after it."""
    if first_dose is None:
        if scores:
            notes.append("No doses given: the first assessment is used as baseline.")
            return scores[0], list(scores[1:])
        return None, []
    earliest = first_dose - dt.timedelta(days=config.baseline_window_days)
    before = [s for s in scores if earliest <= s.date and _before_dose(s, first_dose, dose_at, config)]
    base = before[-1] if before else None
    if base is None:
        notes.append(
            f"No baseline: no score in the {config.baseline_window_days} days up to the first dose ({first_dose}); "
            "response and percent change cannot be computed."
        )
    post = [s for s in scores if s.date >= first_dose and s is not base]
    return base, post


class _Walker:
    """Walks the post-baseline scores and recorded events in date order, emitting events."""

    def __init__(
        self,
        instrument: str,
        baseline: float | None,
        first_dose: dt.date | None,
        config: OutcomeConfig,
        remission: Any,
        relapse: RelapseRule | None,
    ) -> None:
        self.instrument, self.baseline, self.first_dose, self.config = instrument, baseline, first_dose, config
        self.remission, self.relapse = remission, relapse
        self.events: list[OutcomeEvent] = []
        self.responding = self.remitting = self.eligible = False
        self.run_response = self.run_remission = 0
        self.sustained_response_done = self.sustained_remission_done = False
        self.prev: Assessment | None = None
        self.prev_not_responding = False

    def meets_response(self, total: float) -> bool:
        return (
            self.baseline is not None
            and self.baseline > 0
            and total <= self.baseline * (1 - self.config.response_fraction)
        )

    def emit(self, kind: str, date: dt.date, **kw: Any) -> None:
        self.events.append(OutcomeEvent.make(kind, date, self.instrument, **kw))

    def _reset_after_relapse(self) -> None:
        self.responding = self.remitting = self.eligible = False
        self.run_response = self.run_remission = 0
        self.sustained_response_done = self.sustained_remission_done = False

    def recorded(self, event: RelapseEvent) -> None:
        self.emit(
            "relapse",
            event.date,
            definition=f"recorded relapse event: {event.kind.replace('_', ' ')} (SUSTAIN-1)",
            source="nct02493868",
            data={"kind": event.kind, "after_response_or_remission": self.eligible},
        )
        self._reset_after_relapse()
        self.prev = None

    def score(self, a: Assessment) -> None:
        prev, t = self.prev, a.total
        if self.eligible and self.relapse is not None and prev is not None and t >= self.relapse.threshold:
            gap = (a.date - prev.date).days
            if prev.total >= self.relapse.threshold and self.relapse.min_gap_days <= gap <= self.relapse.max_gap_days:
                self.emit(
                    "relapse",
                    a.date,
                    definition=self.relapse.text,
                    threshold=self.relapse.threshold,
                    source=self.relapse.source,
                    data={"first_date": prev.date.isoformat(), "totals": [prev.total, t], "gap_days": gap},
                )
                self._reset_after_relapse()
                self.prev = a
                return
        resp = self.meets_response(t)
        self._loss(a, resp)
        self._response(a, resp)
        self._remission(a)
        self.prev = a

    def _loss(self, a: Assessment, resp: bool) -> None:
        if self.responding and not resp:
            prev = self.prev
            if (
                self.prev_not_responding
                and prev is not None
                and (a.date - prev.date).days >= self.config.loss_min_gap_days
            ):
                self.emit(
                    "loss_of_response",
                    a.date,
                    definition=(
                        f"a responder no longer meets a >= {self.config.response_fraction:.0%} reduction on "
                        f"{self.config.loss_consecutive} consecutive assessments >= {self.config.loss_min_gap_days} "
                        "days apart"
                    ),
                    threshold=self.response_threshold,
                    source="platform-defined",
                    data={"first_date": prev.date.isoformat(), "totals": [prev.total, a.total]},
                )
                self.responding = False
                self.run_response = 0
                self.sustained_response_done = False
            self.prev_not_responding = True
        else:
            self.prev_not_responding = False

    @property
    def response_threshold(self) -> float | None:
        return None if self.baseline is None else self.baseline * (1 - self.config.response_fraction)

    def _response(self, a: Assessment, resp: bool) -> None:
        cfg = self.config
        if not resp:
            self.run_response = 0
            return
        self.run_response += 1
        definition = f">= {cfg.response_fraction:.0%} reduction from baseline {self.baseline:g}"
        if not self.responding:
            self.responding = self.eligible = True
            self.prev_not_responding = False
            self.emit(
                "response", a.date, definition=definition, threshold=self.response_threshold, source="cochrane-cd011612"
            )
            day = None if self.first_dose is None else (a.date - self.first_dose).days + 1
            if day == cfg.early_response_day and not any(e.type == "early_response" for e in self.events):
                self.emit(
                    "early_response",
                    a.date,
                    definition=f"{definition} on day {cfg.early_response_day} (day 1 = first dose)",
                    threshold=self.response_threshold,
                    source="turkoz-2021",
                )
        if self.run_response >= cfg.sustained_consecutive and not self.sustained_response_done:
            self.sustained_response_done = True
            self.emit(
                "sustained_response",
                a.date,
                definition=f"response on {cfg.sustained_consecutive} consecutive assessments",
                threshold=self.response_threshold,
                source="platform-defined",
            )

    def _remission(self, a: Assessment) -> None:
        rule = self.remission
        if rule is None or not rule.met(a.total):
            self.remitting = False
            self.run_remission = 0
            return
        self.run_remission += 1
        if not self.remitting:
            self.remitting = self.eligible = True
            self.emit("remission", a.date, definition=rule.text, threshold=rule.threshold, source=rule.source)
        n = self.config.sustained_consecutive
        if self.run_remission >= n and not self.sustained_remission_done:
            self.sustained_remission_done = True
            madrs = self.instrument == "madrs"  # ASPIRE defines consistent remission on the MADRS only
            self.emit(
                "sustained_remission",
                a.date,
                definition=f"{rule.text} on {n} consecutive assessments (ASPIRE consistent remission"
                + (")" if madrs else ", applied by analogy to this scale)"),
                threshold=rule.threshold,
                source="aspire-consistent-remission" if madrs else "platform-defined",
            )


def _check_inputs(
    assessments: Iterable[Assessment], doses: Iterable[DoseRecord], instrument: str
) -> tuple[list[Assessment], list[DoseRecord]]:
    scores = list(assessments)
    for n, s in enumerate(scores):
        if not isinstance(s, Assessment):
            raise InputError(f"assessments[{n}]", type(s).__name__, "an Assessment")
        if s.instrument != instrument:
            raise InputError(f"assessments[{n}].instrument", s.instrument, f"{instrument} (one instrument per report)")
    dose_list = list(doses)
    for n, d in enumerate(dose_list):
        if not isinstance(d, DoseRecord):
            raise InputError(f"doses[{n}]", type(d).__name__, "a DoseRecord")
    def order(item: Assessment | DoseRecord) -> tuple[dt.date, float]:  # within a day, by the moment where known
        return item.date, item.at.timestamp() if item.at is not None else float("-inf")

    return sorted(scores, key=order), sorted(dose_list, key=order)


def _sessions_until(doses: Sequence[DoseRecord], date: dt.date) -> int:
    return sum(1 for d in doses if d.date <= date)


def _first(events: Sequence[OutcomeEvent], kind: str) -> OutcomeEvent | None:
    return next((e for e in events if e.type == kind), None)


def _durability(events: Sequence[OutcomeEvent], doses: Sequence[DoseRecord], notes: list[str]) -> int | None:
    relapse = _first(events, "relapse")
    if relapse is None:
        return None
    induction = [d.date for d in doses if d.phase == "induction" and d.date <= relapse.date]
    if not induction:
        notes.append("Durability not computed: no dose is marked as induction before the relapse.")
        return None
    return (relapse.date - max(induction)).days


def evaluate_outcomes(
    assessments: Iterable[Assessment],
    doses: Iterable[DoseRecord],
    instrument: str,
    remission_threshold: float | None = None,
    *,
    relapse_events: Iterable[RelapseEvent] = (),
    relapse_threshold: float | None = None,
    relapse_gap_days: tuple[int, int] | None = None,
    config: OutcomeConfig | None = None,
) -> OutcomeReport:
    """Evaluate one instrument's totals against the doses (see the module docstring).

    ``remission_threshold`` selects a published cut-off (MADRS 12 or 10) or sets a
    site-configured one; ``relapse_threshold`` / ``relapse_gap_days`` override or supply the
    score-based relapse rule. Outcome events apply to symptom scales (higher is worse); for
    MoCA or MOAA/S the report gives baseline, latest and change only, with a note.
    """
    cfg = config or OutcomeConfig()
    inst = instruments.get(instrument)
    if inst.total_range is None:
        raise InputError("instrument", instrument, "an instrument with a total score")
    low, high = inst.total_range
    for name, cut in (("remission_threshold", remission_threshold), ("relapse_threshold", relapse_threshold)):
        if cut is not None:
            Number(name, low=Decimal(low), high=Decimal(high), unit=f"{inst.id} points", places=2).parse(name, cut)
    scores, dose_list = _check_inputs(assessments, doses, inst.id)
    if not inst.higher_is_worse:
        return _trend_only(inst.id, inst.name, scores, dose_list, cfg)
    notes: list[str] = []
    remission = remission_rule(inst.id, remission_threshold)
    if remission is None:
        notes.append(f"No published remission cut-off for {inst.name}: remission is not evaluated (unknown).")
    relapse = relapse_rule(inst.id, relapse_threshold, relapse_gap_days)
    if relapse is None:
        notes.append(f"No published score-based relapse rule for {inst.name}: only recorded relapse events count.")
    first_dose = dose_list[0].date if dose_list else None
    base, post = _baseline(scores, first_dose, cfg, notes, dose_list[0].at if dose_list else None)
    baseline = base.total if base else None
    walker = _Walker(inst.id, baseline, first_dose, cfg, remission, relapse)
    recorded = sorted(relapse_events, key=lambda e: e.date)
    timeline: list[tuple[dt.date, int, Assessment | RelapseEvent]] = [(s.date, 1, s) for s in post]
    timeline += [(e.date, 0, e) for e in recorded]
    for _, _, item in sorted(timeline, key=lambda x: (x[0], x[1])):
        if isinstance(item, RelapseEvent):
            walker.recorded(item)
        else:
            walker.score(item)
    events = walker.events
    first_response = _first(events, "response")
    if first_response is not None:
        events += fading_benefit_events(dose_list, first_response.date, inst.id, cfg)
    events.sort(key=lambda e: e.date)
    latest = scores[-1] if scores else None
    current = post[-1] if post else None  # the latest post-baseline score: status is judged on it
    change = current.total - baseline if (current and baseline is not None) else None
    pct = round(change / baseline * 100, 1) if change is not None and baseline else None
    first_remission = _first(events, "remission")
    return OutcomeReport(
        instrument=inst.id,
        baseline=baseline,
        baseline_date=base.date if base else None,
        latest=latest.total if latest else None,
        latest_date=latest.date if latest else None,
        change=change,
        percent_change=pct,
        response=bool(current and walker.meets_response(current.total)),
        remission=bool(current and remission is not None and remission.met(current.total)),
        remission_threshold=remission.threshold if remission else None,
        remission_comparator=remission.comparator if remission else None,
        remission_source=remission.source if remission else None,
        response_threshold=walker.response_threshold,
        relapse_rule=relapse.text if relapse else None,
        events=tuple(events),
        days_to_response=_days(first_dose, first_response),
        sessions_to_response=_sessions(dose_list, first_response),
        days_to_remission=_days(first_dose, first_remission),
        sessions_to_remission=_sessions(dose_list, first_remission),
        durability_days=_durability(events, dose_list, notes),
        profile=cfg.name,
        profile_version=cfg.version,
        notes=tuple(notes),
    )


def _trend_only(
    instrument: str, name: str, scores: Sequence[Assessment], doses: Sequence[DoseRecord], cfg: OutcomeConfig
) -> OutcomeReport:
    """For scales where a higher total is better (MoCA, MOAA/S): baseline, latest and change only."""
    notes = [f"{name} is not a symptom scale: response, remission and relapse do not apply; change only."]
    base, _ = _baseline(scores, doses[0].date if doses else None, cfg, notes, doses[0].at if doses else None)
    latest = scores[-1] if scores else None
    change = latest.total - base.total if (base and latest and latest is not base) else None
    pct = round(change / base.total * 100, 1) if change is not None and base and base.total else None
    return OutcomeReport(
        instrument=instrument,
        baseline=base.total if base else None,
        baseline_date=base.date if base else None,
        latest=latest.total if latest else None,
        latest_date=latest.date if latest else None,
        change=change,
        percent_change=pct,
        response=False,
        remission=False,
        remission_threshold=None,
        remission_comparator=None,
        remission_source=None,
        response_threshold=None,
        relapse_rule=None,
        events=(),
        days_to_response=None,
        sessions_to_response=None,
        days_to_remission=None,
        sessions_to_remission=None,
        durability_days=None,
        profile=cfg.name,
        profile_version=cfg.version,
        notes=tuple(notes),
    )


def _days(first_dose: dt.date | None, event: OutcomeEvent | None) -> int | None:
    return None if first_dose is None or event is None else (event.date - first_dose).days


def _sessions(doses: Sequence[DoseRecord], event: OutcomeEvent | None) -> int | None:
    return None if not doses or event is None else _sessions_until(doses, event.date)


def events_by_type(report: OutcomeReport) -> Mapping[str, list[dt.date]]:
    """The event dates of a report grouped by type (a convenience for tests and views)."""
    out: dict[str, list[dt.date]] = {}
    for e in report.events:
        out.setdefault(e.type, []).append(e.date)
    return out
