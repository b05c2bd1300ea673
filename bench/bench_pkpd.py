"""PK/PD engine throughput: subjects per second for summary exposures, each row beside its baseline in one run.

Cases: (A) the reference problem, a two-compartment oral model (racemic ketamine oral: Clements
disposition plus first-order absorption) with 8 doses (twice weekly for 4 weeks) and 200 evenly
spaced output times, float64, Cmax, Tmax, exact AUC and time above a threshold per subject;
(B) the population path: the esketamine nasal course of 12 weeks (Perez-Ruixo 2021 model, 9
compartments with noresketamine; 14 sessions) on the non-uniform population grid (5-min points
for 6 h after each dose, hourly otherwise), as ``ktrd simulate population`` runs it.

Backends: the fused Numba kernel (the default ``cpu`` backend), the NumPy path it replaces as
the default ("before": the uniform-grid path for A, the general sweep for B), JAX float64 on the
CPU with its measured batch size, and scipy's ``solve_ivp`` (LSODA, rtol 1e-8) on the first
subjects of the same population. Every engine row includes sampling the subjects and building
their models (``prepare``). The rows of a case run interleaved in every repeat, so they see the
same load; the table shows medians and the ratio to the "before" row. The kernel's compile time
(cold Numba cache, in a fresh process) and its load from the cache are measured too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ketamine_trd.pharmacology import fused, sweep
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import prepare, run_concentrations, run_exposures
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.oderef import ode_concentrations
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.population import course_grid
from ketamine_trd.pharmacology.schedule import build_schedule

TARGET_CPU = 1_000_000
TARGET_RATIO_BEFORE = 2.0
TARGET_RATIO_ODE = 1000
CHUNK = 20_000


def oral_case() -> tuple[Regimen, np.ndarray, float]:
    """The reference problem: 2-cmt oral, 8 doses, 200 output times."""
    doses = tuple(Dose(week * 168.0 + day, 100.0) for week in range(4) for day in (0.0, 72.0))
    return Regimen("ketamine-oral", doses), np.linspace(0.0, 4 * 168.0, 200), 10.0


def esketamine_case() -> tuple[Regimen, np.ndarray, float]:
    """The population path: a 12-week esketamine course on the population grid."""
    days = [0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49, 63, 77]  # induction x8, weekly x4, every 2 weeks x2
    doses = tuple(Dose(d * 24.0, 56.0 if i == 0 else 84.0) for i, d in enumerate(days))
    regimen = Regimen("esketamine-nasal", doses)
    return regimen, course_grid(regimen, 84 * 24.0), 100.0


def _solve(job: Any, times: np.ndarray, thr: float, backend: str) -> Any:
    if backend == "numpy-general":  # the general sweep (what non-uniform grids ran on before the kernel)
        schedule = build_schedule(job.dosing, times)
        auc_schedule = build_schedule(job.dosing, times[[0, -1]])
        return sweep.exposures(job.modal, schedule, job.system.outputs, np.array([thr]), auc_schedule)
    name, _, threads = backend.partition("-")
    return run_exposures(job, times, np.array([thr]), backend=name, workers=int(threads or 1))


def engine(regimen: Regimen, times: np.ndarray, thr: float, n: int, backend: str) -> tuple[float, float, Any]:
    """Wall and CPU seconds (all threads) for ``n`` subjects in chunks of 20,000, and the first chunk's exposures."""
    model = model_for(regimen.route)
    rng = np.random.default_rng(2026)
    start, cpu0 = time.perf_counter(), time.process_time()
    first = None
    for lo in range(0, n, CHUNK):
        job = prepare(model, regimen, model.individual(min(CHUNK, n - lo), rng), Covariates())
        exp = _solve(job, times, thr, backend)
        first = first or exp
    return time.perf_counter() - start, time.process_time() - cpu0, first


def scipy_reference(regimen: Regimen, times: np.ndarray, n: int) -> tuple[float, np.ndarray]:
    """Seconds for ``n`` subjects by LSODA, and their Cmax (from the stored curve)."""
    model = model_for(regimen.route)
    job = prepare(model, regimen, model.individual(n, np.random.default_rng(2026)), Covariates())
    schedule = build_schedule(job.dosing, times)
    start = time.perf_counter()
    conc = ode_concentrations(job.system, job.dosing, schedule, rtol=1e-8)
    return time.perf_counter() - start, conc.max(axis=2)


def interleaved(
    run_one: Callable[[str], tuple[float, float, Any]], backends: list[str], repeats: int
) -> dict[str, tuple[float, float, Any]]:
    """Median wall and CPU seconds per backend, every backend once per repeat (the same load for all)."""
    walls: dict[str, list[float]] = {b: [] for b in backends}
    cpus: dict[str, list[float]] = {b: [] for b in backends}
    firsts: dict[str, Any] = {}
    for _ in range(repeats):
        for backend in backends:
            wall, cpu, firsts[backend] = run_one(backend)
            walls[backend].append(wall)
            cpus[backend].append(cpu)
    return {b: (float(np.median(walls[b])), float(np.median(cpus[b])), firsts[b]) for b in backends}


COMPILE_CODE = (
    "import json, time; t = time.perf_counter(); from ketamine_trd.pharmacology import fused; fused.kernel();"
    "print(json.dumps([time.perf_counter() - t, fused.load_seconds()]))"
)


def compile_seconds() -> tuple[float, float, float, float]:
    """(process seconds, kernel load seconds) with a cold Numba cache, then again with the cache it wrote."""
    with tempfile.TemporaryDirectory(prefix="ktrd-numba-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        figures = []
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", COMPILE_CODE], env=env, capture_output=True, text=True)
            figures += json.loads(out.stdout.strip().splitlines()[-1])
    return figures[0], figures[1], figures[2], figures[3]


def jax_device() -> str | None:
    """The JAX device, or None without JAX."""
    try:
        from ketamine_trd.pharmacology.jax_backend import device_description

        return device_description()
    except Exception:  # noqa: BLE001 - JAX absent or broken: recorded as absent
        return None


LABELS = {
    "numba": "Numba fused kernel, 1 thread",
    "numba-2": "Numba fused kernel, 2 threads",
    "numpy": "NumPy f64, uniform-grid path (before: the default until now)",
    "numpy-general": "NumPy f64, general sweep (before: the default until now)",
    "jax": "JAX f64 scan, measured batch",
}


def _case(
    name: str,
    case: Callable[[], tuple[Regimen, np.ndarray, float]],
    before: str,
    n: int,
    n_ode: int,
    repeats: int,
    device: str | None,
) -> tuple[list[tuple[Any, ...]], dict[str, tuple[float, float, Any]]]:
    regimen, times, thr = case()
    wall_ode, ode_cmax = scipy_reference(regimen, times, n_ode)
    ode_rate = n_ode / wall_ode
    backends = [before, "numba", "numba-2"] if fused.available() else [before]
    for backend in backends:  # warm-up: the kernel's load, caches
        engine(regimen, times, thr, min(n, 2_000), backend)
    measured = interleaved(lambda b: engine(regimen, times, thr, n, b), backends, repeats)
    if device is not None:
        engine(regimen, times, thr, min(n, CHUNK), "jax")  # calibration and compile, not timed
        measured.update(interleaved(lambda b: engine(regimen, times, thr, n, b), ["jax"], 1))
    base_wall = measured[before][0]
    rows = [(name, "scipy solve_ivp (LSODA, rtol 1e-8)", n_ode, times.size, wall_ode, wall_ode, ode_rate, "", 1.0, "")]
    for backend, (wall, cpu, exp) in measured.items():
        cmax = exp.cmax_ng_per_ml[0, :n_ode]
        err = float(np.max(np.abs(cmax - ode_cmax[:, 0]) / ode_cmax[:, 0]))
        ratio = base_wall / wall
        rows.append((name, LABELS[backend], n, times.size, wall, cpu, n / wall, f"{ratio:.2f}", n / wall / ode_rate,
                     f"{err:.1e}"))  # fmt: skip
    return rows, measured


def _agreement(measured: dict[str, tuple[float, float, Any]], before: str, case: Callable[[], Any]) -> str:
    """How the kernel's exposures compare with the NumPy row's on the first chunk (the same subjects).

    Cmax, AUC and time above: the largest relative difference. Tmax: the subjects whose Tmax
    differs, and for them how close the concentrations at the two times are (peaks that tie to
    rounding, where "the first maximum" depends on the order of the additions).
    """
    if "numba" not in measured:
        return "no kernel row"
    a, b = measured[before][2], measured["numba"][2]
    worst = 0.0
    for field in ("cmax_ng_per_ml", "auc_ng_h_per_ml", "time_above_h"):
        x, y = getattr(a, field), getattr(b, field)
        worst = max(worst, float(np.max(np.abs(x - y) / np.maximum(np.abs(x), 1e-12))))
    differ = np.flatnonzero(np.any(a.tmax_h != b.tmax_h, axis=0))
    text = f"{worst:.1e} (Cmax, AUC, time above); Tmax identical for {a.n_subjects - differ.size:,} of {a.n_subjects:,}"
    if differ.size:
        regimen, _, _ = case()
        model = model_for(regimen.route)
        params = model.individual(a.n_subjects, np.random.default_rng(2026))  # the first chunk's subjects
        gaps = []
        for i in differ:
            one = prepare(model, regimen, {k: v[[i]] for k, v in params.items()}, Covariates())
            at = np.array(sorted({float(a.tmax_h[0, i]), float(b.tmax_h[0, i])}))
            conc = run_concentrations(one, at, backend="numpy")[0, 0]
            gaps.append(float(np.abs(conc[0] - conc[-1]) / conc.max()))
        gap = max(gaps)
        close = "exactly" if gap == 0.0 else f"to {gap:.0e} relative"
        text += f"; the other {differ.size} are ties (the concentrations at both times agree {close})"
    return text


def run(quick: bool) -> str:
    """Markdown section with the measured tables."""
    load0 = os.getloadavg()
    device = jax_device()
    repeats = 1 if quick else 5
    cold = compile_seconds() if fused.available() else None
    rows_a, measured_a = _case(
        "2-cmt oral, 8 doses, 200 times", oral_case, "numpy", 4_000 if quick else 200_000, 2 if quick else 10,
        repeats, device,
    )  # fmt: skip
    rows_b, measured_b = _case(
        "esketamine 12-week course (population grid)", esketamine_case, "numpy-general", 600 if quick else 20_000,
        1 if quick else 3, 1 if quick else 3, None,
    )  # fmt: skip
    load1 = os.getloadavg()
    lines = [
        "## PK/PD engine (`bench/bench_pkpd.py`)",
        "",
        f"{'Quick run (small sizes). ' if quick else ''}Load average (1, 5, 15 min) at start "
        f"{load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f} and end {load1[0]:.1f} / {load1[1]:.1f} / {load1[2]:.1f} "
        f"on {os.cpu_count()} logical cores (a shared machine: other users' work slows every row alike). Engine rows: "
        f"median of {repeats} interleaved repeats (case B: {1 if quick else 3}), each including sampling the subjects "
        "and building their models; CPU s counts every thread of the process. *x before* is the ratio of median wall "
        f"times to the row marked before, in the same run; *per CPU-s* is what one free core would give. JAX device: "
        f"{device or 'JAX not installed'}.",
        "",
        "| Case | Backend | Subjects | Output times | Wall (s) | CPU (s) | Subjects/s | Subjects per CPU-s "
        "| x before | x solve_ivp | Cmax rel. diff vs ODE |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, backend, n, t, wall, cpu, rate, ratio, ode_ratio, err in rows_a + rows_b:
        lines.append(
            f"| {case} | {backend} | {n:,} | {t} | {wall:.3f} | {cpu:.3f} | {rate:,.0f} | {n / max(cpu, 1e-9):,.0f} "
            f"| {ratio} | {ode_ratio:,.0f} | {err} |"
        )
    lines += ["", *_summary(measured_a, measured_b, rows_a, cold, device)]
    return "\n".join(lines)


def _summary(
    measured_a: dict[str, tuple[float, float, Any]],
    measured_b: dict[str, tuple[float, float, Any]],
    rows_a: list[tuple[Any, ...]],
    cold: tuple[float, float, float, float] | None,
    device: str | None,
) -> list[str]:
    n = rows_a[1][2]
    out = []
    if "numba" in measured_a:
        best = max(n / measured_a[b][0] for b in ("numba", "numba-2"))
        best_cpu = n / measured_a["numba"][1]
        ratio = max(measured_a["numpy"][0] / measured_a[b][0] for b in ("numba", "numba-2"))
        ratio_b = max(measured_b["numpy-general"][0] / measured_b[b][0] for b in ("numba", "numba-2"))
        out += [
            f"Targets (reference problem, float64): >= {TARGET_CPU:,} subjects/s on this machine: "
            f"{'met' if best >= TARGET_CPU else 'NOT met'} in this run (best {best:,.0f}/s wall; one thread "
            f"{best_cpu:,.0f} per CPU-second); >= {TARGET_RATIO_BEFORE:g}x the engine as it was (NumPy uniform-grid "
            f"path), same run: {'met' if ratio >= TARGET_RATIO_BEFORE else 'NOT met'} ({ratio:.2f}x). Population "
            f"path (case B) against the general sweep it ran on before: {ratio_b:.2f}x.",
            "",
            "Kernel against the NumPy row on the first 20,000 subjects (largest relative difference): case A "
            f"{_agreement(measured_a, 'numpy', oral_case)}; case B "
            f"{_agreement(measured_b, 'numpy-general', esketamine_case)}. The tests hold the kernel to 1e-9 on every "
            "model, route and grid.",
        ]
    else:
        out.append("Numba is not installed: the kernel rows are absent and the engine runs the NumPy path.")
    if cold is not None:
        out += [
            "",
            f"First call (compile) of the kernel, measured in fresh processes with an empty `NUMBA_CACHE_DIR`: "
            f"{cold[1]:.1f} s to compile ({cold[0]:.1f} s for the whole process, imports included); the next process "
            f"loads it from the cache in {cold[3]:.2f} s ({cold[2]:.1f} s in all). The rows above ran after the "
            "kernel was loaded (the warm-up is not timed).",
        ]
    on_gpu = device is not None and not device.startswith("cpu")
    out += [
        "",
        ("GPU: see the GPU section (`bench/bench_gpu.py`)." if on_gpu else "GPU: not measured (no GPU in this run); ")
        + ("" if on_gpu else "`bench/bench_gpu.py` runs JAX in float32 and float64 beside this kernel where one is."),
    ]
    return out
