"""Durability: Kaplan-Meier time to loss of response after induction, by group, with log-rank tests.

Uses lifelines (``KaplanMeierFitter``, ``multivariate_logrank_test``). The endpoint is
:data:`~ketamine_trd.analytics.definitions.DURABILITY_DEFINITION`; results are estimates with
intervals, never exceptions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ketamine_trd.analytics.course_table import course_outcomes, durability_table
from ketamine_trd.analytics.definitions import DURABILITY_DEFINITION, Definition
from ketamine_trd.errors import DependencyMissing, InputError

__all__ = [
    "GROUP_BY",
    "INTERVAL_METHOD",
    "LANDMARK_DAYS",
    "MEDIAN_CONVENTION",
    "DurabilityResult",
    "GroupDurability",
    "analyse_durability",
    "plot_durability",
    "plot_durability_table",
]

LANDMARK_DAYS = (28, 56)  # 4 and 8 weeks, as reported by ORKA-1 (mcinnes-2022)

INTERVAL_METHOD = (
    "pointwise 95% intervals of S(t) at the landmarks: log-log (exponential Greenwood, lifelines' method; "
    "R survival's conf.type = 'log-log', not its default 'log')"
)
MEDIAN_CONVENTION = (
    "median = the first time S(t) <= 0.5 (lifelines); where S(t) is exactly 0.5 over a plateau, R survival reports "
    "the midpoint of the plateau instead, so the two can differ there"
)
GROUP_BY = ("product_route", "maintenance")  # the per-responder table's grouping columns


@dataclass(frozen=True, slots=True)
class GroupDurability:
    """Kaplan-Meier summaries of one group."""

    group: str
    n: int
    events: int
    median_days_to_relapse: float | None
    sustained_at: dict[str, float]
    sustained_ci: dict[str, tuple[float, float]]


@dataclass(frozen=True, slots=True)
class DurabilityResult:
    """Overall and per-group durability, the log-rank test between groups, the definition used."""

    n: int
    events: int
    median_days_to_relapse: float | None
    sustained_at: dict[str, float]
    sustained_ci: dict[str, tuple[float, float]]
    group_by: str
    groups: tuple[GroupDurability, ...]
    logrank_p: float | None
    logrank_statistic: float | None
    definition: Definition
    interval_method: str = INTERVAL_METHOD
    median_convention: str = MEDIAN_CONVENTION


def _lifelines() -> Any:
    try:
        import lifelines
    except ImportError as exc:  # pragma: no cover - lifelines is in the analytics extra
        raise DependencyMissing("lifelines", "analytics") from exc
    return lifelines


def _fit(label: str, table: Any) -> tuple[Any, GroupDurability]:
    lifelines = _lifelines()
    km = lifelines.KaplanMeierFitter(label=label).fit(table["duration_days"], table["lost"])
    median = float(km.median_survival_time_)
    ci = km.confidence_interval_survival_function_
    sustained, bounds = {}, {}
    for day in LANDMARK_DAYS:
        sustained[str(day)] = round(float(km.survival_function_at_times(day).iloc[0]), 4)
        row = ci[ci.index <= day].iloc[-1]
        bounds[str(day)] = (round(float(row.iloc[0]), 4), round(float(row.iloc[1]), 4))
    summary = GroupDurability(
        label,
        len(table),
        int(table["lost"].sum()),
        None if math.isinf(median) else round(median, 1),
        sustained,
        bounds,
    )
    return km, summary


def durability_frame(frames: dict[str, Any]) -> Any:
    """Per-responder durations (pandas), from an export or a Dask registry (computed here)."""
    outcomes = course_outcomes(frames["courses"], frames["assessments"])
    table = durability_table(frames["courses"], frames["assessments"], outcomes)
    return table.compute() if hasattr(table, "compute") else table


def analyse_durability(frames: dict[str, Any], group_by: str = "product_route") -> DurabilityResult:
    """Kaplan-Meier median and landmark (28, 56 days) sustained response, overall and by group."""
    _check_group_by(group_by)  # before the reduction, not after it
    table = durability_frame(frames)
    return durability_from_table(table, group_by)


def _check_group_by(group_by: str) -> None:
    if group_by not in GROUP_BY:
        raise InputError("--group-by", group_by, ", ".join(GROUP_BY))


def durability_from_table(table: Any, group_by: str = "product_route") -> DurabilityResult:
    """The same analysis on a precomputed per-responder table (``duration_days``, ``lost``, groups)."""
    _check_group_by(group_by)
    lifelines = _lifelines()
    if len(table) == 0:
        raise InputError("assessments.csv:total_score", "none", "at least one responder at the review",
                         reason="gives no responder")  # fmt: skip
    table = table.assign(group=table[group_by].astype(str))
    _, overall = _fit("all", table)
    groups = [_fit(str(name), sub)[1] for name, sub in table.groupby("group")]
    p = stat = None
    if len(groups) > 1:
        test = lifelines.statistics.multivariate_logrank_test(table["duration_days"], table["group"], table["lost"])
        p, stat = float(test.p_value), round(float(test.test_statistic), 3)
    return DurabilityResult(
        n=overall.n,
        events=overall.events,
        median_days_to_relapse=overall.median_days_to_relapse,
        sustained_at=overall.sustained_at,
        sustained_ci=overall.sustained_ci,
        group_by=group_by,
        groups=tuple(groups),
        logrank_p=p,
        logrank_statistic=stat,
        definition=DURABILITY_DEFINITION,
    )


def plot_durability(frames: dict[str, Any], path: str, group_by: str = "product_route", *, synthetic: bool) -> None:
    """Kaplan-Meier curves by group with numbers at risk, to a PNG."""
    plot_durability_table(durability_frame(frames), path, group_by, synthetic=synthetic)


def plot_durability_table(table: Any, path: str, group_by: str = "product_route", *, synthetic: bool) -> None:
    """:func:`plot_durability` from the per-responder table already reduced by :func:`durability_frame`."""
    from lifelines.plotting import add_at_risk_counts

    from ketamine_trd.analytics.plotting import pyplot

    _check_group_by(group_by)
    plt = pyplot()
    table = table.assign(group=table[group_by].astype(str))
    fig, ax = plt.subplots(figsize=(8, 5))
    fitters = []
    for name, sub in table.groupby("group"):
        km, _ = _fit(str(name), sub)
        km.plot_survival_function(ax=ax, ci_show=True)
        fitters.append(km)
    for day in LANDMARK_DAYS:
        ax.axvline(day, color="grey", linestyle=":", linewidth=0.8)
    ax.set_xlabel("days since end-of-induction review")
    ax.set_ylabel("sustained response (Kaplan-Meier)")
    ax.set_title("Durability after induction" + (" - SYNTHETIC DATA" if synthetic else ""))
    add_at_risk_counts(*fitters, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
