"""The analytics recover the effects the synthetic generator was given (synth_figures), within tolerances.

Tolerances are about three standard errors at n = 8000 (seed 2024); the figures themselves are the
published values (mcinnes-2022, popova-2019, S13, niciu-2014, luckenbaugh-2014, S25, turkoz-2021).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.analytics.outcomes import summarise_outcomes
from ketamine_trd.analytics.predict import build_features
from ketamine_trd.analytics.survival import analyse_durability, durability_frame
from ketamine_trd.analytics.synth import generate_registry, true_effects
from ketamine_trd.analytics.synth_assessments import item_scores
from ketamine_trd.analytics.synth_figures import FIGURES
from ketamine_trd.errors import InputError


def _group(summary: Any, name: str) -> Any:
    return next(g for g in summary.by_group if g.by == "product_route" and g.group == name)


def test_response_and_remission_rates_by_route(large_frames: dict[str, Any]) -> None:
    summary = summarise_outcomes(large_frames)
    iv, esk = _group(summary, "racemic_ketamine iv"), _group(summary, "esketamine intranasal")
    assert iv.response_rate == pytest.approx(FIGURES["iv_response_rate"].value, abs=0.03)
    assert iv.remission_rate == pytest.approx(FIGURES["iv_remission_rate"].value, abs=0.03)
    assert esk.response_rate == pytest.approx(FIGURES["esk_response_rate"].value, abs=0.035)
    assert esk.remission_rate == pytest.approx(FIGURES["esk_remission_rate"].value, abs=0.035)
    assert iv.response_rate_ci[0] < iv.response_rate < iv.response_rate_ci[1]


def test_predictor_effects_are_recovered_by_logistic_regression(large_frames: dict[str, Any]) -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = build_features(large_frames)
    iv = x["route_iv"] == 1
    cols = ["bmi_kg_m2", "family_history_aud", "cadss_first_session", "age_years", "maudsley_score"]
    data = x.loc[iv, cols].copy()
    for c in ("bmi_kg_m2", "cadss_first_session", "age_years", "maudsley_score"):
        data[c] = (data[c] - data[c].mean()) / data[c].std()
    model = LogisticRegression(C=1e6, max_iter=1000).fit(data, y[iv])
    fitted = dict(zip(cols, model.coef_[0], strict=True))
    given_ = true_effects()
    assert fitted["bmi_kg_m2"] == pytest.approx(given_["bmi_per_sd"], abs=0.12)
    assert fitted["family_history_aud"] == pytest.approx(given_["family_history_aud"], abs=0.25)
    assert fitted["cadss_first_session"] == pytest.approx(given_["iv_cadss_per_sd"], abs=0.12)
    assert abs(fitted["age_years"]) < 0.12 and abs(fitted["maudsley_score"]) < 0.12  # no effect given (NF)


def test_early_response_operating_characteristics_iv(large_frames: dict[str, Any]) -> None:
    x, y = build_features(large_frames)
    iv = x["route_iv"] == 1
    early = x.loc[iv, "early_improvement_pct"] >= 50
    sensitivity = early[y[iv] == 1].mean()
    specificity = 1 - early[y[iv] == 0].mean()
    assert sensitivity == pytest.approx(FIGURES["iv_early_sensitivity"].value, abs=0.03)
    assert specificity == pytest.approx(FIGURES["iv_early_specificity"].value, abs=0.03)


def test_iv_durability_matches_orka1_landmarks(large_frames: dict[str, Any]) -> None:
    result = analyse_durability(large_frames)
    iv = next(g for g in result.groups if g.group == "racemic_ketamine iv")
    assert iv.sustained_at["28"] == pytest.approx(FIGURES["iv_sustained_28"].value, abs=0.035)
    assert iv.sustained_at["56"] == pytest.approx(FIGURES["iv_sustained_56"].value, abs=0.035)
    assert result.logrank_p is not None and result.logrank_p < 1e-6  # routes were given different curves


def test_esketamine_maintenance_hazard_ratio_and_median(large_frames: dict[str, Any]) -> None:
    from lifelines import CoxPHFitter

    table = durability_frame(large_frames)
    esk = table[table["product_route"] == "esketamine intranasal"]
    data = esk.assign(maintenance=esk["maintenance"].astype(float), lost=esk["lost"].astype(int))
    cox = CoxPHFitter().fit(data[["duration_days", "lost", "maintenance"]], "duration_days", "lost")
    hr = float(np.exp(cox.params_["maintenance"]))
    assert hr == pytest.approx(FIGURES["esk_maintenance_hr"].value, abs=0.12)
    from lifelines import KaplanMeierFitter

    withdrawn = esk[~esk["maintenance"].astype(bool)]
    km = KaplanMeierFitter().fit(withdrawn["duration_days"], withdrawn["lost"])
    assert km.median_survival_time_ == pytest.approx(FIGURES["esk_median_relapse_days"].value, rel=0.15)
    by_maintenance = analyse_durability(large_frames, group_by="maintenance")
    assert {g.group for g in by_maintenance.groups} == {"False", "True"}


def test_same_seed_same_registry_and_different_seed_differs() -> None:
    a, b, c = (generate_registry(60, seed=s).frames["assessments"] for s in (5, 5, 6))
    assert a.equals(b) and not a.equals(c)


def test_generator_refuses_bad_sizes() -> None:
    with pytest.raises(InputError):
        generate_registry(0, seed=1)
    with pytest.raises(InputError):
        generate_registry(5, seed=-1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 27), min_size=1, max_size=20), st.integers(0, 2**31))
def test_item_scores_sum_to_totals_and_stay_in_range(totals: list[int], seed: int) -> None:
    scores = item_scores(np.random.default_rng(seed), np.array(totals), 9, 3)
    assert scores.sum(axis=1).tolist() == totals
    assert scores.min() >= 0 and scores.max() <= 3


def test_item_totals_match_assessments(small_registry: Any) -> None:
    items = small_registry.frames["assessment_items"].groupby("assessment_id")["item_score"].sum()
    totals = small_registry.frames["assessments"].set_index("assessment_id")["total_score"]
    assert (items.reindex(totals.index) == totals).all()


def test_maintenance_phase_rate_is_the_share_not_relapsed(large_frames: dict[str, Any]) -> None:
    summary = summarise_outcomes(large_frames)
    phase = next(g for g in summary.by_group if g.by == "phase" and g.group.startswith("maintenance"))
    courses = large_frames["courses"]
    maint = courses[courses["maintenance"]]
    relapsed = (maint["end_reason"] == "relapse").mean()
    assert phase.n == len(maint)
    assert phase.response_rate == pytest.approx(1 - relapsed, abs=1e-3)
