"""Outcome definitions as named, versioned configuration: remission and relapse per scale.

Remission cut-offs differ between trials (MADRS <= 12 in the esketamine programme, <= 10 in
ESCAPE-TRD and KetECT), so each is a named :class:`RemissionRule`; the one used is stored with
every derived outcome. Relapse by score is published for the MADRS (SUSTAIN-1) and the HAM-D17
(NCT04007367) only; other scales detect relapse from recorded events unless a site configures a
threshold. :class:`OutcomeConfig` holds the remaining settings with their sources.

>>> remission_rule("madrs").threshold, remission_rule("madrs", 10).source
(12.0, 'S45')
>>> remission_rule("phq9").met(4.0), remission_rule("phq9").met(5.0)
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from ketamine_trd.errors import InputError

__all__ = [
    "OutcomeConfig",
    "RelapseRule",
    "RemissionRule",
    "relapse_rule",
    "remission_rule",
]


@dataclass(frozen=True, slots=True)
class RemissionRule:
    """Remission when ``total <= threshold`` (comparator ``"<="``) or ``total < threshold`` (``"<"``)."""

    instrument: str
    threshold: float
    comparator: str
    name: str
    source: str

    def met(self, total: float) -> bool:
        """Whether ``total`` meets the remission cut-off."""
        return total <= self.threshold if self.comparator == "<=" else total < self.threshold

    @property
    def text(self) -> str:
        return f"{self.instrument} total {self.comparator} {self.threshold:g} ({self.name})"


@dataclass(frozen=True, slots=True)
class RelapseRule:
    """Relapse when 2 consecutive totals are ``>= threshold`` and ``min_gap_days..max_gap_days`` apart."""

    instrument: str
    threshold: float
    min_gap_days: int
    max_gap_days: int
    name: str
    source: str

    @property
    def text(self) -> str:
        return (
            f"{self.instrument} >= {self.threshold:g} on 2 consecutive assessments "
            f"{self.min_gap_days}-{self.max_gap_days} days apart ({self.name})"
        )


_REMISSION: dict[str, tuple[RemissionRule, ...]] = {
    "madrs": (
        RemissionRule("madrs", 12.0, "<=", "esketamine programme (TRANSFORM, SUSTAIN)", source="S13"),
        RemissionRule("madrs", 10.0, "<=", "ESCAPE-TRD and KetECT", source="S45"),
    ),
    "phq9": (RemissionRule("phq9", 5.0, "<", "CMS159 PHQ-9 remission", source="cms159"),),
    "qids-sr16": (RemissionRule("qids-sr16", 5.0, "<=", "STAR*D QIDS-SR16", source="trivedi-2006"),),
    "qids-c16": (RemissionRule("qids-c16", 5.0, "<=", "QIDS interpretation (none band)", source="ids-qids"),),
    "hamd17": (RemissionRule("hamd17", 7.0, "<=", "STAR*D / Frank 1991 HAM-D17", source="trivedi-2006"),),
}

_RELAPSE: dict[str, RelapseRule] = {
    "madrs": RelapseRule("madrs", 22.0, 5, 15, "SUSTAIN-1", source="nct02493868"),
    "hamd17": RelapseRule("hamd17", 18.0, 7, 14, "Janssen NCT04007367", source="nct04007367"),
}


def remission_rule(instrument: str, threshold: float | None = None) -> RemissionRule | None:
    """The remission rule for a scale: the default (first listed) or the one with ``threshold``.

    A threshold that matches no published rule becomes a ``site-configuration`` rule with the
    scale's comparator (``<=`` where none is published). None when the scale has no published
    cut-off and no threshold is given (unknown, never guessed).
    """
    rules = _REMISSION.get(instrument, ())
    if threshold is None:
        return rules[0] if rules else None
    for rule in rules:
        if rule.threshold == threshold:
            return rule
    comparator = rules[0].comparator if rules else "<="
    return RemissionRule(
        instrument, float(threshold), comparator, "site-configured cut-off", source="site-configuration"
    )


def relapse_rule(
    instrument: str, threshold: float | None = None, gap_days: tuple[int, int] | None = None
) -> RelapseRule | None:
    """The score-based relapse rule for a scale (None where none is published and none is configured)."""
    published = _RELAPSE.get(instrument)
    if threshold is None and gap_days is None:
        return published
    if threshold is None and published is None:
        raise InputError("relapse_threshold", None, f"a threshold: {instrument} has no published relapse rule")
    low, high = gap_days or ((published.min_gap_days, published.max_gap_days) if published else (5, 15))
    if not 0 < low <= high:
        raise InputError("relapse_gap_days", gap_days, "0 < min <= max days")
    value = float(threshold) if threshold is not None else published.threshold  # type: ignore[union-attr]
    return RelapseRule(instrument, value, low, high, "site-configured relapse rule", source="site-configuration")


@dataclass(frozen=True, slots=True)
class OutcomeConfig:
    """Settings of the outcome engine: a named, versioned profile (the default is ``platform-2026.1``).

    - ``baseline_window_days``: how far before the first dose a score may serve as baseline
      (platform-defined); ``baseline_same_day``: a score on the day of the first dose counts as
      pre-dose baseline (platform-defined), unless both moments are known and it was taken after the dose.
    - ``response_fraction``: response is a reduction of at least this fraction (0.5, cochrane-cd011612).
    - ``early_response_day``: day of the course (day 1 = first dose) for early response (2, turkoz-2021).
    - ``sustained_consecutive``: consecutive assessments for sustained remission
      (2, aspire-consistent-remission) and sustained response (platform-defined).
    - ``loss_consecutive`` / ``loss_min_gap_days``: loss of response (platform-defined, 2 and 7 days).
    - ``fading_changes`` / ``fading_window_days`` / ``fading_min_interval_drop_days``: fading-benefit
      signal: that many shortenings of the maintenance interval (by at least the drop) or dose
      rises within the window, after a response (platform-defined: 2 within 182 days, drop 2 days).
    """

    name: str = "platform-2026.1"
    version: str = "2026.1"
    baseline_window_days: int = 30
    baseline_same_day: bool = True
    response_fraction: float = 0.5
    early_response_day: int = 2
    sustained_consecutive: int = 2
    loss_consecutive: int = 2
    loss_min_gap_days: int = 7
    fading_changes: int = 2
    fading_window_days: int = 182
    fading_min_interval_drop_days: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.response_fraction < 1:
            raise InputError("response_fraction", self.response_fraction, "a fraction between 0 and 1")
        for name in ("baseline_window_days", "early_response_day", "sustained_consecutive", "loss_consecutive"):
            if getattr(self, name) < 1:
                raise InputError(name, getattr(self, name), "a whole number of at least 1")
        if self.fading_changes < 1 or self.fading_window_days < 1 or self.loss_min_gap_days < 0:
            raise InputError("fading_changes", self.fading_changes, "positive counts and windows")
