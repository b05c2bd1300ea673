"""The default CPU path for large exposure sweeps: one fused, compiled pass per block of subjects (Numba).

:func:`exposures` gives the values of :func:`ketamine_trd.pharmacology.sweep.exposures` (Cmax,
Tmax, exact window AUC, time above thresholds; agreement to 1e-9 is tested on every model and
route) for any output grid, uniform or not, with the sweep and the summaries fused into one
loop per block of :data:`BLOCK_SUBJECTS` subjects (``fused_kernel.py``). Numba is imported the
first time it is needed and compiles with ``cache=True``: the machine code is written next to
the module (or, where that folder is read-only, into Numba's user-wide cache, or
``NUMBA_CACHE_DIR``), so only the very first call on a machine pays the compile
(:func:`load_seconds` says how long the last load took). Without Numba, :func:`available` is
False and the engine takes the NumPy path (``grid_sweep.py`` / ``sweep.py``), as it does for
calls smaller than ``engine.FUSED_MIN_SUBJECTS``.

>>> from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event
>>> from ketamine_trd.pharmacology.schedule import build_schedule
>>> modal = Modal(np.array([[0.5]]), np.array([[[[100.0]]]]))  # 1 mode, 100 ng/mL per mg
>>> s = build_schedule(Dosing((Channel(0, np.ones(1)),), (Event(0.0, 0, 1.0),)), np.linspace(0.0, 4.0, 5))
>>> e = exposures(modal, s, ("c",), np.array([50.0]), compiled=False)  # the same loops, uncompiled
>>> float(e.cmax_ng_per_ml[0, 0]), round(float(e.time_above_h[0, 0]), 4), round(float(e.auc_ng_h_per_ml[0, 0]), 3)
(100.0, 1.4464, 172.933)
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import DependencyMissing, InputError
from ketamine_trd.pharmacology import fused_kernel
from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.summary import Exposures
from ketamine_trd.pharmacology.system import Modal

__all__ = ["BLOCK_SUBJECTS", "available", "exposures", "kernel", "load_seconds"]

FloatArray = npt.NDArray[np.float64]
Kernel = Callable[..., None]

BLOCK_SUBJECTS = fused_kernel.BLOCK
"""Subjects per block of the kernel (``fused_kernel.BLOCK``)."""

TABLE_BYTES = 2**19
"""Target size of one sub-chunk's table of ``exp(-rate d)`` (distinct lengths x modes x subjects)."""

_lock = threading.Lock()
_state: dict[str, Any] = {}


def available() -> bool:
    """Whether Numba is installed (checked without importing it).

    >>> isinstance(available(), bool)
    True
    """
    return importlib.util.find_spec("numba") is not None


def kernel() -> Kernel:
    """The compiled kernel (``fused_kernel.sweep_blocks`` through ``numba.njit(cache=True, nogil=True)``).

    Compiled for float64 on the first call in a process: loaded from Numba's cache when a previous
    process compiled it, else compiled (tens of seconds) and cached. Raises
    :class:`DependencyMissing` without Numba.
    """
    with _lock:
        if "kernel" not in _state:
            try:
                import numba
            except ImportError as error:
                raise DependencyMissing("numba", "numba") from error
            start = time.perf_counter()
            try:
                compiled = numba.njit(cache=True, nogil=True, error_model="numpy")(fused_kernel.sweep_blocks)
            except RuntimeError:  # no writable cache folder anywhere: compile in memory, every process
                compiled = numba.njit(cache=False, nogil=True, error_model="numpy")(fused_kernel.sweep_blocks)
            _warm(cast(Kernel, compiled))
            _state["seconds"] = time.perf_counter() - start
            _state["kernel"] = compiled
        return cast(Kernel, _state["kernel"])


def load_seconds() -> float | None:
    """Seconds the kernel took to load (compile, or read from the cache) in this process; None before.

    >>> load_seconds() is None or load_seconds() >= 0.0
    True
    """
    seconds = _state.get("seconds")
    return None if seconds is None else float(seconds)


def _warm(compiled: Kernel) -> None:
    """Compile (or load) the one float64 signature by calling it on one subject."""
    modal = Modal(np.ones((1, 1)), np.ones((1, 1, 1, 1)))
    from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event
    from ketamine_trd.pharmacology.schedule import build_schedule

    schedule = build_schedule(Dosing((Channel(0, np.ones(1)),), (Event(0.0, 0, 1.0, 0.5),)), np.array([0.0, 1.0]))
    _run(compiled, modal, schedule, np.ones(1), 1)


def _inputs(modal: Modal, schedule: Schedule) -> tuple[FloatArray | npt.NDArray[np.int64] | npt.NDArray[np.uint8], ...]:
    """The kernel's arrays: channel-major modal form and per-step schedule data (contiguous)."""
    n_modes = modal.residue.shape[2]
    rates, residue = modal.channel_major()
    step_rate = np.ascontiguousarray(np.repeat(schedule.rate_mg_per_h, n_modes, axis=1))
    step_bolus = np.ascontiguousarray(np.repeat(schedule.bolus_mg, n_modes, axis=1))
    flags = (
        (schedule.delta_h > 0.0).astype(np.uint8)
        | (np.any(step_rate != 0.0, axis=1).astype(np.uint8) << 1)
        | (np.any(step_bolus != 0.0, axis=1).astype(np.uint8) << 2)
        | (schedule.in_window.astype(np.uint8) << 3)
    )
    return (
        rates,
        residue,
        np.ascontiguousarray(schedule.unique_delta_h, dtype=np.float64),
        np.ascontiguousarray(schedule.delta_index, dtype=np.int64),
        np.ascontiguousarray(flags, dtype=np.uint8),
        step_rate,
        step_bolus,
        np.ascontiguousarray(schedule.output_index, dtype=np.int64),
        np.ascontiguousarray(schedule.output_times_h, dtype=np.float64),
    )


def _sub_chunk(n_factors: int) -> int:
    """Subjects per exp table: about :data:`TABLE_BYTES` of factors, a multiple of the block."""
    per_subject = 8 * max(n_factors, 1)
    return max(BLOCK_SUBJECTS, TABLE_BYTES // per_subject // BLOCK_SUBJECTS * BLOCK_SUBJECTS)


def _run(
    compiled: Kernel, modal: Modal, schedule: Schedule, thresholds: FloatArray, workers: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    n_ch, n_out, n_modes, n = modal.residue.shape
    arrays = _inputs(modal, schedule)
    rates, unique = arrays[0], arrays[2]
    thr = np.ascontiguousarray(thresholds, dtype=np.float64)
    cmax, tmax, auc = np.empty((n_out, n)), np.empty((n_out, n)), np.empty((n_out, n))
    above = np.empty((thr.size, n))
    sub = _sub_chunk(unique.size * rates.shape[0])
    bounds = [(lo, min(n, lo + sub)) for lo in range(0, n, sub)]

    def sweep(group: list[tuple[int, int]]) -> None:
        for lo, hi in group:
            table = np.exp(np.multiply.outer(unique, -rates[:, lo:hi]))  # (U, K, hi - lo): NumPy's SIMD exp
            compiled(*arrays, thr, table, lo, lo, hi, cmax, tmax, auc, above)

    groups = [bounds[i::workers] for i in range(min(workers, len(bounds)))]
    if len(groups) <= 1:
        sweep(bounds)
    else:  # the compiled kernel and NumPy's exp release the GIL: threads sweep disjoint sub-chunks
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            for future in [pool.submit(sweep, group) for group in groups]:
                future.result()
    return cmax, tmax, auc, above


def exposures(
    modal: Modal,
    schedule: Schedule,
    outputs: tuple[str, ...],
    thresholds_ng_per_ml: FloatArray,
    workers: int = 1,
    compiled: bool = True,
) -> Exposures:
    """Cmax, Tmax, exact AUC over the output window and time above thresholds, per subject.

    Same values as :func:`ketamine_trd.pharmacology.sweep.exposures` to rounding, for any grid.
    ``workers`` threads sweep disjoint ranges of subjects (the values do not depend on it);
    ``compiled=False`` runs the same loops in Python (for tests; slow).
    """
    if workers < 1:
        raise InputError("workers", workers, "an integer >= 1")
    thresholds = np.asarray(thresholds_ng_per_ml, dtype=np.float64).reshape(-1)
    run = kernel() if compiled else cast(Kernel, fused_kernel.sweep_blocks)
    cmax, tmax, auc, above = _run(run, modal, schedule, thresholds, workers)
    window = (float(schedule.output_times_h[0]), float(schedule.output_times_h[-1]))
    return Exposures(outputs, cmax, tmax, auc, thresholds, above, window)
