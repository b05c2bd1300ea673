"""Random-effects meta-analysis of two-arm count data: DerSimonian-Laird and REML.

Effect sizes are log risk ratios or log odds ratios (0.5 added to every cell of a study with a
zero cell), or risk differences (proportions with the Wald variance, as metafor's
``escalc(measure="RD")``; 0.5 is added only where a study's variance would be zero). The pooled
estimate, its 95% interval, tau^2, Q and I^2 follow the conventions of metafor's ``rma`` and
Stata's ``metan``; the tests check them against the published results for the BCG vaccine trials
(Colditz 1994), the standard worked example of both packages, and the risk-difference path against
the published per-arm intervals of the esketamine trials (:mod:`.evidence_counts`).

>>> s = [TwoByTwo("a", 10, 100, 5, 100), TwoByTwo("b", 20, 100, 10, 100)]
>>> r = pool(s, measure="RR", method="DL")
>>> round(r.pooled, 2), r.tau2
(2.0, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ketamine_trd.errors import InputError

__all__ = ["Z95", "MetaResult", "TwoByTwo", "effect_sizes", "pool", "random_effects"]

Z95 = 1.959963984540054
"""The standard normal 97.5% quantile: the z of every two-sided 95% interval in the analytics."""
_MEASURES = ("RR", "OR", "RD")


@dataclass(frozen=True, slots=True)
class TwoByTwo:
    """One study: events and totals in the treatment and control arms."""

    study: str
    events_t: int
    total_t: int
    events_c: int
    total_c: int

    def __post_init__(self) -> None:
        for name in ("events_t", "total_t", "events_c", "total_c"):
            if getattr(self, name) < 0:
                raise InputError(f"{self.study}.{name}", getattr(self, name), ">= 0")
        if self.events_t > self.total_t or self.events_c > self.total_c or 0 in (self.total_t, self.total_c):
            raise InputError(f"{self.study}.events", (self.events_t, self.events_c), "0 <= events <= total, total > 0")


@dataclass(frozen=True, slots=True)
class MetaResult:
    """Pooled effect with its SE and interval, heterogeneity statistics.

    ``estimate``/``ci`` are on the analysis scale (log ratio for RR and OR, proportion for RD);
    ``pooled``/``pooled_ci`` on the natural scale (the ratio, or the same difference for RD).
    """

    method: str
    measure: str
    k: int
    estimate: float
    se: float
    ci: tuple[float, float]
    pooled: float
    pooled_ci: tuple[float, float]
    tau2: float
    q: float
    i2: float
    z: float
    p: float


def effect_sizes(studies: Sequence[TwoByTwo], measure: str = "RR") -> tuple[np.ndarray, np.ndarray]:
    """Effect sizes and their sampling variances (``measure``: ``RR``, ``OR`` (log scale) or ``RD``).

    >>> yi, vi = effect_sizes([TwoByTwo("a", 50, 100, 25, 100)], "RD")
    >>> float(yi[0]), round(float(vi[0]), 6)
    (0.25, 0.004375)
    """
    if measure not in _MEASURES:
        raise InputError("measure", measure, ", ".join(_MEASURES))
    a = np.array([s.events_t for s in studies], dtype=float)
    n1 = np.array([s.total_t for s in studies], dtype=float)
    c = np.array([s.events_c for s in studies], dtype=float)
    n2 = np.array([s.total_c for s in studies], dtype=float)
    b, d = n1 - a, n2 - c
    if measure == "RD":
        # Only a study whose Wald variance would be zero (0% or 100% in both arms) is corrected.
        zero = ((a == 0) | (b == 0)) & ((c == 0) | (d == 0))
    else:
        zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (np.where(zero, x + 0.5, x) for x in (a, b, c, d))
    if measure == "RD":
        p1, p2 = a / (a + b), c / (c + d)
        return p1 - p2, p1 * (1 - p1) / (a + b) + p2 * (1 - p2) / (c + d)
    if measure == "RR":
        return np.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def _q(yi: np.ndarray, vi: np.ndarray) -> tuple[float, float]:
    w = 1 / vi
    mu = float(np.sum(w * yi) / np.sum(w))
    return float(np.sum(w * (yi - mu) ** 2)), mu


def _tau2_dl(yi: np.ndarray, vi: np.ndarray) -> float:
    w = 1 / vi
    q, _ = _q(yi, vi)
    return max(0.0, (q - (len(yi) - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w)))


def _tau2_reml(yi: np.ndarray, vi: np.ndarray, tol: float = 1e-10, max_iter: int = 200) -> float:
    """Fisher scoring on the restricted likelihood (as metafor does), started at the DL value."""
    tau2 = _tau2_dl(yi, vi)
    for _ in range(max_iter):
        w = 1 / (vi + tau2)
        mu = np.sum(w * yi) / np.sum(w)
        p_y = w * (yi - mu)
        trace_p = np.sum(w) - np.sum(w**2) / np.sum(w)
        # Fisher scoring step: (y'PPy - tr(P)) / tr(PP)
        p_matrix = np.diag(w) - np.outer(w, w) / np.sum(w)
        step = (float(p_y @ p_y) - trace_p) / float(np.sum(p_matrix * p_matrix))
        new = max(0.0, tau2 + step)
        if abs(new - tau2) < tol:
            return new
        tau2 = new
    return tau2


def random_effects(yi: np.ndarray, vi: np.ndarray, method: str = "REML", measure: str = "RR") -> MetaResult:
    """Pool effects ``yi`` (log ratios, or differences for ``RD``) with variances ``vi``.

    ``method`` is ``DL``, ``REML`` or ``EE`` (common effect, inverse variance).
    """
    if method not in ("DL", "REML", "EE"):
        raise InputError("method", method, "DL, REML, EE")
    if measure not in _MEASURES:
        raise InputError("measure", measure, ", ".join(_MEASURES))
    if len(yi) < 1:
        raise InputError("studies", 0, "at least one study")
    # With one study tau^2 is not identifiable (its DL formula is 0/0): 0, as metafor reports.
    tau2 = 0.0 if len(yi) == 1 or method == "EE" else _tau2_dl(yi, vi) if method == "DL" else _tau2_reml(yi, vi)
    q, _ = _q(yi, vi)
    w = 1 / (vi + tau2)
    est = float(np.sum(w * yi) / np.sum(w))
    se = math.sqrt(1 / float(np.sum(w)))
    k = len(yi)
    i2 = max(0.0, (q - (k - 1)) / q) * 100 if q > 0 else 0.0
    if method == "REML" and k > 1:  # metafor's I^2 uses tau^2 over the typical within-study variance
        wf = 1 / vi
        typical = (k - 1) * np.sum(wf) / (np.sum(wf) ** 2 - np.sum(wf**2))
        i2 = 100 * tau2 / (tau2 + typical)
    z = est / se
    p = math.erfc(abs(z) / math.sqrt(2))
    ci = (est - Z95 * se, est + Z95 * se)
    if measure == "RD":
        return MetaResult(method, measure, k, est, se, ci, est, ci, tau2, q, i2, z, p)
    return MetaResult(method, measure, k, est, se, ci, math.exp(est), (math.exp(ci[0]), math.exp(ci[1])), tau2, q,
                      i2, z, p)  # fmt: skip


def pool(studies: Sequence[TwoByTwo], measure: str = "RR", method: str = "REML") -> MetaResult:
    """Effect sizes then :func:`random_effects`: the whole meta-analysis of two-arm counts."""
    yi, vi = effect_sizes(studies, measure)
    return random_effects(yi, vi, method, measure)
