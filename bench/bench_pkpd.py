"""PK/PD engine throughput: subjects per second for summary exposures, side by side in one run.

Cases: (A) a two-compartment oral model (racemic ketamine oral: Clements disposition plus
first-order absorption) with 8 doses (twice weekly for 4 weeks) and 200 output times; (B) the
esketamine nasal course of 12 weeks (Perez-Ruixo 2021 model, 9 compartments with
noresketamine; 14 sessions) on the population grid (5-min points for 6 h after each dose,
hourly otherwise). Backends: the NumPy float64 reference, JAX float64 (when installed; on the GPU
when one is present), and scipy's ``solve_ivp`` (LSODA, rtol 1e-8) on the first subjects of the
same population, from which the per-subject ratio is computed. Summary exposures are Cmax, Tmax,
exact AUC and time above a threshold per subject.
"""

from __future__ import annotations

import os
import time

import numpy as np

from ketamine_trd.pharmacology import sweep
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import prepare, run_exposures
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.oderef import ode_concentrations
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.population import course_grid
from ketamine_trd.pharmacology.schedule import build_schedule

TARGET_CPU = 1_000_000
TARGET_RATIO = 1000
TARGET_GPU = 1_000_000_000


def _oral_case() -> tuple[Regimen, np.ndarray, float]:
    doses = tuple(Dose(week * 168.0 + day, 100.0) for week in range(4) for day in (0.0, 72.0))
    return Regimen("ketamine-oral", doses), np.linspace(0.0, 4 * 168.0, 200), 10.0


def _esketamine_case() -> tuple[Regimen, np.ndarray, float]:
    days = [0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49, 63, 77]  # induction x8, weekly x4, every 2 weeks x2
    doses = tuple(Dose(d * 24.0, 56.0 if i == 0 else 84.0) for i, d in enumerate(days))
    regimen = Regimen("esketamine-nasal", doses)
    return regimen, course_grid(regimen, 84 * 24.0), 100.0


def _engine(
    regimen: Regimen, times: np.ndarray, thr: float, n: int, backend: str, chunk: int
) -> tuple[float, float, object]:
    """Wall and CPU seconds (all threads of this process) for ``n`` subjects, and the first chunk's exposures."""
    model = model_for(regimen.route)
    rng = np.random.default_rng(2026)
    start, cpu0 = time.perf_counter(), time.process_time()
    first = None
    for lo in range(0, n, chunk):
        size = min(chunk, n - lo)
        job = prepare(model, regimen, model.individual(size, rng), Covariates())
        if backend == "jax-dense":
            from ketamine_trd.pharmacology import jax_backend

            schedule = build_schedule(job.dosing, times)
            exp = jax_backend.exposures(job.modal, schedule, job.system.outputs, np.array([thr]), method="dense")
        elif backend == "numpy-general":  # the general sweep, as before the uniform-grid path
            schedule = build_schedule(job.dosing, times)
            auc_schedule = build_schedule(job.dosing, times[[0, -1]])
            exp = sweep.exposures(job.modal, schedule, job.system.outputs, np.array([thr]), auc_schedule)
        elif backend == "numpy-2":
            exp = run_exposures(job, times, np.array([thr]), workers=2)
        else:
            exp = run_exposures(job, times, np.array([thr]), backend=backend)
        first = first or exp
    return time.perf_counter() - start, time.process_time() - cpu0, first


def _scipy(regimen: Regimen, times: np.ndarray, n: int) -> tuple[float, np.ndarray]:
    model = model_for(regimen.route)
    params = model.individual(n, np.random.default_rng(2026))
    job = prepare(model, regimen, params, Covariates())
    schedule = build_schedule(job.dosing, times)
    start = time.perf_counter()
    conc = ode_concentrations(job.system, job.dosing, schedule, rtol=1e-8)
    cmax = conc.max(axis=2)  # summaries from the stored curve
    return time.perf_counter() - start, cmax


def _jax_device() -> str | None:
    try:
        from ketamine_trd.pharmacology.jax_backend import device_description

        return device_description()
    except Exception:  # noqa: BLE001 - JAX absent or broken: recorded as absent
        return None


LABELS = {
    "numpy-general": "NumPy f64, general sweep (before)",
    "numpy": "NumPy f64, uniform-grid path",
    "numpy-2": "NumPy f64, uniform-grid path, 2 threads",
}


def _measure(
    regimen: Regimen,
    times: np.ndarray,
    thr: float,
    backends: list[str],
    sizes: dict[str, tuple[int, int]],
    repeats: int,
) -> dict[str, tuple[float, float, object]]:
    """Median wall and CPU seconds per backend, the backends interleaved in every repeat (same load for all)."""
    for backend in backends:
        n, chunk = sizes[backend]
        _engine(regimen, times, thr, min(n, chunk), backend, chunk)  # warm-up (JIT, caches)
    walls: dict[str, list[float]] = {b: [] for b in backends}
    cpus: dict[str, list[float]] = {b: [] for b in backends}
    firsts: dict[str, object] = {}
    for _ in range(repeats):
        for backend in backends:
            n, chunk = sizes[backend]
            wall, cpu, firsts[backend] = _engine(regimen, times, thr, n, backend, chunk)
            walls[backend].append(wall)
            cpus[backend].append(cpu)
    return {b: (float(np.median(walls[b])), float(np.median(cpus[b])), firsts[b]) for b in backends}


def run(quick: bool) -> str:
    """Markdown section with the measured table."""
    load0 = os.getloadavg()[0]
    device = _jax_device()
    on_gpu = device is not None and not device.startswith("cpu")
    rows = []
    cases = (
        ("2-cmt oral, 8 doses, 200 times", _oral_case, 4_000 if quick else 200_000, 2 if quick else 10, 10_000_000),
        ("esketamine 12-week course", _esketamine_case, 300 if quick else 20_000, 1 if quick else 3, 1_000_000),
    )
    speedup = ""
    for name, case, n_cpu, n_scipy, n_gpu in cases:
        regimen, times, thr = case()
        wall_ode, ode_cmax = _scipy(regimen, times, n_scipy)
        ode_rate = n_scipy / wall_ode
        rows.append((name, "scipy solve_ivp (LSODA)", n_scipy, times.size, wall_ode, wall_ode, ode_rate, 1.0, ""))
        oral = case is _oral_case
        numpy_rows = ["numpy-general", "numpy", "numpy-2"] if oral else ["numpy"]
        sizes = dict.fromkeys(numpy_rows, (n_cpu, 20000))
        measured = _measure(regimen, times, thr, numpy_rows, sizes, 1 if quick else 5)
        if oral:
            speedup = f"{measured['numpy-general'][0] / measured['numpy'][0]:.2f}"
            speedup += f" (wall), {measured['numpy-general'][1] / measured['numpy'][1]:.2f} (CPU)"
        jax_rows = (["jax"] if device is not None else []) + (["jax-dense"] if device is not None and oral else [])
        for backend in jax_rows:
            n = n_cpu if not on_gpu else (100_000 if quick else n_gpu)
            sizes[backend] = (n, 4_096 if not on_gpu else 1_000_000)
        measured.update(_measure(regimen, times, thr, jax_rows, sizes, 1))
        for backend, (wall, cpu, exp) in measured.items():
            n = sizes[backend][0]
            cmax = exp.cmax_ng_per_ml[0, :n_scipy]  # type: ignore[attr-defined]
            err = float(np.max(np.abs(cmax - ode_cmax[:, 0]) / ode_cmax[:, 0]))
            label = LABELS.get(backend) or (
                f"JAX f64 scan on {device}" if backend == "jax" else f"JAX f64 dense on {device}"
            )
            if not oral and backend == "numpy":
                label = "NumPy f64 (non-uniform grid: general sweep)"
            rows.append((name, label, n, times.size, wall, cpu, n / wall, (n / wall) / ode_rate, f"{err:.1e}"))
    load1 = os.getloadavg()[0]
    lines = [
        "## PK/PD engine (`bench/bench_pkpd.py`)",
        "",
        f"{'Quick run (small sizes). ' if quick else ''}Load average at start/end: {load0:.1f} / {load1:.1f} "
        f"on {os.cpu_count()} logical cores (shared machine: figures scale with load). JAX device: "
        f"{device or 'JAX not installed'}. NumPy rows: median of {1 if quick else 5} interleaved repeats "
        "(each includes sampling the subjects and building their models); CPU s counts every thread.",
        "",
        "| Case | Backend | Subjects | Output times | Wall (s) | CPU (s) | Subjects/s | x solve_ivp per subject "
        "| Cmax rel. diff vs ODE |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, backend, n, t, wall, cpu, rate, ratio, err in rows:
        lines.append(
            f"| {case} | {backend} | {n:,} | {t} | {wall:.3f} | {cpu:.3f} | {rate:,.0f} | {ratio:,.0f} | {err} |"
        )
    engine_rows = [r for r in rows if r[0].startswith("2-cmt") and "solve_ivp" not in r[1]]
    best = max(r[6] for r in engine_rows)
    best_ratio = max(r[7] for r in engine_rows)
    best_cpu = max(r[2] / r[5] for r in engine_rows)
    lines += [
        "",
        f"Uniform-grid path against the general sweep (2-cmt case, same run): {speedup} times faster.",
        "",
        f"Targets (2-cmt case, float64): >= {TARGET_CPU:,} subjects/s on this CPU: "
        f"{'met' if best >= TARGET_CPU else 'NOT met'} (best {best:,.0f} wall; {best_cpu:,.0f} per CPU-second); "
        f">= {TARGET_RATIO}x solve_ivp per subject: "
        f"{'met' if best_ratio >= TARGET_RATIO else 'NOT met'} (best {best_ratio:,.0f}x).",
        "",
        "GPU: "
        + (
            f"JAX ran on {device} (target >= {TARGET_GPU:,} subjects/s)." if on_gpu else "no GPU available in this run."
        ),
    ]
    return "\n".join(lines)
