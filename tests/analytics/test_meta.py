"""Random-effects meta-analysis checked against published pooled values (metan / metafor, dat.bcg)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from ketamine_trd.analytics.evidence import evidence_rows, pooled_from_table, rows_to_pool
from ketamine_trd.analytics.meta import TwoByTwo, effect_sizes, pool, random_effects
from ketamine_trd.errors import InputError

# BCG vaccine trials (source colditz-1994): tpos, total vaccinated, cpos, total controls.
BCG = [
    TwoByTwo("Aronson 1948", 4, 123, 11, 139),
    TwoByTwo("Ferguson & Simes 1949", 6, 306, 29, 303),
    TwoByTwo("Rosenthal 1960", 3, 231, 11, 220),
    TwoByTwo("Hart & Sutherland 1977", 62, 13598, 248, 12867),
    TwoByTwo("Frimodt-Moller 1973", 33, 5069, 47, 5808),
    TwoByTwo("Stein & Aronson 1953", 180, 1541, 372, 1451),
    TwoByTwo("Vandiviere 1973", 8, 2545, 10, 629),
    TwoByTwo("TPT Madras 1980", 505, 88391, 499, 88391),
    TwoByTwo("Coetzee & Berjak 1968", 29, 7499, 45, 7277),
    TwoByTwo("Rosenthal 1961", 17, 1716, 65, 1665),
    TwoByTwo("Comstock 1974", 186, 50634, 141, 27338),
    TwoByTwo("Comstock & Webster 1969", 5, 2498, 3, 2341),
    TwoByTwo("Comstock 1976", 27, 16913, 29, 17854),
]


def test_dersimonian_laird_rr_matches_published_metan_values() -> None:
    """viechtbauer-2010: rma(method='DL', measure='RR') on dat.bcg equals Stata metan."""
    r = pool(BCG, "RR", "DL")
    assert round(r.estimate, 3) == -0.714
    assert (round(r.ci[0], 3), round(r.ci[1], 3)) == (-1.064, -0.364)
    assert round(r.z, 2) == -4.00 and round(r.tau2, 4) == 0.3088 and round(r.i2, 1) == 92.1
    assert (round(r.pooled, 3), round(r.pooled_ci[0], 3), round(r.pooled_ci[1], 3)) == (0.490, 0.345, 0.695)


def test_dersimonian_laird_or_and_common_effect_match_published_values() -> None:
    r = pool(BCG, "OR", "DL")
    assert (round(r.estimate, 3), round(r.tau2, 4), round(r.i2, 1), round(r.z, 2)) == (-0.747, 0.3663, 92.6, -3.89)
    ee = pool(BCG, "RR", "EE")
    assert (round(ee.estimate, 3), round(ee.q, 2), round(ee.z, 2)) == (-0.430, 152.23, -10.62)


def _restricted_loglik(tau2: float, yi: np.ndarray, vi: np.ndarray) -> float:
    w = 1 / (vi + tau2)
    mu = np.sum(w * yi) / np.sum(w)
    return float(-0.5 * (np.sum(np.log(vi + tau2)) + math.log(np.sum(w)) + np.sum(w * (yi - mu) ** 2)))


def test_reml_maximises_the_restricted_likelihood() -> None:
    yi, vi = effect_sizes(BCG, "RR")
    found = minimize_scalar(lambda t: -_restricted_loglik(t, yi, vi), bounds=(0, 5), method="bounded",
                            options={"xatol": 1e-10})  # fmt: skip
    r = random_effects(yi, vi, "REML")
    assert r.tau2 == pytest.approx(found.x, abs=1e-5)
    assert r.tau2 > 0 and abs(r.estimate - pool(BCG, "RR", "DL").estimate) < 0.01


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(1, 50), st.integers(0, 50), st.integers(1, 50)),
        min_size=2,
        max_size=8,
    ),
    st.sampled_from(["DL", "REML"]),
)
def test_pooled_estimate_lies_between_study_estimates(cells: list[tuple[int, int, int, int]], method: str) -> None:
    studies = [TwoByTwo(f"s{i}", a, a + b, c, c + d) for i, (a, b, c, d) in enumerate(cells)]
    yi, _ = effect_sizes(studies, "RR")
    r = pool(studies, "RR", method)
    assert r.tau2 >= 0 and 0 <= r.i2 <= 100
    assert yi.min() - 1e-9 <= r.estimate <= yi.max() + 1e-9
    assert r.ci[0] < r.estimate < r.ci[1]


def test_bad_counts_are_refused() -> None:
    with pytest.raises(InputError):
        TwoByTwo("x", 11, 10, 1, 10)
    with pytest.raises(InputError):
        pool(BCG, "HR")


def test_evidence_table_counts_pool_to_the_reported_risk_ratio() -> None:
    """ESCAPE-TRD (S45): remission 91/336 vs 60/340; one study pools to its own RR."""
    r = pooled_from_table("remission", "RR", "REML")
    assert r.k == 1 and r.pooled == pytest.approx((91 / 336) / (60 / 340), rel=1e-9)


def test_evidence_table_holds_bipolar_rows_and_gaps() -> None:
    bipolar = evidence_rows("bipolar")
    assert any(r.trial == "Diazgranados 2010" and r.source == "S41" for r in bipolar)
    assert any(r.confidence == "NF" for r in bipolar)
    assert all(r.source for r in evidence_rows())


def test_transcribed_counts_reproduce_the_published_percentages() -> None:
    """Every row with counts matches its own reported percentages (S45, S13)."""
    published = {
        "ESCAPE-TRD": (27.1, 17.6),
        "SUSTAIN-1 (stable remitters)": (26.7, 45.3),
        "SUSTAIN-1 (stable responders)": (25.8, 57.6),
    }
    rows = {r.trial: r.counts for r in evidence_rows() if r.counts}
    assert set(rows) == set(published)
    for trial, (pct_t, pct_c) in published.items():
        a, n1, c, n2 = rows[trial]
        assert round(100 * a / n1, 1) == pct_t and round(100 * c / n2, 1) == pct_c


def test_sustain1_strata_pool_to_a_relapse_risk_ratio_below_one() -> None:
    r = pooled_from_table("relapse in stable", "RR", "REML")
    assert r.k == 2 and r.pooled < 1 and r.pooled_ci[1] < 1


def test_rows_to_pool_are_the_rows_pooled_and_refuse_an_outcome_without_counts() -> None:
    # S13: SUSTAIN-1 reports counts per stratum; "relapse" in an outcome without counts pools nothing else.
    rows = rows_to_pool("RELAPSE IN STABLE")
    assert [r.trial for r in rows] == ["SUSTAIN-1 (stable remitters)", "SUSTAIN-1 (stable responders)"]
    assert pooled_from_table("relapse in stable").k == len(rows)
    with pytest.raises(InputError):
        rows_to_pool("manic/hypomanic switch")
