"""Maudsley Staging Method (S20) and Thase-Rush stages (S21)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.staging import maudsley, thase_rush_stage


def _msm(**kw):  # type: ignore[no-untyped-def]
    base = {"duration_months": 6, "severity": "mild", "psychotic_features": False, "failed_trials": 1,
            "augmentation_used": False, "ect_used": False}  # fmt: skip
    return maudsley(**(base | kw))


@pytest.mark.parametrize(("months", "points"), [(12, 1), (12.5, 2), (24, 2), (25, 3)])
def test_s20_duration_points(months: float, points: int) -> None:
    assert _msm(duration_months=months).duration_points == points


@pytest.mark.parametrize(
    ("severity", "psychotic", "points"),
    [("subsyndromal", False, 1), ("mild", False, 2), ("moderate", False, 3), ("severe", False, 4), ("severe", True, 5)],
)
def test_s20_severity_points(severity: str, psychotic: bool, points: int) -> None:
    assert _msm(severity=severity, psychotic_features=psychotic).severity_points == points


@pytest.mark.parametrize(
    ("failed", "points"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4), (11, 5)]
)
def test_s20_failure_levels(failed: int, points: int) -> None:
    assert _msm(failed_trials=failed).failure_points == points


@pytest.mark.parametrize(("score_kw", "band"), [
    ({"duration_months": 6, "severity": "subsyndromal", "failed_trials": 1}, "mild"),  # 3
    ({"duration_months": 30, "severity": "mild", "failed_trials": 2}, "mild"),  # 6
    ({"duration_months": 30, "severity": "moderate", "failed_trials": 2}, "moderate"),  # 7
    ({"duration_months": 30, "severity": "severe", "psychotic_features": True, "failed_trials": 5}, "severe"),  # 11
])  # fmt: skip
def test_s20_bands(score_kw: dict, band: str) -> None:
    assert _msm(**score_kw).band == band


def test_augmentation_and_ect_points_counted_by_default_as_published() -> None:
    # Fekadu 2009 (fekadu-2009): augmentation +1 and ECT +1; mild episode 6 months, 1 failure = 1 + 2 + 1 = 4 -> 6
    counted = _msm(augmentation_used=True, ect_used=True)
    assert (counted.score, counted.augmentation_points, counted.ect_points, counted.source) == (6, 1, 1, "fekadu-2009")
    left_out = _msm(augmentation_used=True, ect_used=True, count_augmentation_and_ect=False)
    assert left_out.score + 2 == counted.score == left_out.score_if_all_counted
    assert left_out.augmentation_points is None and counted.ect_points == 1
    assert any("not counted" in n for n in left_out.notes)


@settings(max_examples=80, deadline=None)
@given(
    st.floats(0, 240), st.sampled_from(["subsyndromal", "mild", "moderate", "severe"]), st.booleans(),
    st.integers(1, 30), st.booleans(), st.booleans(),
)  # fmt: skip
def test_s20_total_range_is_3_to_15(months: float, severity: str, psy: bool, failed: int, aug: bool, ect: bool) -> None:
    m = maudsley(duration_months=months, severity=severity, psychotic_features=psy, failed_trials=failed,
                 augmentation_used=aug, ect_used=ect, count_augmentation_and_ect=True)  # fmt: skip
    assert 3 <= m.score <= 15
    assert m.band == ("mild" if m.score <= 6 else "moderate" if m.score <= 10 else "severe")


@pytest.mark.parametrize(
    ("classes", "ect", "stage"),
    [
        (set(), None, 0),
        ({"SSRI"}, None, 1),
        ({"SSRI", "SNRI"}, None, 2),
        ({"SSRI", "TCA"}, None, 2),  # the TCA must come besides two other classes
        ({"SSRI", "SNRI", "TCA"}, None, 3),
        ({"SSRI", "SNRI", "TCA", "MAOI"}, None, 4),
        ({"SSRI", "SNRI", "TCA", "MAOI"}, True, 5),
        ({"SSRI", "SNRI", "MAOI"}, True, 2),
    ],
)
def test_s21_thase_rush_stages(classes: set, ect: bool | None, stage: int) -> None:
    assert thase_rush_stage(classes, ect_failed_bilateral=ect) == stage


@settings(max_examples=60, deadline=None)
@given(
    st.sets(st.sampled_from(["SSRI", "SNRI", "TCA", "MAOI", "NDRI", "NaSSA"])), st.sampled_from(["TCA", "MAOI", "SNRI"])
)
def test_thase_rush_is_monotone_in_failed_classes(classes: set, extra: str) -> None:
    assert thase_rush_stage(classes | {extra}, ect_failed_bilateral=True) >= thase_rush_stage(
        classes, ect_failed_bilateral=True
    )
