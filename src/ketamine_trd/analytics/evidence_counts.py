"""Per-arm day-28 response and remission counts of the short-term esketamine TRD trials.

TRANSFORM-1, -2 and -3 publish response and remission as percentages, not counts, and the randomised
arm sizes give no whole counts (54.1% of 115 is 62.2). The benefit-risk tables of the programme
(source ``cpt-2020-benefit-risk``, Tables 1 and 2, confidence H) also print each arm's risk
difference with its 95% interval, which fixes the analysed arm sizes. :func:`solve_counts` finds
every whole-number table (arms of 30 to 130) that reproduces both percentages and the Wald interval
of the risk difference; for every contrast below exactly one exists, and the placebo arm it finds is
the same for response and remission and for both TRANSFORM-1 doses. Those counts are kept here next
to the published figures they were solved from, so that a test re-derives them; nothing is guessed.

No published meta-analysis was found that prints per-trial counts and a pooled estimate for these
trials (see ``docs/analytics.md``), so no pooled value of them is claimed here.

>>> r = contrast("TRANSFORM-2", "response")
>>> r.counts, r.rd_ci_pp
((70, 101, 52, 100), (4.01, 30.6))
>>> solve_counts(69.3, 52.0, (4.01, 30.60)) == (r.counts,)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ketamine_trd.analytics.meta import Z95, TwoByTwo
from ketamine_trd.errors import InputError

__all__ = ["PublishedContrast", "contrast", "contrast_rows", "solve_counts"]


@dataclass(frozen=True, slots=True)
class PublishedContrast:
    """One esketamine arm vs placebo on one outcome: the published figures and the counts solved from them.

    Percentages and the risk difference are in percentage points; ``counts`` are (events, n) of the
    esketamine arm then of the placebo arm, as analysed (observed at day 28), not as randomised.
    """

    trial: str
    arm: str
    outcome: str
    definition: str
    pct_t: float
    pct_c: float
    rd_pp: float
    rd_ci_pp: tuple[float, float]
    counts: tuple[int, int, int, int]
    source: str
    confidence: str

    def two_by_two(self) -> TwoByTwo:
        """The counts as a :class:`~ketamine_trd.analytics.meta.TwoByTwo` named by trial and arm."""
        return TwoByTwo(f"{self.trial} ({self.arm})", *self.counts)


_RESPONSE = "MADRS total >= 50% below baseline at day 28"
_REMISSION = "MADRS total <= 12 at day 28"
_Row = tuple[str, str, str, tuple[float, float], float, tuple[float, float], tuple[int, int, int, int]]


def _table(rows: tuple[_Row, ...], *, source: str, confidence: str) -> tuple[PublishedContrast, ...]:
    out = []
    for trial, arm, outcome, pct, rd, ci, counts in rows:
        definition = _RESPONSE if outcome == "response" else _REMISSION
        out.append(PublishedContrast(trial, arm, outcome, definition, *pct, rd, ci, counts, source, confidence))
    return tuple(out)


# Table 1 (TRANSFORM-1 and -2) and Table 2 (TRANSFORM-3) of the source; esketamine + new oral antidepressant vs
# placebo spray + new oral antidepressant. TRANSFORM-1's two doses share one placebo arm.
# (trial, arm, outcome, (% esketamine, % placebo), RD pp, RD 95% CI pp, derived counts)
_ROWS: tuple[PublishedContrast, ...] = _table(
    (
        ("TRANSFORM-1", "esketamine 56 mg", "response", (54.1, 38.9), 15.2, (2.11, 28.22), (60, 111, 42, 108)),
        ("TRANSFORM-1", "esketamine 84 mg", "response", (53.1, 38.9), 14.2, (0.68, 27.67), (52, 98, 42, 108)),
        ("TRANSFORM-2", "esketamine 56/84 mg", "response", (69.3, 52.0), 17.3, (4.01, 30.60), (70, 101, 52, 100)),
        ("TRANSFORM-3", "esketamine 28-84 mg", "response", (27.0, 13.3), 13.7, (-0.28, 27.58), (17, 63, 8, 60)),
        ("TRANSFORM-1", "esketamine 56 mg", "remission", (36.0, 30.6), 5.5, (-6.98, 17.94), (40, 111, 33, 108)),
        ("TRANSFORM-1", "esketamine 84 mg", "remission", (38.8, 30.6), 8.2, (-4.76, 21.20), (38, 98, 33, 108)),
        ("TRANSFORM-2", "esketamine 56/84 mg", "remission", (52.5, 31.0), 21.5, (8.17, 34.78), (53, 101, 31, 100)),
        ("TRANSFORM-3", "esketamine 28-84 mg", "remission", (17.5, 6.7), 10.8, (-0.51, 22.09), (11, 63, 4, 60)),
    ),
    source="cpt-2020-benefit-risk",
    confidence="H (percentages and intervals); counts derived",
)


def contrast_rows(outcome: str | None = None) -> tuple[PublishedContrast, ...]:
    """All contrasts, or those of one ``outcome`` (``response`` or ``remission``)."""
    if outcome is None:
        return _ROWS
    if outcome not in ("response", "remission"):
        raise InputError("outcome", outcome, "response, remission")
    return tuple(r for r in _ROWS if r.outcome == outcome)


def contrast(trial: str, outcome: str, arm: str | None = None) -> PublishedContrast:
    """The one contrast of ``trial`` on ``outcome`` (``arm`` picks a TRANSFORM-1 dose)."""
    found = [r for r in contrast_rows(outcome) if r.trial == trial and (arm is None or r.arm == arm)]
    if len(found) != 1:
        allowed = sorted({f"{r.trial} / {r.arm}" for r in _ROWS})
        raise InputError("trial", (trial, arm), f"one of {', '.join(allowed)}")
    return found[0]


def _arms(pct: float, n_min: int, n_max: int) -> list[tuple[int, int]]:
    """(events, n) whose percentage rounds to ``pct`` (one decimal)."""
    out = []
    for n in range(n_min, n_max + 1):
        for e in range(max(0, math.floor(pct * n / 100) - 1), min(n, math.ceil(pct * n / 100) + 1) + 1):
            if abs(100 * e / n - pct) <= 0.05 + 1e-9:
                out.append((e, n))
    return out


def _wald_rd_ci_pp(a: int, n1: int, c: int, n2: int) -> tuple[float, float]:
    p1, p2 = a / n1, c / n2
    half = Z95 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return 100 * (p1 - p2 - half), 100 * (p1 - p2 + half)


def solve_counts(pct_t: float, pct_c: float, rd_ci_pp: tuple[float, float], *, n_min: int = 30, n_max: int = 130,
                 tol_pp: float = 0.006) -> tuple[tuple[int, int, int, int], ...]:  # fmt: skip
    """Every (events_t, n_t, events_c, n_c) with arms of ``n_min``..``n_max`` whose percentages round to
    ``pct_t``/``pct_c`` and whose Wald 95% interval of the risk difference (percentage points) lies within
    ``tol_pp`` of ``rd_ci_pp`` (0.005 for printing to two decimals, plus floating-point slack).

    >>> solve_counts(17.5, 6.7, (-0.51, 22.09))
    ((11, 63, 4, 60),)
    """
    if not 0 < n_min <= n_max:
        raise InputError("n_min", (n_min, n_max), "0 < n_min <= n_max")
    found = []
    controls = _arms(pct_c, n_min, n_max)
    for a, n1 in _arms(pct_t, n_min, n_max):
        for c, n2 in controls:
            lo, hi = _wald_rd_ci_pp(a, n1, c, n2)
            if abs(lo - rd_ci_pp[0]) <= tol_pp and abs(hi - rd_ci_pp[1]) <= tol_pp:
                found.append((a, n1, c, n2))
    return tuple(found)
