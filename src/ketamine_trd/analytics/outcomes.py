"""Cohort outcomes: response and remission rates with Wilson intervals, by group; mean trajectories.

>>> wilson(50, 100)
(0.4038, 0.5962)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ketamine_trd.analytics.course_table import course_outcomes
from ketamine_trd.analytics.definitions import (
    DEFAULT_REMISSION_PROFILE,
    REMISSION_PROFILES,
    RESPONSE_DEFINITION,
    RESPONSE_MAX_FRACTION_OF_BASELINE,
    Definition,
)
from ketamine_trd.analytics.meta import Z95
from ketamine_trd.analytics.registry_io import all_synthetic
from ketamine_trd.errors import InputError

__all__ = ["GroupRate", "OutcomeSummary", "TrajectoryPoint", "plot_outcomes", "summarise_outcomes", "wilson"]


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (rounded to 4 decimals)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


@dataclass(frozen=True, slots=True)
class GroupRate:
    """Response and remission in one group (``by`` names the grouping, ``group`` its value)."""

    by: str
    group: str
    n: int
    response_rate: float
    response_rate_ci: tuple[float, float]
    remission_rate: float
    remission_rate_ci: tuple[float, float]


@dataclass(frozen=True, slots=True)
class TrajectoryPoint:
    """Mean score as a percentage of baseline on one day, with a 95% band, in one group."""

    group: str
    day: int
    n: int
    mean_pct_of_baseline: float
    band: tuple[float, float]


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    """Cohort outcomes with the definitions that produced them."""

    n: int
    n_courses: int
    response_rate: float
    response_rate_ci: tuple[float, float]
    remission_rate: float
    remission_rate_ci: tuple[float, float]
    by_group: tuple[GroupRate, ...]
    trajectories: tuple[TrajectoryPoint, ...]
    response_definition: Definition
    remission_profile: str
    remission_cutoffs: dict[str, int] = field(default_factory=dict)
    synthetic: bool = False


def _rate(frame: Any, by: str, group: str) -> GroupRate:
    n, k_resp, k_rem = len(frame), int(frame["responded"].sum()), int(frame["remitted"].sum())
    return GroupRate(by, group, n, round(k_resp / n, 4), wilson(k_resp, n), round(k_rem / n, 4), wilson(k_rem, n))


def _bin_day(day: Any) -> Any:
    """Weekly bins through the review (day 28), then 28-day bins (labelled by their last day)."""
    day = day.clip(lower=0)
    late = 28 + ((day - 28 + 27) // 28) * 28
    return day.where(day > 28, day // 7 * 7).where(day <= 28, late).astype(int)


def _trajectories(per_course: Any, assessments: Any) -> list[TrajectoryPoint]:
    merged = assessments.merge(per_course[["course_id", "baseline", "product_route", "primary_scale"]], on="course_id")
    merged = merged[merged["instrument"] == merged["primary_scale"]]
    merged = merged.assign(
        pct=100.0 * merged["total_score"].astype(float) / merged["baseline"].astype(float),
        week_day=_bin_day(merged["day"]),
    )
    stats = merged.groupby(["product_route", "week_day"])["pct"].agg(["mean", "std", "count"]).reset_index()
    points = []
    for row in stats.itertuples(index=False):
        if row.count < 10:
            continue
        se = (row.std if row.std == row.std else 0.0) / math.sqrt(row.count)
        points.append(
            TrajectoryPoint(
                str(row.product_route),
                int(row.week_day),
                int(row.count),
                round(float(row.mean), 2),
                (round(float(row.mean - Z95 * se), 2), round(float(row.mean + Z95 * se), 2)),
            )
        )
    return points


def _phase_rates(per_course: Any, assessments: Any, overall: GroupRate, profile_id: str) -> list[GroupRate]:
    """Induction review (all courses) and, for courses in maintenance, the last maintenance assessment."""
    out = [GroupRate("phase", "induction review", *_fields(overall))]
    maint = per_course[per_course["maintenance"].fillna(False).astype(bool)]
    later = assessments.merge(maint[["course_id", "baseline", "review_day", "primary_scale"]], on="course_id")
    later = later[(later["instrument"] == later["primary_scale"]) & (later["day"] > later["review_day"])]
    if len(later) == 0:
        return out
    last = later.sort_values(["course_id", "day"]).groupby("course_id").tail(1)
    last = last.assign(
        responded=last["total_score"] <= RESPONSE_MAX_FRACTION_OF_BASELINE * last["baseline"],
        remitted=last["total_score"] <= last["primary_scale"].map(REMISSION_PROFILES[profile_id].by_scale),
    )
    out.append(_rate(last, "phase", "maintenance (last assessment)"))
    return out


def _fields(rate: GroupRate) -> tuple[int, float, tuple[float, float], float, tuple[float, float]]:
    return rate.n, rate.response_rate, rate.response_rate_ci, rate.remission_rate, rate.remission_rate_ci


def summarise_outcomes(frames: dict[str, Any], profile_id: str = DEFAULT_REMISSION_PROFILE) -> OutcomeSummary:
    """Response and remission at the end-of-induction review, overall and by group."""
    if profile_id not in REMISSION_PROFILES:
        raise InputError("--remission-profile", profile_id, ", ".join(REMISSION_PROFILES))
    per_course = course_outcomes(frames["courses"], frames["assessments"], profile_id)
    if len(per_course) == 0:
        raise InputError("assessments.csv:day", "none", "a baseline (day <= 0) and a review assessment per course",
                         reason="gives no course with both")  # fmt: skip
    sessions = frames.get("sessions")
    if sessions is not None and len(sessions):
        counts = sessions[sessions["phase"] == "induction"].groupby("course_id").size().rename("n_sessions")
        per_course = per_course.merge(counts.reset_index(), on="course_id", how="left")
    else:
        per_course = per_course.assign(n_sessions=float("nan"))
    overall = _rate(per_course, "all", "all")
    groups: list[GroupRate] = []
    for by, column in (("product_route", "product_route"), ("induction_sessions", "n_sessions")):
        for value, sub in per_course.groupby(column, dropna=True):
            label = str(int(value)) if isinstance(value, float) else str(value)
            groups.append(_rate(sub, by, label))
    groups.extend(_phase_rates(per_course, frames["assessments"], overall, profile_id))
    return OutcomeSummary(
        n=overall.n,
        n_courses=len(frames["courses"]),
        response_rate=overall.response_rate,
        response_rate_ci=overall.response_rate_ci,
        remission_rate=overall.remission_rate,
        remission_rate_ci=overall.remission_rate_ci,
        by_group=tuple(groups),
        trajectories=tuple(_trajectories(per_course, frames["assessments"])),
        response_definition=RESPONSE_DEFINITION,
        remission_profile=profile_id,
        remission_cutoffs=REMISSION_PROFILES[profile_id].by_scale,
        synthetic=all_synthetic(frames),
    )


def plot_outcomes(summary: OutcomeSummary, path: str) -> None:
    """Rates by product and route with intervals, and mean trajectories with bands, to a PNG."""
    from ketamine_trd.analytics.plotting import pyplot

    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    rows = [g for g in summary.by_group if g.by == "product_route"]
    for offset, (name, attr) in enumerate((("response", "response_rate"), ("remission", "remission_rate"))):
        xs = [i + offset * 0.38 for i in range(len(rows))]
        vals = [getattr(g, attr) for g in rows]
        cis = [getattr(g, f"{attr}_ci") for g in rows]
        err = [[v - c[0] for v, c in zip(vals, cis, strict=True)], [c[1] - v for v, c in zip(vals, cis, strict=True)]]
        left.bar(xs, vals, width=0.36, yerr=err, capsize=3, label=name)
    left.set_xticks([i + 0.19 for i in range(len(rows))], [f"{g.group}\n(n={g.n})" for g in rows])
    left.set_ylim(0, 1)
    left.set_ylabel("proportion at end-of-induction review (95% CI)")
    left.legend()
    for group in sorted({p.group for p in summary.trajectories}):
        pts = [p for p in summary.trajectories if p.group == group]
        days = [p.day for p in pts]
        right.plot(days, [p.mean_pct_of_baseline for p in pts], marker="o", label=group)
        right.fill_between(days, [p.band[0] for p in pts], [p.band[1] for p in pts], alpha=0.2)
    right.axhline(50, color="grey", linestyle="--", linewidth=0.8)
    right.set_xlabel("days since course start")
    right.set_ylabel("primary-scale score, % of baseline (mean, 95% band)")
    right.legend()
    title = "Cohort outcomes" + (" - SYNTHETIC DATA" if summary.synthetic else "")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
