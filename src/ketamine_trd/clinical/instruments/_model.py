"""The values an instrument definition is made of, and the result of scoring one.

An :class:`Instrument` is declarative: items with their allowed values, a :class:`Scoring`
rule (sum, sum of per-domain maxima, capped sum or categorical), severity :class:`Band`s,
:class:`AlertRule`s, :class:`Gate`s for questions asked only after a given answer, codes,
licence, recall period and rater, each piece with its source id. No item text is stored:
items carry a short label only, so licence-gated instruments can be shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.errors import InputError

__all__ = [
    "Alert",
    "AlertRule",
    "Band",
    "Classification",
    "Gate",
    "Instrument",
    "Item",
    "Licence",
    "MissingRule",
    "ScoreResult",
    "Scoring",
]

Answers = Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class Item:
    """One item: id (used in answer files), a short label (never the item text), allowed values.

    ``scored`` is False for items recorded but not counted in the total (SDS days lost);
    ``optional`` items may be left out without refusal; ``loinc`` is the item's LOINC code.
    """

    id: str
    label: str
    allowed: tuple[int, ...]
    scored: bool = True
    optional: bool = False
    loinc: str | None = None

    def __post_init__(self) -> None:
        if not self.allowed or list(self.allowed) != sorted(set(self.allowed)):
            raise InputError(f"item {self.id}.allowed", self.allowed, "distinct values in increasing order")

    @property
    def low(self) -> int:
        return self.allowed[0]

    @property
    def high(self) -> int:
        return self.allowed[-1]

    def describe_allowed(self) -> str:
        """Allowed values as text: ``"0 to 3"`` for a run of integers, else a list."""
        if list(self.allowed) == list(range(self.low, self.high + 1)) and len(self.allowed) > 2:
            return f"an integer from {self.low} to {self.high}"
        return "one of " + ", ".join(str(v) for v in self.allowed)


@dataclass(frozen=True, slots=True)
class Band:
    """A severity band on the total: ``low <= total <= high`` reads ``label`` (per ``source``)."""

    low: int
    high: int
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class Scoring:
    """How the total is computed.

    ``kind`` is ``"sum"`` (sum of the scored items), ``"domain_max"`` (sum over ``groups`` of the
    largest item of each group: the QIDS rule), ``"capped_sum"`` (sum, at most ``cap``: the MoCA
    education point) or ``"categorical"`` (no total: the C-SSRS screener).
    """

    kind: str
    source: str
    groups: tuple[tuple[str, ...], ...] = ()
    cap: int | None = None

    def __post_init__(self) -> None:
        kinds = ("sum", "domain_max", "capped_sum", "categorical")
        if self.kind not in kinds:
            raise InputError("scoring.kind", self.kind, ", ".join(kinds))


@dataclass(frozen=True, slots=True)
class MissingRule:
    """The published rule for unanswered items: refuse (``max_missing == 0``) or prorate.

    Proration (only for ``sum`` scoring) scales the sum of the answered items to the full item
    count and rounds half up; the result is marked ``prorated``.
    """

    max_missing: int
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Gate:
    """Questions asked only when ``item`` was answered ``value`` (C-SSRS Q3-Q5 after Q2 = yes).

    When the gate is open the gated items are required (unless ``required`` is False); when it
    is closed they must be left out (or answered 0).
    """

    item: str
    value: int
    items: tuple[str, ...]
    source: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class Alert:
    """A finding that needs a person: code, level and kind (``alert_vocabulary``), a sentence, source."""

    code: str
    level: AlertLevel
    message: str
    source: str
    kind: AlertKind = AlertKind.OTHER

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True, slots=True)
class AlertRule:
    """Fires when any of ``items`` is at least ``item_at_least``, or the total crosses a bound.

    ``followups`` are instrument ids that become due when the rule fires; ``kind`` says what the alert
    is about (a suicide-item answer, session monitoring, ...), stated here and never guessed from ``code``.
    """

    code: str
    level: AlertLevel
    message: str
    source: str
    kind: AlertKind
    items: tuple[str, ...] = ()
    item_at_least: int | None = None
    total_at_least: int | None = None
    total_at_most: int | None = None
    followups: tuple[str, ...] = ()

    def fires(self, values: Answers, total: int | None) -> bool:
        """Whether the rule applies to these item values and total."""
        if self.item_at_least is not None:
            hit = [v for k in self.items if (v := values.get(k)) is not None and v >= self.item_at_least]
            if hit:
                return True
        if total is not None and self.total_at_least is not None and total >= self.total_at_least:
            return True
        return total is not None and self.total_at_most is not None and total <= self.total_at_most


@dataclass(frozen=True, slots=True)
class Classification:
    """The result of a categorical instrument's own rule (the C-SSRS triage)."""

    risk: str
    alerts: tuple[Alert, ...] = ()
    followups: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Licence:
    """Licence status (``free``, ``public-domain``, ``licence-required``, ``unknown``) with its source."""

    status: str
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class Instrument:
    """One rating instrument, declared once; see the package docstring for the list."""

    id: str
    name: str
    version: str
    items: tuple[Item, ...]
    scoring: Scoring
    licence: Licence
    text_shareable: bool
    recall_period: str
    rater: str
    source: str
    bands: tuple[Band, ...] = ()
    alert_rules: tuple[AlertRule, ...] = ()
    gates: tuple[Gate, ...] = ()
    missing: MissingRule = MissingRule(0, "platform-defined", "no published proration rule was verified: refuse")
    loinc: Mapping[str, str] = field(default_factory=dict)
    cdisc_prefix: str | None = None
    higher_is_worse: bool = True
    classifier: Callable[[Answers], Classification] | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise InputError(f"{self.id}.items", ids, "unique item ids")
        known = set(ids)
        referenced = [("scoring.groups", k) for g in self.scoring.groups for k in g]
        referenced += [("alert_rules", k) for r in self.alert_rules for k in r.items]
        referenced += [("gates", k) for g in self.gates for k in (g.item, *g.items)]
        for where, item_id in referenced:
            if item_id not in known:
                raise InputError(f"{self.id}.{where}", item_id, "ids of this instrument's items")

    def item(self, item_id: str) -> Item:
        """The item with this id (InputError if the instrument has none)."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise InputError(f"{self.id}.answers", item_id, ", ".join(i.id for i in self.items), reason="is not an item")

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Scoring groups; for a plain sum, one group per scored item."""
        if self.scoring.groups:
            return self.scoring.groups
        return tuple((i.id,) for i in self.items if i.scored)

    @property
    def total_range(self) -> tuple[int, int] | None:
        """The (lowest, highest) possible total, or None for a categorical instrument."""
        if self.scoring.kind == "categorical":
            return None
        by_id = {i.id: i for i in self.items}
        low = sum(min(by_id[k].low for k in g) for g in self.groups)
        high = sum(max(by_id[k].high for k in g) for g in self.groups)
        if self.scoring.cap is not None:
            high = min(high, self.scoring.cap)
            low = min(low, self.scoring.cap)
        return (low, high)

    @property
    def max_total(self) -> int | None:
        """The highest possible total (None for a categorical instrument)."""
        span = self.total_range
        return None if span is None else span[1]

    @property
    def layouts(self) -> tuple[tuple[str, ...], ...]:
        """Item orders accepted for answers given as a list.

        All items, and shorter forms: without trailing optional items (SDS without the days
        items), and, for gated instruments, without any optional item and without optional or gated items (C-SSRS: Q1,
        Q2, Q6 when Q2 is 0). Lengths are distinct, so a list's length picks its layout.
        """
        everything = tuple(i.id for i in self.items)
        gated = {k for g in self.gates for k in g.items}
        prefixes = [everything[:n] for n in range(len(everything), 0, -1) if all(i.optional for i in self.items[n:])]
        listed = tuple(i.id for i in self.items if not i.optional)
        required = tuple(k for k in listed if k not in gated)
        found: list[tuple[str, ...]] = []
        shorter = (listed, required) if self.gates else ()
        for layout in (*prefixes, *shorter):
            if layout and layout not in found and all(len(layout) != len(f) for f in found):
                found.append(layout)
        return tuple(found)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready definition: item ids, short labels and allowed values, never item text."""
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "items": [
                {
                    "id": i.id,
                    "label": i.label,
                    "allowed": list(i.allowed),
                    "scored": i.scored,
                    "optional": i.optional,
                    "loinc": i.loinc,
                }
                for i in self.items
            ],
            "scoring": {
                "kind": self.scoring.kind,
                "groups": [list(g) for g in self.scoring.groups],
                "cap": self.scoring.cap,
                "source": self.scoring.source,
            },
            "total_range": list(self.total_range) if self.total_range else None,
            "higher_is_worse": self.higher_is_worse,
            "bands": [{"low": b.low, "high": b.high, "label": b.label, "source": b.source} for b in self.bands],
            "alert_rules": [
                {"code": r.code, "level": str(r.level), "kind": str(r.kind), "source": r.source}
                for r in self.alert_rules
            ],
            "missing_items": {"max_missing": self.missing.max_missing, "source": self.missing.source},
            "loinc": dict(self.loinc),
            "cdisc_prefix": self.cdisc_prefix,
            "licence": {"status": self.licence.status, "note": self.licence.note, "source": self.licence.source},
            "text_shareable": self.text_shareable,
            "recall_period": self.recall_period,
            "rater": self.rater,
            "source": self.source,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A scored instrument: total (None for the C-SSRS screener), band, alerts, follow-ups due."""

    instrument: str
    version: str
    total: int | None
    total_range: tuple[int, int] | None
    severity: str | None
    alerts: tuple[Alert, ...]
    prorated: bool
    item_values: Mapping[str, int | None]
    source: str
    severity_source: str | None = None
    risk: str | None = None
    followups: tuple[str, ...] = ()
    missing_items: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``ktrd score --json`` contract (alerts as ``"code: message"`` strings)."""
        out: dict[str, Any] = {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "total_range": list(self.total_range) if self.total_range else None,
            "severity": self.severity,
            "severity_source": self.severity_source,
            "alerts": [str(a) for a in self.alerts],
            "alert_details": [
                {"code": a.code, "level": str(a.level), "kind": str(a.kind), "message": a.message, "source": a.source}
                for a in self.alerts
            ],
            "prorated": self.prorated,
            "followups": list(self.followups),
            "item_values": dict(self.item_values),
            "missing_items": list(self.missing_items),
            "notes": list(self.notes),
            "source": self.source,
        }
        if self.risk is not None:
            out["risk"] = self.risk
        return out
