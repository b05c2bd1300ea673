"""Schedule search by predicted benefit, within the label's or the studied ranges only.

A candidate is a dose, an induction (sessions x interval) and an optional maintenance interval
over a horizon. Every candidate is scored on the same virtual patients. The vectorised path
exploits linearity and the exponential kernels: the drive of every (schedule, patient) pair is a
recursion over the 6-hour grid, advanced for a block of schedules x all patients at once;
:func:`score_one` is the direct, per-schedule computation (:func:`.population.outcomes`) that the
tests compare it with by brute force.

Aims: ``days-per-session`` (expected days in response over the horizon per session) or
``fewest-sessions`` (fewest sessions keeping at least ``min_response`` of patients responding at
the horizon; ties by days in response).

>>> space = SearchSpace.racemic_studied(horizon_d=28.0, doses_mg_per_kg=(0.5,), induction_sessions=(2, 4),
...                                     induction_intervals_d=(2.0, 3.0), maintenance_intervals_d=(0.0,))
>>> len(space.candidates())
4
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.benefit.model import (
    RESPONSE_FRACTION,
    X_REF_NG_H_PER_ML,
    BenefitParams,
    DoseSeries,
    FloatArray,
    racemic_exposure_typical,
)
from ketamine_trd.pharmacology.benefit.population import VirtualPatients, outcomes

__all__ = ["AIMS", "Candidate", "SearchResult", "SearchSpace", "score_one", "search"]

AIMS = ("days-per-session", "fewest-sessions")
BLOCK_BYTES = 512 * 2**10
"""Target size of one (schedules x patients) state array of the search."""
STEP_D = 0.25

# Studied ranges (each with its source; nothing outside them is searched).
RACEMIC_MG_PER_KG = (0.1, 1.0)  # Fava 2020 (S23): single doses 0.1-1.0 mg/kg
RACEMIC_INDUCTION_SESSIONS = (1, 12)  # up to 12 sessions: KetECT (S27); six: Murrough 2013b (S25)
RACEMIC_INDUCTION_INTERVAL_D = (2.0, 7.0)  # thrice weekly to weekly (Singh 2016, S24; Phillips 2019)
MAINTENANCE_INTERVAL_D = (7.0, 14.0)  # weekly (Phillips 2019) / every other week (esketamine label, S13)
ESKETAMINE_DOSES_MG = (56.0, 84.0)  # SPRAVATO label: 56 or 84 mg


@dataclass(frozen=True, slots=True)
class Candidate:
    """One schedule: exposure per dose (racemic-equivalent ng*h/mL), induction, maintenance (0 = none)."""

    label_dose: str
    exposure: float
    induction_sessions: int
    induction_interval_d: float
    maintenance_interval_d: float

    def doses(self, horizon_d: float) -> DoseSeries:
        """The dose times up to ``horizon_d`` (on the 6-hour grid)."""
        times = [i * self.induction_interval_d for i in range(self.induction_sessions)]
        if self.maintenance_interval_d > 0.0:
            t = times[-1] + self.maintenance_interval_d
            while t < horizon_d:
                times.append(t)
                t += self.maintenance_interval_d
        times = [round(t / STEP_D) * STEP_D for t in times if t < horizon_d]
        return DoseSeries(tuple(times), (self.exposure,) * len(times))


@dataclass(frozen=True, slots=True)
class SearchSpace:
    """The grid of candidates and the horizon (days)."""

    horizon_d: float
    doses: tuple[tuple[str, float], ...]  # (label, exposure)
    induction_sessions: tuple[int, ...]
    induction_intervals_d: tuple[float, ...]
    maintenance_intervals_d: tuple[float, ...]

    def __post_init__(self) -> None:
        if not (math.isfinite(self.horizon_d) and 7.0 <= self.horizon_d <= 365.0):
            raise InputError("horizon_d", self.horizon_d, "7 to 365 days")

    @staticmethod
    def racemic_studied(
        horizon_d: float = 84.0,
        doses_mg_per_kg: tuple[float, ...] = (0.5, 0.75, 1.0),
        induction_sessions: tuple[int, ...] = (2, 4, 6, 8),
        induction_intervals_d: tuple[float, ...] = (2.0, 3.0, 3.5, 7.0),
        maintenance_intervals_d: tuple[float, ...] = (0.0, 7.0, 14.0),
    ) -> SearchSpace:
        """IV racemic ketamine within the studied ranges (refuses values outside them, naming the field)."""
        for d in doses_mg_per_kg:
            if not RACEMIC_MG_PER_KG[0] <= d <= RACEMIC_MG_PER_KG[1]:
                raise InputError("mg_per_kg", d, "0.1 to 1.0 mg/kg (studied range, Fava 2020)")
        for n in induction_sessions:
            if not RACEMIC_INDUCTION_SESSIONS[0] <= n <= RACEMIC_INDUCTION_SESSIONS[1]:
                raise InputError("induction_sessions", n, "1 to 12 sessions (studied range)")
        for i in induction_intervals_d:
            if not RACEMIC_INDUCTION_INTERVAL_D[0] <= i <= RACEMIC_INDUCTION_INTERVAL_D[1]:
                raise InputError("induction_interval_d", i, "2 to 7 days (thrice weekly to weekly)")
        for m in maintenance_intervals_d:
            if m != 0.0 and not MAINTENANCE_INTERVAL_D[0] <= m <= MAINTENANCE_INTERVAL_D[1]:
                raise InputError("maintenance_interval_d", m, "0 (none) or 7 to 14 days (studied)")
        doses = tuple((f"{d:g} mg/kg IV", racemic_exposure_typical(d)) for d in doses_mg_per_kg)
        return SearchSpace(horizon_d, doses, induction_sessions, induction_intervals_d, maintenance_intervals_d)

    def candidates(self) -> tuple[Candidate, ...]:
        """Every combination, in a fixed order."""
        return tuple(
            Candidate(label, x, n, i, m)
            for label, x in self.doses
            for n in self.induction_sessions
            for i in self.induction_intervals_d
            for m in self.maintenance_intervals_d
        )


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Scores of every candidate and the best one under the aim."""

    aim: str
    candidates: tuple[Candidate, ...]
    sessions: tuple[int, ...]
    days_in_response: tuple[float, ...]
    response_at_horizon: tuple[float, ...]
    best: int

    def score(self, i: int) -> float:
        """Days in response per session of candidate ``i``."""
        return self.days_in_response[i] / self.sessions[i]


def score_one(p: BenefitParams, c: Candidate, patients: VirtualPatients, horizon_d: float) -> tuple[int, float, float]:
    """(sessions, expected days in response, proportion responding at the horizon) of one candidate, directly."""
    doses = c.doses(horizon_d)
    out = outcomes(p, doses, patients, horizon_d, STEP_D)
    return len(doses.times_d), out.days_in_response(), out.response_at(horizon_d)


def _best(aim: str, sessions: FloatArray, days: FloatArray, at_h: FloatArray, min_response: float) -> int:
    if aim == "days-per-session":
        return int(np.argmax(days / sessions))
    ok = at_h >= min_response
    if not ok.any():
        return int(np.argmax(at_h))
    key = np.where(ok, sessions * 1e6 - days, np.inf)  # fewest sessions, then most days in response
    return int(np.argmin(key))


DASK_FROM_SCHEDULES = 2000
"""With ``backend="auto"``, searches of at least this many schedules run their blocks on Dask (when installed)."""
BACKENDS = ("auto", "numpy", "dask")


def search(
    p: BenefitParams,
    space: SearchSpace,
    patients: VirtualPatients,
    aim: str = "days-per-session",
    min_response: float = 0.5,
    block: int | None = None,
    backend: str = "auto",
    scheduler: str = "threads",
) -> SearchResult:
    """Score every candidate of ``space`` on ``patients`` (vectorised over schedules x patients).

    ``block`` schedules are advanced at once; by default as many as keep one state array near 512 KiB (cache-sized).
    ``backend``: ``numpy`` (the blocks one after another), ``dask`` (the blocks as Dask tasks on ``scheduler``:
    ``threads``, ``processes``, ``synchronous`` or a distributed scheduler's address) or ``auto`` (Dask from
    ``DASK_FROM_SCHEDULES`` schedules when it is installed). Every block is the same computation either way, so the
    result is identical.
    """
    if aim not in AIMS:
        raise InputError("aim", aim, ", ".join(AIMS))
    if not 0.0 <= min_response <= 1.0:
        raise InputError("min_response", min_response, "a proportion from 0 to 1")
    if backend not in BACKENDS:
        raise InputError("backend", backend, ", ".join(BACKENDS))
    cands = space.candidates()
    n_t = int(round(space.horizon_d / STEP_D)) + 1
    if block is None:
        block = max(1, int(BLOCK_BYTES // (8 * patients.n)))
    parts = [cands[start : start + block] for start in range(0, len(cands), block)]
    if backend == "auto":
        backend = "dask" if len(cands) >= DASK_FROM_SCHEDULES and _has_dask() else "numpy"
    if backend == "dask":
        scored = _blocks_on_dask(p, parts, space.horizon_d, n_t, patients, scheduler)
    else:
        scored = [_score_block(p, part, space.horizon_d, n_t, patients) for part in parts]
    sessions = np.concatenate([b[0] for b in scored])
    days = np.concatenate([b[1] for b in scored])
    at_h = np.concatenate([b[2] for b in scored])
    best = _best(aim, sessions, days, at_h, min_response)
    return SearchResult(aim, cands, tuple(int(s) for s in sessions), tuple(days.tolist()), tuple(at_h.tolist()), best)


def _has_dask() -> bool:
    from importlib.util import find_spec

    return find_spec("dask") is not None


def _blocks_on_dask(
    p: BenefitParams,
    parts: list[tuple[Candidate, ...]],
    horizon_d: float,
    n_t: int,
    patients: VirtualPatients,
    scheduler: str,
) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    """The same blocks as Dask delayed tasks (the ``dask`` extra); results in block order."""
    try:
        import dask
    except ImportError as error:  # pragma: no cover - exercised only without the extra
        raise InputError("backend", "dask", "dask installed (pip install 'ketamine-trd[dask]')") from error
    tasks = [dask.delayed(_score_block)(p, part, horizon_d, n_t, patients) for part in parts]
    if scheduler in ("threads", "processes", "synchronous", "sync", "single-threaded"):
        return list(dask.compute(*tasks, scheduler=scheduler))  # type: ignore[no-untyped-call]
    from dask.distributed import Client

    with Client(scheduler) as client:  # type: ignore[no-untyped-call]
        return list(client.gather(client.compute(tasks)))


def _score_block(
    p: BenefitParams, part: tuple[Candidate, ...], horizon_d: float, n_t: int, patients: VirtualPatients
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(sessions, expected days in response, proportion responding at the horizon) of one block of schedules."""
    _, eta_kf = patients.etas(p)
    kf = p.kf_per_d * np.exp(eta_kf)
    decay = (np.exp(-kf * STEP_D), np.exp(-(kf + p.ka_per_d) * STEP_D))  # per patient
    slow_decay = (math.exp(-p.ks_per_d * STEP_D), math.exp(-(p.ks_per_d + p.ka_per_d) * STEP_D))
    neg_theta = -p.theta * np.exp(p.omega_theta * patients.z_theta)
    sessions = np.zeros(len(part))
    fast_train = np.zeros((len(part), n_t))
    slow_train = np.zeros((len(part), n_t))
    for j, c in enumerate(part):
        ds = c.doses(horizon_d)
        idx = np.rint(np.asarray(ds.times_d) / STEP_D).astype(np.int64)
        x = np.asarray(ds.exposures)
        np.add.at(fast_train[j], idx, x / (p.x50_ng_h_per_ml + x))
        np.add.at(slow_train[j], idx, p.phi * x / X_REF_NG_H_PER_ML)
        sessions[j] = idx.shape[0]
    # Exponential kernels make the drive a recursion on the grid: a dose adds to two decaying states per
    # component, e^(-k tau) - e^(-(k + ka) tau) being the kernel with its onset (exact for doses on the grid).
    f1 = np.zeros((len(part), patients.n))
    f2 = np.zeros_like(f1)
    s1 = np.zeros(len(part))
    s2 = np.zeros(len(part))
    total = np.zeros(len(part))
    work = np.empty_like(f1)
    for t in range(n_t):
        if t:
            f1 *= decay[0]
            f2 *= decay[1]
            s1 *= slow_decay[0]
            s2 *= slow_decay[1]
        f1 += fast_train[:, t, None]
        f2 += fast_train[:, t, None]
        s1 += slow_train[:, t]
        s2 += slow_train[:, t]
        np.subtract(f1, f2, out=work)
        work += (s1 - s2)[:, None]
        np.maximum(work, 0.0, out=work)
        work *= neg_theta
        np.expm1(work, out=work)  # -(improvement)
        work += RESPONSE_FRACTION
        work *= -1.0 / p.tau_rating  # (improvement - 0.5) / tau
        ndtr(work, out=work)
        total += work.mean(axis=1)
    return sessions, total * STEP_D, work.mean(axis=1)
