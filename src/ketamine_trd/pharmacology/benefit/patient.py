"""One patient's benefit: update the population prior with the patient's own scores, predict the fade.

The patient's two random effects (``z_theta``: how strongly they respond; ``z_kf``: how fast a
dose's benefit fades) have the population prior N(0, 1) each. Given the patient's baseline MADRS
and their ratings after doses, the posterior is computed exactly on a grid (61 x 61 points over
+/-4 SD): likelihood ``y_j ~ N(baseline (1 - I(t_j)), residual_sd^2)``, a rating of 0 left-censored
(the scale's floor). From the posterior: the
predicted course with a band, and when benefit is expected to fade (the improvement falling
below 50%) after the last dose, with a suggested window for the next session.

Everything here is a **model estimate, calibrated to published group results; not a dosing
instruction**: a clinician weighs it.

>>> from ketamine_trd.pharmacology.benefit.model import BenefitParams, DoseSeries, racemic_exposure_typical
>>> doses = DoseSeries((0.0, 2.0, 4.0), (racemic_exposure_typical(0.5),) * 3)
>>> post = update(BenefitParams.calibrated(), PatientScores(30.0, doses, (1.0, 3.0, 5.0), (14.0, 12.0, 10.0)))
>>> post.z_theta_interval(0.9)[0] > -4.0
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.benefit.model import (
    RESPONSE_FRACTION,
    BenefitParams,
    DoseSeries,
    FloatArray,
    improvement,
)

__all__ = ["LABEL", "PatientPosterior", "PatientScores", "update"]

LABEL = "model estimate, calibrated to published group results; not a dosing instruction"

RESIDUAL_SD_POINTS = 3.0
"""Default SD of one MADRS rating around the model's course (points). An assumption of this model
(inter-rater and visit-to-visit noise), not a published value; pass your own with ``residual_sd``."""

GRID = np.linspace(-4.0, 4.0, 61)
GRID_LIMIT = 6.0


@dataclass(frozen=True, slots=True)
class PatientScores:
    """A patient's baseline MADRS, doses and MADRS ratings (days after the first dose)."""

    baseline_madrs: float
    doses: DoseSeries
    times_d: tuple[float, ...]
    madrs: tuple[float, ...]
    residual_sd: float = RESIDUAL_SD_POINTS

    def __post_init__(self) -> None:
        if not (math.isfinite(self.baseline_madrs) and 1.0 <= self.baseline_madrs <= 60.0):
            raise InputError("baseline_madrs", self.baseline_madrs, "1 to 60 MADRS points")
        if len(self.times_d) != len(self.madrs):
            raise InputError("madrs", len(self.madrs), f"one rating per time ({len(self.times_d)} times)")
        if any(not (math.isfinite(t) and t >= 0.0) for t in self.times_d):
            raise InputError("times_d", self.times_d, "finite times >= 0 days")
        if any(not (math.isfinite(y) and 0.0 <= y <= 60.0) for y in self.madrs):
            raise InputError("madrs", self.madrs, "ratings from 0 to 60 points")
        if not (math.isfinite(self.residual_sd) and 0.5 <= self.residual_sd <= 15.0):
            raise InputError("residual_sd", self.residual_sd, "0.5 to 15 MADRS points")


@dataclass(frozen=True, slots=True)
class PatientPosterior:
    """The grid posterior of one patient and what follows from it."""

    params: BenefitParams
    scores: PatientScores
    weights: FloatArray  # (61*61,) posterior mass per grid point, theta-major
    z_theta: FloatArray  # grid values, same order
    z_kf: FloatArray
    grid_theta: FloatArray  # the axes of the (fine) grid
    grid_kf: FloatArray

    def _quantile(self, values: FloatArray, q: float) -> float:
        order = np.argsort(values)
        cum = np.cumsum(self.weights[order])
        return float(values[order][min(int(np.searchsorted(cum, q)), values.shape[0] - 1)])

    def _marginal_interval(self, axis: int, level: float) -> tuple[float, float]:
        grid = self.grid_theta if axis == 0 else self.grid_kf
        w = self.weights.reshape(self.grid_theta.shape[0], self.grid_kf.shape[0]).sum(axis=1 - axis)
        cdf = np.concatenate([[0.0], np.cumsum(w)])  # CDF at cell edges (midpoint rule)
        step = float(grid[1] - grid[0])
        edges = np.concatenate([grid - step / 2.0, [grid[-1] + step / 2.0]])
        a = (1.0 - level) / 2.0
        return float(np.interp(a, cdf, edges)), float(np.interp(1.0 - a, cdf, edges))

    def z_theta_interval(self, level: float) -> tuple[float, float]:
        """Central posterior interval of the patient's sensitivity deviate (interpolated marginal CDF)."""
        return self._marginal_interval(0, level)

    def z_kf_interval(self, level: float) -> tuple[float, float]:
        """Central posterior interval of the patient's fade-rate deviate."""
        return self._marginal_interval(1, level)

    def course(self, times_d: FloatArray, doses: DoseSeries | None = None) -> dict[str, FloatArray]:
        """Predicted MADRS (posterior median and 10th-90th percentile band) at ``times_d``."""
        imp = self._improvements(times_d, doses)
        madrs = self.scores.baseline_madrs * (1.0 - imp)
        out = {q: np.empty(times_d.shape[0]) for q in ("p10", "p50", "p90")}
        for j in range(times_d.shape[0]):
            for name, q in (("p10", 0.1), ("p50", 0.5), ("p90", 0.9)):
                out[name][j] = self._quantile(madrs[:, j], q)
        return out

    def _improvements(self, times_d: FloatArray, doses: DoseSeries | None) -> FloatArray:
        p = self.params
        d = doses or self.scores.doses
        return improvement(p, d, np.exp(p.omega_theta * self.z_theta), p.omega_kf * self.z_kf, times_d)

    def fade(self, horizon_d: float = 120.0) -> dict[str, float]:
        """Days after the last dose until the improvement falls below 50%: posterior p10, p50, p90.

        Grid points that never respond count as fading at once (0 days); those still responding at
        the horizon count as ``horizon_d``.
        """
        last = self.scores.doses.last_d
        times = last + np.arange(0.25, horizon_d + 1e-9, 0.25)
        imp = self._improvements(times, None)
        above = imp >= RESPONSE_FRACTION
        below_after = ~above
        first_below = np.where(below_after.any(axis=1), below_after.argmax(axis=1), times.shape[0] - 1)
        days = np.where(above[:, 0], times[first_below] - last, 0.0)
        return {q: self._quantile(days, v) for q, v in (("p10", 0.1), ("p50", 0.5), ("p90", 0.9))}

    def next_session_window(self, horizon_d: float = 120.0) -> tuple[float, float]:
        """Suggested window (days after the last dose): from the 10th to the 50th posterior percentile of the fade."""
        f = self.fade(horizon_d)
        return f["p10"], f["p50"]


def _log_posterior(
    params: BenefitParams, scores: PatientScores, gt: FloatArray, gk: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    mt, mk = np.meshgrid(gt, gk, indexing="ij")
    zt, zk = mt.ravel(), mk.ravel()
    log_prior = -0.5 * (zt * zt + zk * zk)
    if scores.times_d:
        times = np.asarray(scores.times_d, dtype=np.float64)
        imp = improvement(params, scores.doses, np.exp(params.omega_theta * zt), params.omega_kf * zk, times)
        pred = scores.baseline_madrs * (1.0 - imp)
        y = np.asarray(scores.madrs)[None, :]
        resid = (y - pred) / scores.residual_sd
        # a rating of 0 is the floor of the scale: left-censored (the latent score may be below it)
        floor = y <= 0.0
        loglik = np.where(floor, log_ndtr(-pred / scores.residual_sd), -0.5 * resid * resid)
        log_post = log_prior + loglik.sum(axis=1)
    else:
        log_post = log_prior
    return log_post, zt, zk


def _span(values: FloatArray, w: FloatArray, step: float) -> FloatArray:
    mean = float((values * w).sum())
    sd = math.sqrt(max(float((w * (values - mean) ** 2).sum()), 0.0))
    half = max(6.0 * sd, 4.0 * step)
    return np.linspace(max(mean - half, -GRID_LIMIT), min(mean + half, GRID_LIMIT), GRID.shape[0])


def update(params: BenefitParams, scores: PatientScores) -> PatientPosterior:
    """Grid posterior of the patient's (z_theta, z_kf) given their ratings.

    A coarse 61 x 61 grid over +/-4 SD locates the posterior; a second 61 x 61 grid spans +/-6
    posterior SD around it (the posterior of a well-rated patient is much narrower than the coarse
    spacing), so intervals are not limited by the grid.
    """
    log_post, zt, zk = _log_posterior(params, scores, GRID, GRID)
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    step = float(GRID[1] - GRID[0])
    gt, gk = _span(zt, w, step), _span(zk, w, step)
    log_post, zt, zk = _log_posterior(params, scores, gt, gk)
    w = np.exp(log_post - log_post.max())
    return PatientPosterior(params, scores, w / w.sum(), zt, zk, gt, gk)
