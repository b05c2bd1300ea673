"""One row per course: baseline, end-of-induction review, response, remission and durability times.

Written only with operations that pandas and Dask DataFrames share (filter, merge, groupby with
min/max/count), so that the same code reduces an in-memory export and a larger-than-memory Dask
registry; the result (one row per course) is small and is analysed in memory.
"""

from __future__ import annotations

from typing import Any

from ketamine_trd.analytics.definitions import (
    DEFAULT_REMISSION_PROFILE,
    REMISSION_PROFILES,
    RESPONSE_MAX_FRACTION_OF_BASELINE,
)

__all__ = ["REVIEW_WINDOW_DAYS", "course_outcomes", "durability_table"]

REVIEW_WINDOW_DAYS = 7  # platform-defined: the review assessment lies within 7 days of induction_end_date


def _primary(courses: Any, assessments: Any) -> Any:
    cols = ["course_id", "primary_scale", "product", "route", "maintenance", "review_day"]
    base = courses.assign(review_day=(courses["induction_end_date"] - courses["start_date"]).dt.days)[cols]
    merged = assessments[["course_id", "instrument", "day", "total_score"]].merge(base, on="course_id")
    return merged[merged["instrument"] == merged["primary_scale"]]


def course_outcomes(courses: Any, assessments: Any, profile_id: str = DEFAULT_REMISSION_PROFILE) -> Any:
    """Per-course ``baseline``, ``review_score``, ``responded``, ``remitted`` and induction sessions.

    Works on pandas or Dask frames (returns the same kind). Courses without a baseline
    (day <= 0) or without a review assessment are left out; ``n_dropped`` is the difference.
    """
    profile = REMISSION_PROFILES[profile_id]
    prim = _primary(courses, assessments)
    baseline = prim[prim["day"] <= 0].groupby("course_id")["day"].max().rename("baseline_day").reset_index()
    base_rows = prim.merge(baseline, on="course_id")
    base_rows = base_rows[base_rows["day"] == base_rows["baseline_day"]]
    base_score = base_rows.groupby("course_id")["total_score"].max().rename("baseline").reset_index()

    near = prim.assign(dist=(prim["day"] - prim["review_day"]).abs())
    near = near[(near["dist"] <= REVIEW_WINDOW_DAYS) & (near["day"] > 0)]
    best = near.groupby("course_id")["dist"].min().rename("best").reset_index()
    near = near.merge(best, on="course_id")
    near = near[near["dist"] == near["best"]]
    review = near.groupby("course_id").agg(review_score=("total_score", "max"), review_day=("review_day", "max"))
    review = review.reset_index()

    keep = ["course_id", "primary_scale", "product", "route", "maintenance"]
    out = courses[keep].merge(base_score, on="course_id").merge(review, on="course_id")
    cutoff = (
        out["primary_scale"].map(profile.by_scale, meta=("primary_scale", "f8"))
        if _is_dask(out)
        else out["primary_scale"].map(profile.by_scale)
    )
    return out.assign(
        responded=out["review_score"] <= RESPONSE_MAX_FRACTION_OF_BASELINE * out["baseline"],
        remitted=out["review_score"] <= cutoff,
        product_route=out["product"].astype(str) + " " + out["route"].astype(str),
    )


def durability_table(courses: Any, assessments: Any, outcomes: Any) -> Any:
    """Responders' time from the review to loss of response (``duration_days``, ``lost``)."""
    prim = _primary(courses, assessments)
    resp = outcomes[outcomes["responded"]][["course_id", "baseline", "review_day", "product_route", "maintenance"]]
    after = prim[["course_id", "day", "total_score"]].merge(resp, on="course_id")
    after = after[after["day"] > after["review_day"]]
    lost = after[after["total_score"] > RESPONSE_MAX_FRACTION_OF_BASELINE * after["baseline"]]
    first_lost = lost.groupby("course_id")["day"].min().rename("lost_day").reset_index()
    last_seen = after.groupby("course_id")["day"].max().rename("last_day").reset_index()
    table = resp.merge(last_seen, on="course_id", how="left").merge(first_lost, on="course_id", how="left")
    end = table["lost_day"].fillna(table["last_day"]).fillna(table["review_day"])
    return table.assign(
        duration_days=end - table["review_day"],
        lost=~table["lost_day"].isna(),
    )


def _is_dask(frame: Any) -> bool:
    return type(frame).__module__.startswith("dask")
