"""Predicted benefit of one schedule, with intervals from parameter and population uncertainty.

>>> r = predict_schedule(ScheduleRequest("ketamine-iv", (35.0,) * 6, (0.0, 2.0, 4.0, 7.0, 9.0, 11.0), n=300, draws=5))
>>> r.label.startswith("model estimate")
True
>>> 0.0 <= r.response_at["day 1"].estimate <= 1.0
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.benefit.calibration import FIT, parameter_draws
from ketamine_trd.pharmacology.benefit.exposure import POTENCY, exposure_per_dose
from ketamine_trd.pharmacology.benefit.model import BenefitParams, DoseSeries
from ketamine_trd.pharmacology.benefit.patient import LABEL
from ketamine_trd.pharmacology.benefit.population import PopulationOutcomes, outcomes, sample_patients
from ketamine_trd.pharmacology.dosing import Regimen

__all__ = ["Estimate", "ScheduleBenefit", "ScheduleRequest", "compare_schedules", "predict_schedule", "request_from"]

REPORT_DAYS = (1.0, 7.0, 14.0, 28.0)
RELAPSE_FREE_WEEKS = (12.0, 24.0)


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """One schedule: route, dose of each session (mg), session times (days), weight (kg), population."""

    route: str
    doses_mg: tuple[float, ...]
    times_d: tuple[float, ...]
    weight_kg: float = 70.0
    minutes: float = 40.0
    n: int = 2000
    seed: int = 1
    draws: int = 30

    def __post_init__(self) -> None:
        if self.route not in POTENCY:
            raise InputError("route", self.route, ", ".join(sorted(POTENCY)))
        if len(self.doses_mg) != len(self.times_d) or not self.doses_mg:
            raise InputError("doses_mg", len(self.doses_mg), f"one dose per session time ({len(self.times_d)})")
        if not (math.isfinite(self.weight_kg) and 20.0 <= self.weight_kg <= 300.0):
            raise InputError("weight_kg", self.weight_kg, "20 to 300 kg")
        if not 1 <= self.draws <= 1000:
            raise InputError("draws", self.draws, "1 to 1000 parameter draws")

    def dose_series(self) -> DoseSeries:
        """Exposures of every session from the PK engine."""
        minutes = self.minutes if self.route.endswith("-iv") else 0.0
        xs = tuple(exposure_per_dose(self.route, d, self.weight_kg, minutes) for d in self.doses_mg)
        return DoseSeries(tuple(self.times_d), xs)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate (calibrated parameters) and its 95% interval (parameter draws x trial-size sampling)."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class ScheduleBenefit:
    """What the model predicts for the schedule; ``label`` says what it is."""

    route: str
    sessions: int
    last_dose_d: float
    response_at: dict[str, Estimate]
    days_in_response_per_session: Estimate
    median_days_to_relapse_after_last: Estimate
    relapse_free: dict[str, Estimate]
    n: int
    seed: int
    label: str = LABEL
    calibration: str = "docs/benefit-model.md#calibration (ktrd benefit calibration)"
    assumptions: tuple[str, ...] = field(default_factory=tuple)


def _summaries(out: PopulationOutcomes, horizon: float) -> dict[str, float]:
    after = out.last_dose_d + 1.0
    values = {f"day {d:g}": out.response_at(d) for d in REPORT_DAYS if d <= horizon}
    values["days_per_session"] = out.days_in_response() / out.n_doses
    values["median_relapse"] = out.median_time_to_relapse_d(after)
    for w in RELAPSE_FREE_WEEKS:
        values[f"{w:g} weeks"] = out.relapse_free(after, 7.0 * w)
    return values


def predict_schedule(request: ScheduleRequest, params: BenefitParams | None = None) -> ScheduleBenefit:
    """Response at set days, days in response per session, time to relapse, relapse-free at 12/24 weeks."""
    doses = request.dose_series()
    horizon = doses.last_d + 1.0 + 7.0 * max(RELAPSE_FREE_WEEKS) + 1.0
    pts = sample_patients(request.n, request.seed)
    p = params or FIT.params
    point = _summaries(outcomes(p, doses, pts, horizon), horizon)
    rng = np.random.default_rng(request.seed + 1)
    vs = parameter_draws(FIT, request.draws, rng)
    sims: dict[str, list[float]] = {k: [] for k in point}
    for i, v in enumerate(vs):
        draw_pts = sample_patients(request.n, request.seed + 100 + i)  # population uncertainty: a fresh sample
        for k, value in _summaries(outcomes(p.with_vector(v), doses, draw_pts, horizon), horizon).items():
            sims[k].append(value)

    def est(k: str) -> Estimate:
        arr = np.asarray(sims[k], dtype=np.float64)
        lo, hi = (float(x) for x in np.nanpercentile(arr, [2.5, 97.5])) if np.isfinite(arr).any() else (math.nan,) * 2
        return Estimate(point[k], lo, hi)

    return ScheduleBenefit(
        route=request.route,
        sessions=len(doses.times_d),
        last_dose_d=doses.last_d,
        response_at={k: est(k) for k in point if k.startswith("day ")},
        days_in_response_per_session=est("days_per_session"),
        median_days_to_relapse_after_last=est("median_relapse"),
        relapse_free={k: est(k) for k in point if k.endswith("weeks")},
        n=request.n,
        seed=request.seed,
        assumptions=(
            "exposure = typical PK-engine AUC per dose; S-ketamine counted x2 (assumed for mood)",
            "relapse = loss of response (MADRS improvement below 50%) among those responding 1 day after the last dose",
            "no oral antidepressant, placebo or natural-course effect is modelled",
        ),
    )


def request_from(regimen: Regimen, weight_kg: float, n: int = 2000, seed: int = 1, draws: int = 30) -> ScheduleRequest:
    """A benefit request from a PK regimen (times in h -> days; the IV minutes of the first dose)."""
    minutes = regimen.doses[0].minutes if regimen.doses[0].minutes > 0.0 else 40.0
    return ScheduleRequest(
        regimen.route,
        tuple(d.dose_mg for d in regimen.doses),
        tuple(d.time_h / 24.0 for d in regimen.doses),
        weight_kg=weight_kg,
        minutes=minutes,
        n=n,
        seed=seed,
        draws=draws,
    )


def compare_schedules(requests: dict[str, ScheduleRequest]) -> dict[str, ScheduleBenefit]:
    """Several schedules side by side; requests with the same seed and n are predicted on the same virtual patients.

    >>> a = ScheduleRequest("ketamine-iv", (35.0,) * 2, (0.0, 3.0), n=200, draws=3)
    >>> b = ScheduleRequest("ketamine-iv", (35.0,) * 4, (0.0, 2.0, 4.0, 7.0), n=200, draws=3)
    >>> out = compare_schedules({"twice": a, "more": b})
    >>> out["more"].sessions > out["twice"].sessions
    True
    """
    if not requests:
        raise InputError("course", 0, "at least one schedule")
    return {name: predict_schedule(req) for name, req in requests.items()}
