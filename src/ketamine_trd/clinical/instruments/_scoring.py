"""Scoring one instrument's answers: validate once, total, band, alerts, follow-ups.

Every instrument goes through the same steps, driven by its declarative definition:

1. answers (a list in item order, or a mapping by item id) become item values; an unknown
   item, a value outside the item's allowed values, or a bool is refused (``InputError``
   naming ``<instrument>.<item>`` and the allowed values);
2. gates are checked (questions asked only after a given answer);
3. missing required items are refused unless the instrument's published rule allows
   proration, in which case the result is marked ``prorated``;
4. the total follows the scoring rule; the band, alert rules and classifier are applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from ketamine_trd.clinical.instruments._model import Alert, Instrument, ScoreResult
from ketamine_trd.errors import InputError

__all__ = ["score_instrument"]

AnswerInput = Sequence[int | None] | Mapping[str, int | None]


def _check_value(instrument: Instrument, item_id: str, value: object) -> int | None:
    item = instrument.item(item_id)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in item.allowed:
        raise InputError(f"{instrument.id}.{item_id}", value, item.describe_allowed())
    return value


def _as_mapping(instrument: Instrument, answers: AnswerInput) -> dict[str, int | None]:
    if isinstance(answers, Mapping):
        for key in answers:
            instrument.item(str(key))
        return {i.id: _check_value(instrument, i.id, answers.get(i.id)) for i in instrument.items}
    if isinstance(answers, (str, bytes)):
        raise InputError(f"{instrument.id}.answers", answers, "a list of integers in item order")
    values = list(answers)
    for layout in instrument.layouts:
        if len(values) == len(layout):
            given = dict(zip(layout, values, strict=True))
            return {i.id: _check_value(instrument, i.id, given.get(i.id)) for i in instrument.items}
    counts = " or ".join(str(len(layout)) for layout in instrument.layouts)
    raise InputError(f"{instrument.id}.answers", len(values), f"{counts} answers in item order", reason="answers given")


def _check_gates(instrument: Instrument, values: dict[str, int | None]) -> set[str]:
    """Check gated items; return the ids of items not asked (closed gates)."""
    closed: set[str] = set()
    for gate in instrument.gates:
        opened = values.get(gate.item) == gate.value
        for item_id in gate.items:
            value = values.get(item_id)
            if opened and value is None and gate.required:
                raise InputError(
                    f"{instrument.id}.{item_id}",
                    None,
                    instrument.item(item_id).describe_allowed(),
                    reason=f"is required when {gate.item} is {gate.value}",
                )
            if not opened:
                if value not in (None, 0):
                    raise InputError(
                        f"{instrument.id}.{item_id}",
                        value,
                        f"left out or 0 unless {gate.item} is {gate.value}",
                    )
                closed.add(item_id)
    return closed


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _total(instrument: Instrument, values: Mapping[str, int | None], missing: Sequence[str]) -> tuple[int | None, bool]:
    kind = instrument.scoring.kind
    if kind == "categorical":
        return None, False
    if missing:
        # Only reached when the missing rule allows it; proration is defined for plain sums.
        answered = [v for g in instrument.groups for k in g if (v := values.get(k)) is not None]
        n_items = len(instrument.groups)
        return _round_half_up(Decimal(sum(answered)) * n_items / len(answered)), True
    total = 0
    for group in instrument.groups:
        answered = [v for k in group if (v := values.get(k)) is not None]
        if not answered:  # an optional item left out (SDS work item "not applicable"): no total
            return None, False
        total += max(answered)
    if instrument.scoring.cap is not None:
        total = min(total, instrument.scoring.cap)
    return total, False


def _missing(instrument: Instrument, values: Mapping[str, int | None], not_asked: set[str]) -> list[str]:
    missing = [
        i.id for i in instrument.items if values[i.id] is None and not i.optional and i.id not in not_asked and i.scored
    ]
    if not missing:
        return []
    rule = instrument.missing
    if len(missing) > rule.max_missing or instrument.scoring.kind != "sum":
        allowed = instrument.item(missing[0]).describe_allowed()
        why = (
            f"is missing; {instrument.name} allows no missing item"
            if rule.max_missing == 0
            else f"is missing; {instrument.name} allows at most {rule.max_missing} missing"
        )
        raise InputError(f"{instrument.id}.{missing[0]}", None, allowed, reason=why)
    return missing


def score_instrument(instrument: Instrument, answers: AnswerInput) -> ScoreResult:
    """Score ``answers`` with ``instrument`` (see the module docstring for the steps)."""
    values = _as_mapping(instrument, answers)
    not_asked = _check_gates(instrument, values)
    missing = _missing(instrument, values, not_asked)
    total, prorated = _total(instrument, values, missing)
    alerts: list[Alert] = []
    followups: list[str] = []
    notes: list[str] = list(instrument.notes)
    severity: str | None = None
    severity_source: str | None = None
    risk: str | None = None
    if total is not None:
        for band in instrument.bands:
            if band.low <= total <= band.high:
                severity, severity_source = band.label, band.source
                break
    for rule in instrument.alert_rules:
        if rule.fires(values, total):
            alerts.append(Alert(rule.code, rule.level, rule.message, rule.source, rule.kind))
            followups.extend(f for f in rule.followups if f not in followups)
    if instrument.classifier is not None:
        found = instrument.classifier(values)
        risk = severity = found.risk
        severity_source = instrument.scoring.source
        alerts.extend(found.alerts)
        followups.extend(f for f in found.followups if f not in followups)
        notes.extend(found.notes)
    if total is None and instrument.scoring.kind != "categorical":
        notes.append("No total: an optional scored item was left out; the answered items are kept.")
    if prorated:
        notes.append(f"Total prorated from {len(instrument.groups) - len(missing)} answered items.")
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        total_range=instrument.total_range,
        severity=severity,
        severity_source=severity_source,
        alerts=tuple(alerts),
        prorated=prorated,
        item_values=MappingProxyType(values),
        source=instrument.source,
        risk=risk,
        followups=tuple(followups),
        missing_items=tuple(missing),
        notes=tuple(notes),
    )
