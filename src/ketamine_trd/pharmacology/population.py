"""Virtual populations: sample N subjects with an explicit seed, simulate in chunks, summarise.

Subjects are simulated in chunks of ``chunk_size``; chunk ``i`` draws its subjects from
``numpy.random.SeedSequence(seed).spawn(n_chunks)[i]``, so the result depends only on the
request (seed, N, chunk size), never on where or in which order the chunks run (locally, on
JAX, or on a Dask cluster). Memory per chunk is O(chunk_size x modes), whatever the number of
doses and output times.

>>> from ketamine_trd.pharmacology.dosing import Dose, Regimen
>>> req = PopulationRequest(Regimen("ketamine-iv", (Dose(0.0, 35.0, 40.0),)), n=200, seed=1, hours=12.0)
>>> res = run_population(req)
>>> res.n, 150 < res.percentiles["cmax_ng_per_ml"]["p50"] < 200
(200, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.dosing import Regimen
from ketamine_trd.pharmacology.engine import DEFAULT_BACKEND, check_backend, prepare, resolve_backend, run_exposures
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.pd import DISSOCIATIVE_LOWER_NG_PER_ML, DURABILITY
from ketamine_trd.pharmacology.summary import Exposures

__all__ = [
    "PERCENTILES",
    "PopulationRequest",
    "PopulationResult",
    "compare",
    "course_grid",
    "run_chunk",
    "run_population",
]

FloatArray = npt.NDArray[np.float64]
PERCENTILES = (5, 25, 50, 75, 95)


def course_grid(regimen: Regimen, hours: float, dense_h: float = 6.0, dense_step_h: float = 1.0 / 12.0) -> FloatArray:
    """Output times: every 5 min for ``dense_h`` after each dose, hourly elsewhere, up to ``hours``.

    Peaks of these models fall within hours of a dose, so the dense windows carry Cmax and time
    above thresholds; AUC is exact whatever the grid.

    >>> from ketamine_trd.pharmacology.dosing import Dose
    >>> g = course_grid(Regimen("ketamine-iv", (Dose(0.0, 35.0, 40.0),)), 24.0)
    >>> g[0], g[-1], int(g.size)
    (np.float64(0.0), np.float64(24.0), 91)
    """
    if not (0.0 < hours <= 24.0 * 366):
        raise InputError("hours", hours, "more than 0 and at most 8784 h")
    parts = [np.arange(0.0, hours + 1e-9, 1.0), np.array([hours])]
    for dose in regimen.doses:
        parts.append(dose.time_h + np.arange(0.0, dense_h + 1e-9, dense_step_h))
    grid = np.unique(np.round(np.concatenate(parts), 9))
    result: FloatArray = grid[grid <= hours]
    return result


@dataclass(frozen=True, slots=True)
class PopulationRequest:
    """A population run: regimen, N subjects, seed, covariates, horizon (h), thresholds (ng/mL).

    ``chunk_size`` fixes how subjects are drawn (part of the result's identity); ``backend``
    (``engine.BACKENDS``) and ``workers`` (threads per chunk on the CPU backends) only say how
    they are solved.
    """

    regimen: Regimen
    n: int
    seed: int
    covariates: Covariates = field(default_factory=Covariates)
    hours: float | None = None
    thresholds_ng_per_ml: tuple[float, ...] = (DISSOCIATIVE_LOWER_NG_PER_ML,)
    chunk_size: int = 20_000
    backend: str = DEFAULT_BACKEND
    workers: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.n <= 100_000_000:
            raise InputError("n", self.n, "1 to 100000000 subjects")
        if self.seed < 0:
            raise InputError("seed", self.seed, "an integer >= 0")
        if not 1 <= self.chunk_size <= 1_000_000:
            raise InputError("chunk_size", self.chunk_size, "1 to 1000000")
        check_backend(self.backend)
        if not 1 <= self.workers <= 256:
            raise InputError("workers", self.workers, "1 to 256 threads")
        model_for(self.regimen.route)

    @property
    def solver(self) -> str:
        """The backend every chunk runs on (``cpu`` resolved once for the request's chunk size)."""
        return resolve_backend(self.backend, min(self.n, self.chunk_size))

    @property
    def horizon_h(self) -> float:
        """End of the output window: ``hours``, or 24 h after the last dose."""
        return self.hours if self.hours is not None else self.regimen.end_h + 24.0

    def chunks(self) -> list[tuple[int, int, np.random.SeedSequence]]:
        """(start, size, seed sequence) of every chunk."""
        count = -(-self.n // self.chunk_size)
        seqs = np.random.SeedSequence(self.seed).spawn(count)
        return [
            (i * self.chunk_size, min(self.chunk_size, self.n - i * self.chunk_size), seqs[i]) for i in range(count)
        ]


@dataclass(frozen=True, slots=True)
class PopulationResult:
    """Percentiles (5, 25, 50, 75, 95) of each exposure, and the per-subject exposures."""

    route: str
    model_id: str
    source_id: str
    n: int
    seed: int
    window_h: tuple[float, float]
    percentiles: dict[str, dict[str, float]]
    exposures: Exposures
    durability: str


def run_chunk(request: PopulationRequest, size: int, seed: np.random.SeedSequence) -> Exposures:
    """Simulate one chunk of ``size`` subjects drawn from ``seed`` (a pure function: safe on any worker)."""
    model = model_for(request.regimen.route)
    params = model.individual(size, np.random.default_rng(seed))
    job = prepare(model, request.regimen, params, request.covariates)
    times = course_grid(request.regimen, request.horizon_h)
    thresholds = np.array(request.thresholds_ng_per_ml)
    return run_exposures(job, times, thresholds, backend=request.solver, workers=request.workers)


def _merge(parts: list[Exposures]) -> Exposures:
    first = parts[0]
    return Exposures(
        first.outputs,
        np.concatenate([p.cmax_ng_per_ml for p in parts], axis=1),
        np.concatenate([p.tmax_h for p in parts], axis=1),
        np.concatenate([p.auc_ng_h_per_ml for p in parts], axis=1),
        first.thresholds_ng_per_ml,
        np.concatenate([p.time_above_h for p in parts], axis=1),
        first.window_h,
    )


def _percentiles(values: FloatArray) -> dict[str, float]:
    qs = np.percentile(values, PERCENTILES)
    return {f"p{p}": float(q) for p, q in zip(PERCENTILES, qs, strict=True)} | {"mean": float(np.mean(values))}


def summarise(request: PopulationRequest, parts: list[Exposures]) -> PopulationResult:
    """Merge chunk exposures (in chunk order) and compute percentiles."""
    exp = _merge(parts)
    model = model_for(request.regimen.route)
    table: dict[str, dict[str, float]] = {
        "cmax_ng_per_ml": _percentiles(exp.cmax_ng_per_ml[0]),
        "tmax_h": _percentiles(exp.tmax_h[0]),
        "auc_ng_h_per_ml": _percentiles(exp.auc_ng_h_per_ml[0]),
    }
    for o, name in enumerate(exp.outputs[1:], start=1):
        table[f"{name}_cmax_ng_per_ml"] = _percentiles(exp.cmax_ng_per_ml[o])
        table[f"{name}_auc_ng_h_per_ml"] = _percentiles(exp.auc_ng_h_per_ml[o])
    for k, thr in enumerate(exp.thresholds_ng_per_ml):
        table[f"time_above_{thr:g}_ng_per_ml_h"] = _percentiles(exp.time_above_h[k])
    return PopulationResult(
        request.regimen.route,
        model.id,
        model.source_id,
        request.n,
        request.seed,
        exp.window_h,
        table,
        exp,
        DURABILITY.statement,
    )


def run_population(request: PopulationRequest, progress: Callable[[int], None] | None = None) -> PopulationResult:
    """Run every chunk here, in order; ``progress(done_subjects)`` is called after each chunk."""
    parts = []
    for _, size, seq in request.chunks():
        parts.append(run_chunk(request, size, seq))
        if progress is not None:
            progress(size)
    return summarise(request, parts)


def compare(requests: Mapping[str, PopulationRequest]) -> dict[str, PopulationResult]:
    """Several schedules side by side; give them the same seed to compare the same virtual subjects."""
    return {name: run_population(req) for name, req in requests.items()}
