"""Virtual patients and population outcomes of one dosing schedule (vectorised over subjects).

A virtual patient is a pair of standard-normal deviates (``z_theta``, ``z_kf``) drawn from
``numpy.random.default_rng(seed)``; the same seed gives the same patients for every schedule and
every parameter set (common random numbers), so schedules are compared on the same people and a
fit's objective is smooth.

>>> from ketamine_trd.pharmacology.benefit.model import BenefitParams, DoseSeries, racemic_exposure_typical
>>> pts = sample_patients(1000, seed=1)
>>> doses = DoseSeries((0.0,), (racemic_exposure_typical(0.5),))
>>> out = outcomes(BenefitParams.calibrated(), doses, pts, horizon_d=28.0)
>>> 0.3 < out.response_at(1.0) < 0.8
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.benefit.model import (
    BenefitParams,
    DoseSeries,
    FloatArray,
    improvement,
    response_probability,
)

__all__ = ["PopulationOutcomes", "VirtualPatients", "outcomes", "sample_patients", "time_grid"]

ROW_BLOCK_BYTES = 1 << 20
"""Patients are simulated in blocks of about this many bytes per array (cache-sized)."""

GRID_STEP_D = 0.25
"""Output grid of population outcomes: every 6 h (days)."""


@dataclass(frozen=True, slots=True)
class VirtualPatients:
    """Standard-normal deviates of each patient's sensitivity and fast decay rate."""

    z_theta: FloatArray
    z_kf: FloatArray

    @property
    def n(self) -> int:
        """Number of patients."""
        return int(self.z_theta.shape[0])

    def etas(self, p: BenefitParams) -> tuple[FloatArray, FloatArray]:
        """(theta multiplier, eta of log kf) of every patient under ``p``."""
        return np.exp(p.omega_theta * self.z_theta), p.omega_kf * self.z_kf


def sample_patients(n: int, seed: int) -> VirtualPatients:
    """``n`` virtual patients from ``seed`` (1 to 10,000,000)."""
    if not 1 <= n <= 10_000_000:
        raise InputError("n", n, "1 to 10000000 virtual patients")
    if seed < 0:
        raise InputError("seed", seed, "an integer >= 0")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((2, n))
    return VirtualPatients(z[0], z[1])


def time_grid(horizon_d: float, step_d: float = GRID_STEP_D) -> FloatArray:
    """Times 0, step, ..., horizon (days)."""
    if not (math.isfinite(horizon_d) and 0.0 < horizon_d <= 730.0):
        raise InputError("horizon_d", horizon_d, "more than 0 and at most 730 days")
    return np.arange(0.0, horizon_d + 1e-9, step_d)


@dataclass(frozen=True, slots=True)
class PopulationOutcomes:
    """Per-patient probabilities of being seen in response on a time grid (patients x times)."""

    times_d: FloatArray
    p_response: FloatArray
    improvement: FloatArray
    last_dose_d: float
    n_doses: int

    def _col(self, t_d: float) -> int:
        i = int(np.searchsorted(self.times_d, t_d - 1e-9))
        if i >= self.times_d.shape[0]:
            raise InputError("time_d", t_d, f"a time within the horizon (0 to {self.times_d[-1]:g} days)")
        return i

    def response_at(self, t_d: float) -> float:
        """Expected proportion responding at ``t_d`` days."""
        return float(self.p_response[:, self._col(t_d)].mean())

    def mean_improvement_at(self, t_d: float) -> float:
        """Mean fractional MADRS improvement at ``t_d`` days."""
        return float(self.improvement[:, self._col(t_d)].mean())

    def relapsed_by(self, responders_at_d: float, by_d: float) -> float:
        """Among those responding at ``responders_at_d``, the proportion not responding at ``by_d``."""
        w = self.p_response[:, self._col(responders_at_d)]
        later = self.p_response[:, self._col(by_d)]
        total = float(w.sum())
        return float((w * (1.0 - later)).sum() / total) if total > 0.0 else float("nan")

    def days_in_response(self) -> float:
        """Expected days in response per patient over the grid."""
        step = float(self.times_d[1] - self.times_d[0]) if self.times_d.shape[0] > 1 else 0.0
        return float(self.p_response.mean(axis=0).sum() * step)

    def relapse_free(self, after_d: float, days: float) -> float:
        """Among responders at ``after_d`` (1 day after the last dose), the share still responding ``days`` later."""
        return 1.0 - self.relapsed_by(after_d, after_d + days)

    def median_time_to_relapse_d(self, after_d: float) -> float:
        """Days after ``after_d`` at which half of that day's responders no longer respond (nan past the horizon)."""
        w = self.p_response[:, self._col(after_d)]
        start = self._col(after_d)
        later = self.p_response[:, start:]
        lost = (w[:, None] * (1.0 - later)).sum(axis=0) / max(float(w.sum()), 1e-300)
        over = np.nonzero(lost >= 0.5)[0]
        return float(self.times_d[start + over[0]] - self.times_d[start]) if over.size else float("nan")


def outcomes(
    p: BenefitParams, doses: DoseSeries, patients: VirtualPatients, horizon_d: float, step_d: float = GRID_STEP_D
) -> PopulationOutcomes:
    """Outcomes of one schedule for every patient over ``horizon_d`` days."""
    times = time_grid(horizon_d, step_d)
    theta_mult, eta_kf = patients.etas(p)
    imp = np.empty((patients.n, times.shape[0]))
    prob = np.empty_like(imp)
    rows = max(1, ROW_BLOCK_BYTES // (8 * times.shape[0]))  # cache-sized blocks of patients
    for a in range(0, patients.n, rows):
        b = min(a + rows, patients.n)
        imp[a:b] = improvement(p, doses, theta_mult[a:b], eta_kf[a:b], times)
        prob[a:b] = response_probability(p, imp[a:b])
    return PopulationOutcomes(times, prob, imp, doses.last_d, len(doses.times_d))
