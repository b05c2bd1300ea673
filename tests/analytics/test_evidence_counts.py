"""Esketamine per-arm counts (source cpt-2020-benefit-risk, Tables 1-2) and the risk-difference path of meta.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.analytics.evidence import evidence_rows
from ketamine_trd.analytics.evidence_counts import contrast, contrast_rows, solve_counts
from ketamine_trd.analytics.meta import TwoByTwo, effect_sizes, pool
from ketamine_trd.errors import InputError

ROWS = contrast_rows()
IDS = [f"{r.trial}-{r.arm}-{r.outcome}" for r in ROWS]

# The source prints the interval limits to two decimals (+/- 0.005 pp); 0.001 more covers floating point.
CI_TOLERANCE_PP = 0.006


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_counts_reproduce_the_published_percentages_and_difference(row) -> None:  # type: ignore[no-untyped-def]
    """cpt-2020-benefit-risk Tables 1-2: % responders/remitters per arm and the risk difference (one decimal)."""
    a, n1, c, n2 = row.counts
    assert round(100 * a / n1, 1) == row.pct_t and round(100 * c / n2, 1) == row.pct_c
    assert round(100 * (a / n1 - c / n2), 1) == row.rd_pp


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_counts_are_the_only_whole_numbers_that_fit(row) -> None:  # type: ignore[no-untyped-def]
    """Re-derive each table from the published figures: exactly one solution in arms of 30-130."""
    assert solve_counts(row.pct_t, row.pct_c, row.rd_ci_pp) == (row.counts,)


def test_a_shifted_interval_has_no_solution() -> None:
    """The solver discriminates: TRANSFORM-2 response with its lower limit moved by 0.5 pp fits no table."""
    assert solve_counts(69.3, 52.0, (4.51, 30.60)) == ()


def test_placebo_arms_agree_across_outcomes_and_doses() -> None:
    """One placebo arm per trial: the same n for response and remission, shared by TRANSFORM-1's two doses."""
    placebo: dict[str, set[int]] = {}
    for r in ROWS:
        placebo.setdefault(r.trial, set()).add(r.counts[3])
    assert all(len(ns) == 1 for ns in placebo.values()), placebo
    t1 = [r.counts[2:] for r in contrast_rows("response") if r.trial == "TRANSFORM-1"]
    assert len(t1) == 2 and t1[0] == t1[1]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@pytest.mark.parametrize("method", ["EE", "REML", "DL"])
def test_risk_difference_path_reproduces_the_published_interval(row, method: str) -> None:  # type: ignore[no-untyped-def]
    """meta.pool(measure='RD') on one arm gives the source's risk difference and 95% CI (Wald, no correction)."""
    r = pool([row.two_by_two()], "RD", method)
    assert r.k == 1 and r.tau2 == 0.0
    assert round(100 * r.pooled, 1) == row.rd_pp
    assert 100 * r.pooled_ci[0] == pytest.approx(row.rd_ci_pp[0], abs=CI_TOLERANCE_PP)
    assert 100 * r.pooled_ci[1] == pytest.approx(row.rd_ci_pp[1], abs=CI_TOLERANCE_PP)


def test_response_percentages_match_the_evidence_table() -> None:
    """The two transcriptions agree: each response percentage appears in its trial's evidence row (fedgchin-2019,
    popova-2019, ochs-ross-2020)."""
    results = {r.trial: r.result for r in evidence_rows()}
    for row in contrast_rows("response"):
        assert f"{row.pct_t:.1f}%" in results[row.trial] and f"{row.pct_c:.1f}%" in results[row.trial]


def test_lookups_refuse_unknown_names() -> None:
    assert contrast("TRANSFORM-1", "remission", "esketamine 84 mg").counts == (38, 98, 33, 108)
    with pytest.raises(InputError):
        contrast("TRANSFORM-1", "response")  # two doses: the arm must be named
    with pytest.raises(InputError):
        contrast("TRANSFORM-9", "response")
    with pytest.raises(InputError):
        contrast_rows("relapse")
    with pytest.raises(InputError):
        solve_counts(50.0, 40.0, (0.0, 1.0), n_min=0)


def test_risk_difference_zero_cells_keep_a_positive_variance() -> None:
    yi, vi = effect_sizes([TwoByTwo("none", 0, 20, 0, 20), TwoByTwo("one arm", 0, 20, 5, 20)], "RD")
    assert yi[0] == 0.0 and vi[0] > 0
    assert yi[1] == pytest.approx(-0.25) and vi[1] == pytest.approx(0.25 * 0.75 / 20)  # no correction needed


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 40), st.integers(0, 40), st.integers(1, 40)),
        min_size=2,
        max_size=6,
    ),
    st.sampled_from(["DL", "REML"]),
)
def test_pooled_risk_difference_lies_between_study_differences(
    cells: list[tuple[int, int, int, int]], method: str
) -> None:
    studies = [TwoByTwo(f"s{i}", a, a + b, c, c + d) for i, (a, b, c, d) in enumerate(cells)]
    yi, _ = effect_sizes(studies, "RD")
    r = pool(studies, "RD", method)
    assert -1 <= r.pooled <= 1 and r.tau2 >= 0
    assert yi.min() - 1e-9 <= r.pooled <= yi.max() + 1e-9
    assert r.pooled_ci[0] < r.pooled < r.pooled_ci[1]
