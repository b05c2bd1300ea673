"""Run a model on a regimen: closed-form modal sweep, with exact matrix-exponential fallback.

:func:`prepare` builds the system, dosing and modal form for N subjects and flags subjects whose
modal form is singular (repeated eigenvalues); :func:`run_concentrations` and
:func:`run_exposures` solve the regular subjects by the modal sweep of the chosen backend and
the flagged ones by :func:`~ketamine_trd.pharmacology.advance.advance`.

>>> from ketamine_trd.pharmacology.dosing import Dose, Regimen
>>> from ketamine_trd.pharmacology.models import model_for
>>> m = model_for("ketamine-iv")
>>> job = prepare(m, Regimen("ketamine-iv", (Dose(0.0, 35.0, 40.0),)), m.individual(1), Covariates())
>>> c = run_concentrations(job, np.array([2 / 3]))
>>> 150 < float(c[0, 0, 0]) < 200  # Cmax at the end of a 0.5 mg/kg, 40-min infusion
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import DependencyMissing, InputError
from ketamine_trd.pharmacology import fused, grid_sweep, sweep
from ketamine_trd.pharmacology.advance import advance
from ketamine_trd.pharmacology.dosing import Channel, Dosing, Regimen
from ketamine_trd.pharmacology.models.base import Params, PKModel
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.schedule import Schedule, build_schedule
from ketamine_trd.pharmacology.summary import Exposures, Running
from ketamine_trd.pharmacology.system import LinearSystem, Modal, degenerate, modal_from_system

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Job",
    "check_backend",
    "prepare",
    "resolve_backend",
    "run_concentrations",
    "run_exposures",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BACKENDS = ("cpu", "numpy", "numba", "jax")
"""``cpu``: the fused Numba kernel when Numba is installed, else NumPy; ``numpy`` and ``numba`` force one; ``jax``."""

DEFAULT_BACKEND = "cpu"

FUSED_MIN_SUBJECTS = 10_000
"""``cpu`` runs the fused kernel for calls of at least this many subjects (a population chunk is 20,000).

Importing Numba and loading the cached kernel costs about half a second of CPU once per process;
the kernel saves about a microsecond per subject, so a typical patient (1 subject) or a small
population is faster on NumPy. The choice depends only on the call's size, never on what ran before."""


@dataclass(frozen=True, slots=True)
class Job:
    """Everything needed to solve one regimen for N subjects."""

    model: PKModel
    system: LinearSystem
    dosing: Dosing
    modal: Modal
    singular: IntArray
    regular: IntArray


def prepare(model: PKModel, regimen: Regimen, params: Params, covariates: Covariates) -> Job:
    """Build the system, dosing and modal form; flag subjects with a singular modal form."""
    system = model.system(params, regimen.route, covariates)
    dosing = model.dosing(regimen, params, system, covariates)
    modal = model.modal(params, regimen.route, covariates, dosing)
    if modal is None:
        modal = modal_from_system(system, [(ch.compartment, ch.fraction) for ch in dosing.channels])
    bad = degenerate(modal.rate_per_h) | ~np.all(np.isfinite(modal.residue), axis=(0, 1, 2))
    return Job(model, system, dosing, modal, np.flatnonzero(bad), np.flatnonzero(~bad))


def _subset_dosing(dosing: Dosing, index: IntArray) -> Dosing:
    channels = tuple(Channel(c.compartment, c.fraction[index], c.label) for c in dosing.channels)
    return Dosing(channels, dosing.events)


def check_backend(backend: str) -> None:
    """Refuse a backend other than those in ``BACKENDS``.

    >>> check_backend("numpy")
    >>> check_backend("cuda")
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.InputError: backend: 'cuda' is not allowed (allowed: cpu, numpy, numba, jax)
    """
    if backend not in BACKENDS:
        raise InputError("backend", backend, ", ".join(BACKENDS))


def resolve_backend(backend: str, n_subjects: int | None = None) -> str:
    """The backend that runs: ``cpu`` becomes ``numba`` when Numba is installed, else ``numpy``.

    For a call of ``n_subjects`` below :data:`FUSED_MIN_SUBJECTS`, ``cpu`` stays on ``numpy``.
    Exposures on ``numba`` use the fused kernel (``fused.py``); concentration curves use the NumPy
    sweep on every CPU backend. ``numba`` without Numba raises :class:`DependencyMissing`.

    >>> resolve_backend("cpu") in ("numba", "numpy"), resolve_backend("cpu", 1), resolve_backend("jax")
    (True, 'numpy', 'jax')
    """
    check_backend(backend)
    if backend == "cpu":
        small = n_subjects is not None and n_subjects < FUSED_MIN_SUBJECTS
        return "numba" if fused.available() and not small else "numpy"
    if backend == "numba" and not fused.available():
        raise DependencyMissing("numba", "numba")
    return backend


def run_concentrations(job: Job, times_h: FloatArray, backend: str = DEFAULT_BACKEND) -> FloatArray:
    """Concentrations (N, O, T) in ng/mL at ``times_h`` (the NumPy sweep on every CPU backend)."""
    check_backend(backend)
    schedule = build_schedule(job.dosing, times_h)
    n = job.system.n_subjects
    out = np.empty((n, len(job.system.outputs), schedule.output_times_h.size))
    if job.regular.size:
        modal = job.modal if job.regular.size == n else job.modal.subset(job.regular)
        if backend == "jax":
            from ketamine_trd.pharmacology.jax_backend import concentrations as jax_conc

            out[job.regular] = jax_conc(modal, schedule)
        else:
            out[job.regular] = sweep.concentrations(modal, schedule)
    if job.singular.size:
        conc, _ = advance(job.system.subset(job.singular), _subset_dosing(job.dosing, job.singular), schedule)
        out[job.singular] = conc
    return out


def _exposures_exact(job: Job, schedule: Schedule, thresholds: FloatArray) -> Exposures:
    idx = job.singular
    conc, auc = advance(job.system.subset(idx), _subset_dosing(job.dosing, idx), schedule)
    running = Running(conc.shape[1], idx.size, thresholds)
    for k, t in enumerate(schedule.output_times_h):
        running.update(float(t), np.ascontiguousarray(conc[:, :, k].T))
    window = (float(schedule.output_times_h[0]), float(schedule.output_times_h[-1]))
    return running.finish(job.system.outputs, auc, window)


def run_exposures(
    job: Job,
    times_h: FloatArray,
    thresholds_ng_per_ml: FloatArray,
    backend: str = DEFAULT_BACKEND,
    workers: int = 1,
) -> Exposures:
    """Per-subject Cmax, Tmax, AUC over the output window and time above thresholds.

    On Numba (the default ``cpu`` backend when Numba is installed and the call has at least
    :data:`FUSED_MIN_SUBJECTS` regular subjects), the fused kernel for any grid;
    on NumPy, a uniform output grid takes the grid path (``grid_sweep``), other grids the general
    sweep. ``workers`` threads share the subjects on either. All give the same values to rounding.
    """
    backend = resolve_backend(backend, int(job.regular.size))
    if workers < 1:
        raise InputError("workers", workers, "an integer >= 1")
    schedule = build_schedule(job.dosing, times_h)
    thresholds = np.asarray(thresholds_ng_per_ml, dtype=np.float64).reshape(-1)
    outputs = job.system.outputs
    if job.singular.size == 0:
        return _regular(job.modal, schedule, outputs, thresholds, backend, job.dosing, workers)
    n = job.system.n_subjects
    parts: list[tuple[IntArray, Exposures]] = [(job.singular, _exposures_exact(job, schedule, thresholds))]
    if job.regular.size:
        regular = _regular(job.modal.subset(job.regular), schedule, outputs, thresholds, backend, job.dosing, workers)
        parts.append((job.regular, regular))
    fields = {}
    for name in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h"):
        first = getattr(parts[0][1], name)
        merged = np.empty((first.shape[0], n))
        for index, part in parts:
            merged[:, index] = getattr(part, name)
        fields[name] = merged
    return Exposures(outputs, thresholds_ng_per_ml=thresholds, window_h=parts[0][1].window_h, **fields)


def _regular(
    modal: Modal,
    schedule: Schedule,
    outputs: tuple[str, ...],
    thresholds: FloatArray,
    backend: str,
    dosing: Dosing,
    workers: int = 1,
) -> Exposures:
    if backend == "numba":  # the window AUC is integrated in the kernel's own pass
        return fused.exposures(modal, schedule, outputs, thresholds, workers)
    times = schedule.output_times_h
    auc_schedule = build_schedule(dosing, np.array([times[0], times[-1]])) if times.size > 2 else None
    if backend == "jax":
        from ketamine_trd.pharmacology.jax_backend import exposures as jax_exposures

        return jax_exposures(modal, schedule, outputs, thresholds, auc_schedule)
    if grid_sweep.applicable(schedule):
        return grid_sweep.exposures(modal, schedule, outputs, thresholds, auc_schedule, workers)
    return sweep.exposures(modal, schedule, outputs, thresholds, auc_schedule)
