"""Outcome definitions the analytics apply, as named and versioned profiles with their sources.

Remission cut-offs differ by scale and by trial (MADRS <= 12 in the Janssen programme, <= 10 in
ESCAPE-TRD and KetECT), so the cut-offs are a profile chosen per study, recorded with each result. The
cut-offs and their sources are not restated here: each profile is built from the one definition of
remission per scale, ``clinical.measurement_rules.remission_rule``.

>>> profile = REMISSION_PROFILES["remission-default-v1"]
>>> profile.remitted("phq9", 4), profile.remitted("phq9", 5), profile.remitted("madrs", 12)
(True, False, True)
>>> responded(20, 10), responded(20, 11)
(True, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ketamine_trd.clinical.measurement_rules import remission_rule
from ketamine_trd.errors import UnknownTermError

__all__ = [
    "DEFAULT_REMISSION_PROFILE",
    "DURABILITY_DEFINITION",
    "REMISSION_PROFILES",
    "RESPONSE_DEFINITION",
    "Definition",
    "RESPONSE_MAX_FRACTION_OF_BASELINE",
    "RemissionProfile",
    "responded",
]


@dataclass(frozen=True, slots=True)
class Definition:
    """A named rule with its version, a sentence a reader understands and its source id."""

    id: str
    text: str
    source_id: str


RESPONSE_DEFINITION = Definition(
    "response-50pct-v1",
    "Response: total score at the end-of-induction review at most 50% of the pre-treatment baseline "
    "on the course's primary scale (the review is the assessment nearest induction_end_date, within 7 days).",
    source_id="cochrane-cd011612",
)

DURABILITY_DEFINITION = Definition(
    "durability-loss-of-response-v1",
    "Time from the end-of-induction review to the first later assessment on the primary scale above 50% of "
    "baseline (response lost), censored at the last assessment; responders at the review only.",
    source_id="mcinnes-2022",
)


RESPONSE_MAX_FRACTION_OF_BASELINE = 0.5
"""A score at or below this fraction of baseline is response; above it after a response, response is lost.

The threshold of :data:`RESPONSE_DEFINITION` (``cochrane-cd011612``) and :data:`DURABILITY_DEFINITION`
(``mcinnes-2022``), applied by :func:`responded` and by the frame-wide reductions (``course_table``, ``outcomes``).
"""


def responded(baseline: float, score: float) -> bool:
    """At least a 50% reduction from baseline (:data:`RESPONSE_DEFINITION`)."""
    return score <= RESPONSE_MAX_FRACTION_OF_BASELINE * baseline


@dataclass(frozen=True, slots=True)
class RemissionProfile:
    """Remission cut-offs by scale: a score at or below ``cutoffs[scale]`` is remission."""

    id: str
    cutoffs: tuple[tuple[str, int, str], ...]  # (scale, highest remitted score, source id)

    @property
    def by_scale(self) -> dict[str, int]:
        """Scale -> highest remitted score (what a frame's ``primary_scale`` column is mapped through).

        >>> REMISSION_PROFILES["remission-madrs-le10-v1"].by_scale["madrs"]
        10
        """
        return {name: value for name, value, _ in self.cutoffs}

    def cutoff(self, scale: str) -> int:
        """The highest score that counts as remission on ``scale``."""
        for name, value, _ in self.cutoffs:
            if name == scale:
                return value
        raise UnknownTermError("scale", scale, ", ".join(c[0] for c in self.cutoffs))

    def remitted(self, scale: str, score: float) -> bool:
        """Whether ``score`` on ``scale`` is remission under this profile."""
        return score <= self.cutoff(scale)


DEFAULT_REMISSION_PROFILE = "remission-default-v1"
"""The profile used when none is chosen (and the only one the Dask path applies)."""

#: the analytics' scale names -> the clinical instrument ids whose remission rules they apply
_SCALES = (("madrs", "madrs"), ("phq9", "phq9"), ("qids_sr16", "qids-sr16"), ("hamd17", "hamd17"))


def _profile(profile_id: str, madrs_threshold: float | None) -> RemissionProfile:
    """A profile from the one definition of remission (``clinical.measurement_rules``), per scale.

    Totals are whole numbers, so ``< 5`` (PHQ-9, CMS159) is a highest remitted score of 4.
    """
    rows = []
    for scale, instrument in _SCALES:
        rule = remission_rule(instrument, madrs_threshold if scale == "madrs" else None)
        if rule is None:  # pragma: no cover - every scale above has a published rule
            raise UnknownTermError("scale", scale, "a scale with a published remission cut-off")
        highest = int(rule.threshold) if rule.comparator == "<=" else int(math.ceil(rule.threshold)) - 1
        rows.append((scale, highest, rule.source))
    return RemissionProfile(profile_id, tuple(rows))


REMISSION_PROFILES: dict[str, RemissionProfile] = {
    p.id: p for p in (_profile(DEFAULT_REMISSION_PROFILE, None), _profile("remission-madrs-le10-v1", 10.0))
}
