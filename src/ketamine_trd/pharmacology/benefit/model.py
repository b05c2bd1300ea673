"""The benefit model: per-dose exposure -> a latent antidepressant drive -> fractional MADRS improvement.

Structure (time in days, exposure in racemic-equivalent ng*h/mL; see ``docs/benefit-model.md``):

- each dose k at ``t_k`` with exposure ``x_k`` gives a fast stimulus ``s_k = x_k / (x50 + x_k)``
  (Emax, Hill 1: the acute effect saturates) and a slow stimulus ``phi x_k / x_ref`` (linear in
  exposure; ``x_ref`` = 437.5 ng*h/mL, the typical 0.5 mg/kg IV dose, a normalisation only);
- the drive of subject i is ``D_i(t) = sum_k (1 - exp(-ka tau)) (s_k exp(-kf_i tau)
  + phi (x_k / x_ref) exp(-ks tau))``, ``tau = t - t_k >= 0``: a fast component that decays over
  days (the single-infusion effect) and a slow component that builds up over a course
  (accumulation over an induction, relapse weeks after the last dose) and makes benefit last longer
  after a larger dose (Salloum 2020);
- the fractional improvement from baseline is ``I_i(t) = 1 - exp(-theta_i D_i(t))`` (bounded in [0, 1));
- between-patient variability: ``log theta_i ~ N(log theta, omega_theta^2)`` (responders and
  non-responders) and ``log kf_i ~ N(log kf, omega_kf^2)`` (how long a patient's benefit lasts);
- response is MADRS improvement >= 50%; an observed rating carries rating noise, so the
  probability that a subject is *seen* responding is ``Phi((I - 0.5) / tau_rating)``.

Linear in the stimuli, so any schedule (single dose, induction, maintenance, stopping) is a
superposition; everything is vectorised over subjects (rows) and times (columns).

>>> import numpy as np
>>> p = BenefitParams.calibrated()
>>> doses = DoseSeries(times_d=(0.0,), exposures=(racemic_exposure_typical(0.5),))
>>> imp = improvement(p, doses, np.array([1.0]), np.array([0.0]), np.array([1.0, 7.0]))
>>> bool(imp[0, 0] > imp[0, 1] > 0.0)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from ketamine_trd.errors import InputError

__all__ = [
    "BenefitParams",
    "DoseSeries",
    "RESPONSE_FRACTION",
    "drive",
    "improvement",
    "racemic_exposure_typical",
    "response_probability",
]

FloatArray = npt.NDArray[np.float64]

RESPONSE_FRACTION = 0.5
"""Response: MADRS reduction of at least 50% from baseline (the trials' definition; instruments-and-outcomes.md s2)."""

RACEMIC_CL_L_PER_H_70KG = 80.0
"""Typical racemic ketamine clearance of the PK engine (racemic-clements, 80 L/h at 70 kg; kamp-2020 CI 69-90)."""


X_REF_NG_H_PER_ML = 437.5
"""Normalisation of the slow stimulus: the typical exposure of 0.5 mg/kg IV racemic at 70 kg (ng*h/mL)."""


def racemic_exposure_typical(mg_per_kg: float, weight_kg: float = 70.0) -> float:
    """Typical AUC0-inf (ng*h/mL) of an IV racemic dose: dose / CL of the engine's racemic model.

    The engine is linear, so this equals its AUC to infinity for the typical subject; use
    :func:`ketamine_trd.pharmacology.benefit.exposure.exposure_per_dose` for any route.

    >>> round(racemic_exposure_typical(0.5), 1)
    437.5
    """
    if not (math.isfinite(mg_per_kg) and 0.0 < mg_per_kg <= 2.0):
        raise InputError("mg_per_kg", mg_per_kg, "more than 0 and at most 2 mg/kg")
    return float(mg_per_kg * weight_kg / (RACEMIC_CL_L_PER_H_70KG * (weight_kg / 70.0) ** 0.75) * 1000.0)


@dataclass(frozen=True, slots=True)
class BenefitParams:
    """Population parameters of the benefit model (units in the names; days, ng*h/mL).

    ``calibrated()`` returns the values fitted to the published group results
    (:mod:`.calibration`); every field says where it comes from in ``PROVENANCE``.
    """

    theta: float  # typical sensitivity (dimensionless drive -> improvement)
    omega_theta: float  # SD of log theta between patients
    kf_per_d: float  # fast decay rate of a dose's effect, 1/day
    omega_kf: float  # SD of log kf between patients
    phi: float  # slow stimulus of the reference dose (0.5 mg/kg IV), relative to a saturated fast stimulus
    ks_per_d: float  # slow decay rate, 1/day
    x50_ng_h_per_ml: float  # exposure giving half the maximal stimulus, racemic-equivalent ng*h/mL
    ka_per_d: float = math.log(2.0) * 24.0  # onset: half of a dose's effect within 1 h (assumed)
    tau_rating: float = 0.10  # rating noise as a fraction of baseline (assumed: about 3 MADRS points of 30)

    def __post_init__(self) -> None:
        for name in ("theta", "kf_per_d", "ks_per_d", "x50_ng_h_per_ml", "ka_per_d", "tau_rating"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise InputError(name, value, "a finite number > 0")
        for name in ("omega_theta", "omega_kf"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 5.0):
                raise InputError(name, value, "0 to 5 (SD on the log scale)")
        if not (math.isfinite(self.phi) and 0.0 < self.phi <= 10.0):
            raise InputError("phi", self.phi, "more than 0 and at most 10")

    @staticmethod
    def calibrated() -> BenefitParams:
        """The fitted population parameters (``calibration.FIT``)."""
        from ketamine_trd.pharmacology.benefit.calibration import FIT

        return FIT.params

    def with_vector(self, v: FloatArray) -> BenefitParams:
        """A copy with the five fitted parameters set from the log-scale vector of :meth:`vector`.

        ``omega_kf`` is not fitted: the spread of fade rates between patients is not identifiable
        from group results (an earlier fit with it free gave a log-scale variance of 1e8), so it is
        fixed (``OMEGA_KF_ASSUMED``) and the patient-level update estimates each patient's own.
        ``x50_ng_h_per_ml`` is not fitted either: with it free the fit drove it to 0.46 ng*h/mL
        (log-scale variance 784), i.e. the acute effect is saturated over the studied 0.1-1.0 mg/kg,
        as Fava 2020 saw (0.1 mg/kg already had d = -0.82 at day 1); it is fixed at ``X50_FIXED``.
        """
        return replace(
            self,
            theta=float(np.exp(v[0])),
            omega_theta=float(np.exp(v[1])),
            kf_per_d=float(np.exp(v[2])),
            phi=float(np.exp(v[3])),
            ks_per_d=float(np.exp(v[4])),
        )

    def vector(self) -> FloatArray:
        """The fitted parameters on the estimation scale (log)."""
        return np.array(
            [
                math.log(self.theta),
                math.log(self.omega_theta),
                math.log(self.kf_per_d),
                math.log(self.phi),
                math.log(self.ks_per_d),
            ]
        )


X50_FIXED_NG_H_PER_ML = 8.75
"""Fast-stimulus x50 (ng*h/mL), fixed at the exposure of 0.01 mg/kg IV, a tenth of the lowest studied dose."""

OMEGA_KF_ASSUMED = 0.5
"""SD of log kf between patients: an assumption (not identifiable from the published group results)."""

VECTOR_NAMES: tuple[str, ...] = (
    "log theta",
    "log omega_theta",
    "log kf_per_d",
    "log phi",
    "log ks_per_d",
)


@dataclass(frozen=True, slots=True)
class DoseSeries:
    """Dose times (days from the first dose) and their exposures (racemic-equivalent ng*h/mL)."""

    times_d: tuple[float, ...]
    exposures: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.times_d) != len(self.exposures) or not self.times_d:
            raise InputError("doses", len(self.times_d), "one exposure per dose time, at least one dose")
        if any(not (math.isfinite(t) and t >= 0.0) for t in self.times_d):
            raise InputError("times_d", self.times_d, "finite times >= 0 days")
        if any(b < a for a, b in zip(self.times_d, self.times_d[1:], strict=False)):
            raise InputError("times_d", self.times_d, "times in increasing order")
        if any(not (math.isfinite(x) and x > 0.0) for x in self.exposures):
            raise InputError("exposures", self.exposures, "exposures > 0 ng*h/mL")

    @property
    def last_d(self) -> float:
        """Time of the last dose (days)."""
        return self.times_d[-1]


def _kernels(p: BenefitParams, doses: DoseSeries, times_d: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per dose and time: onset factor x stimulus, the lag tau (days, clipped at 0), and the slow part."""
    t = np.asarray(times_d, dtype=np.float64)
    tk = np.asarray(doses.times_d, dtype=np.float64)
    x = np.asarray(doses.exposures, dtype=np.float64)
    s = x / (p.x50_ng_h_per_ml + x)
    tau = t[None, :] - tk[:, None]
    after = tau >= 0.0
    tau = np.where(after, tau, 0.0)
    rise = np.where(after, -np.expm1(-p.ka_per_d * tau), 0.0)
    slow = rise * (p.phi * x / X_REF_NG_H_PER_ML)[:, None] * np.exp(-p.ks_per_d * tau)
    return rise * s[:, None], tau, slow


def drive(p: BenefitParams, doses: DoseSeries, kf_mult: FloatArray, times_d: FloatArray) -> FloatArray:
    """Drive ``D`` (subjects x times) for per-subject fast-decay multipliers ``kf_mult`` (exp of the eta)."""
    onset, tau, slow = _kernels(p, doses, times_d)
    kf = p.kf_per_d * np.asarray(kf_mult, dtype=np.float64)
    out = np.empty((kf.shape[0], tau.shape[1]))
    out[:] = slow.sum(axis=0)[None, :]
    tmp = np.empty_like(out)
    for k in range(tau.shape[0]):  # doses are few; subjects x times are vectorised, in place
        np.multiply(kf[:, None], -tau[k][None, :], out=tmp)
        np.exp(tmp, out=tmp)
        tmp *= onset[k][None, :]
        out += tmp
    return out


def improvement(
    p: BenefitParams, doses: DoseSeries, theta_mult: FloatArray, eta_kf: FloatArray, times_d: FloatArray
) -> FloatArray:
    """Fractional MADRS improvement from baseline (subjects x times), in [0, 1).

    ``theta_mult`` is each subject's exp(eta_theta) (1 = typical), ``eta_kf`` the eta of log kf.
    """
    kf_mult = np.exp(np.asarray(eta_kf, dtype=np.float64))
    d = drive(p, doses, kf_mult, times_d)
    return -np.expm1(-(p.theta * np.asarray(theta_mult, dtype=np.float64))[:, None] * d)


def response_probability(p: BenefitParams, improvement_fraction: FloatArray) -> FloatArray:
    """Probability that a rating shows response (>= 50% improvement), given the true improvement."""
    return np.asarray(ndtr((improvement_fraction - RESPONSE_FRACTION) / p.tau_rating), dtype=np.float64)
