"""The JAX backend on a GPU, float32 and float64, beside the CPU kernel on the same reference problem.

The reference problem of ``bench_pkpd.py`` (2-cmt oral, 8 doses, 200 output times, Cmax, Tmax,
exact AUC, time above a threshold). On a machine whose default JAX device is a GPU it solves
10 million subjects (``--quick``: 200,000) in chunks of 1 million with JAX ``scan`` and ``dense``
in float64 and float32 (batch size measured on the device), and 1 million (``--quick``: 20,000)
with the fused CPU kernel on 2 threads in the same process. Rows report the device solve alone
(subjects sampled and modal forms built beforehand on the CPU) and the largest relative
difference of float32 from float64. Without a GPU the section says so and measures nothing.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from ketamine_trd.pharmacology import fused
from ketamine_trd.pharmacology.engine import prepare, run_exposures
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.schedule import build_schedule

TITLE = "## PK/PD on a GPU (`bench/bench_gpu.py`)"
TARGET_GPU = 1_000_000_000


def _device() -> str | None:
    try:
        from ketamine_trd.pharmacology.jax_backend import device_description

        return device_description()
    except Exception:  # noqa: BLE001 - JAX absent or broken
        return None


def _jobs(n: int, chunk: int) -> list[Any]:
    from bench_pkpd import oral_case

    regimen, _, _ = oral_case()
    model = model_for(regimen.route)
    rng = np.random.default_rng(2026)
    return [
        prepare(model, regimen, model.individual(min(chunk, n - lo), rng), Covariates()) for lo in range(0, n, chunk)
    ]


def _jax(jobs: list[Any], method: str, dtype: str) -> tuple[float, Any]:
    from bench_pkpd import oral_case

    from ketamine_trd.pharmacology import jax_backend

    _, times, thr = oral_case()
    thresholds = np.array([thr])
    first = None
    schedules = [(build_schedule(j.dosing, times), build_schedule(j.dosing, times[[0, -1]])) for j in jobs]
    schedule, auc_schedule = schedules[0]
    jax_backend.exposures(jobs[0].modal, schedule, jobs[0].system.outputs, thresholds, auc_schedule, method, dtype)
    start = time.perf_counter()
    for job, (schedule, auc_schedule) in zip(jobs, schedules, strict=True):
        exp = jax_backend.exposures(job.modal, schedule, job.system.outputs, thresholds, auc_schedule, method, dtype)
        first = first or exp
    return time.perf_counter() - start, first


def _cpu(jobs: list[Any]) -> tuple[float, Any]:
    from bench_pkpd import oral_case

    _, times, thr = oral_case()
    run_exposures(jobs[0], times, np.array([thr]), workers=2)
    start = time.perf_counter()
    first = None
    for job in jobs:
        exp = run_exposures(job, times, np.array([thr]), workers=2)
        first = first or exp
    return time.perf_counter() - start, first


def run(quick: bool) -> str:
    """Markdown section: the GPU rows, or a note that no GPU was present."""
    device = _device()
    if device is None or device.startswith("cpu"):
        return (
            f"{TITLE}\n\nNot measured: no GPU in this run (JAX device: {device or 'JAX not installed'}). On a machine "
            "with a CUDA build of JAX, `python bench/run.py --only gpu` solves the reference problem for 10 million "
            "subjects with JAX scan and dense in float32 and float64 beside the fused CPU kernel, and writes the "
            f"table here (target >= {TARGET_GPU:,} subjects/s)."
        )
    n_gpu, n_cpu, chunk = (200_000, 20_000, 100_000) if quick else (10_000_000, 1_000_000, 1_000_000)
    jobs = _jobs(n_gpu, chunk)
    rows = []
    results: dict[tuple[str, str], Any] = {}
    for method in ("scan", "dense"):
        for dtype in ("float64", "float32"):
            wall, exp = _jax(jobs, method, dtype)
            results[(method, dtype)] = exp
            rows.append((f"JAX {method} {dtype} on {device}", n_gpu, wall))
    if fused.available():
        wall, _ = _cpu(_jobs(n_cpu, min(chunk, n_cpu)))
        rows.append(("Numba fused kernel, 2 CPU threads (same process)", n_cpu, wall))
    lines = [
        TITLE,
        "",
        f"Device {device}; {os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.1f}. Device solve only "
        "(subjects sampled and modal forms built beforehand); the first call of each (batch calibration, compile) "
        "is not timed.",
        "",
        "| Backend | Subjects | Wall (s) | Subjects/s |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {n:,} | {wall:.3f} | {n / wall:,.0f} |" for name, n, wall in rows),
        "",
    ]
    for method in ("scan", "dense"):
        a, b = results[(method, "float64")], results[(method, "float32")]
        diff = float(np.max(np.abs(a.cmax_ng_per_ml - b.cmax_ng_per_ml) / np.abs(a.cmax_ng_per_ml)))
        lines.append(f"- {method}: float32 Cmax within {diff:.1e} relative of float64 (first chunk).")
    return "\n".join(lines)
