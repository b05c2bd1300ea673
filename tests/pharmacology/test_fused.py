"""The fused Numba kernel agrees with the NumPy paths and the ODE on every model and route; NumPy is the fallback."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from ketamine_trd.errors import DependencyMissing
from ketamine_trd.pharmacology import engine, fused, fused_kernel, grid_sweep, sweep
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import resolve_backend, run_exposures
from ketamine_trd.pharmacology.models import ROUTES
from ketamine_trd.pharmacology.oderef import ode_concentrations
from ketamine_trd.pharmacology.population import PopulationRequest, run_population
from ketamine_trd.pharmacology.schedule import build_schedule
from ketamine_trd.pharmacology.summary import Exposures

from .conftest import edge_times, make_job

FIELDS = ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h")
THRESHOLDS = np.array([1.0, 20.0, 80.0])
GRIDS = {
    "edges": None,  # non-uniform: the instants around every dose and infusion end
    "uniform from 0": (0.0, 200.0, 401),
    "uniform across doses": (30.0, 60.0, 121),
    "short": (50.0, 51.0, 5),
}

numba_only = pytest.mark.skipif(not fused.available(), reason="Numba is not installed")


def _times(route: str, grid: str) -> np.ndarray:
    spec = GRIDS[grid]
    return edge_times(route) if spec is None else np.linspace(*spec)


def _assert_same(a: Exposures, b: Exposures, rtol: float = 1e-9) -> None:
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=rtol, atol=1e-9, err_msg=name)


@numba_only
@pytest.mark.parametrize("grid", sorted(GRIDS))
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_numba_and_numpy_agree_to_1e_9(route: str, grid: str) -> None:
    """Through the engine, every route (S-ketamine: the exact path for its singular subjects on both)."""
    job = make_job(route, n=2 if route.startswith("s-") else 150, seed=7)  # 150: two blocks and a short one
    times = _times(route, grid)
    _assert_same(run_exposures(job, times, THRESHOLDS, backend="numpy"), run_exposures(job, times, THRESHOLDS, "numba"))


@numba_only
@pytest.mark.parametrize("route", sorted(r for r in ROUTES if not r.startswith("s-")))
def test_kernel_equals_the_general_sweep_and_the_grid_path(route: str) -> None:
    """The kernel itself, on the modal form, against both NumPy arrangements (uniform grid)."""
    job = make_job(route, n=70, seed=3)
    modal = job.modal.subset(job.regular)
    times = np.linspace(0.0, 200.0, 401)
    schedule = build_schedule(job.dosing, times)
    auc_schedule = build_schedule(job.dosing, times[[0, -1]])
    outputs = job.system.outputs
    kernel = fused.exposures(modal, schedule, outputs, THRESHOLDS)
    _assert_same(sweep.exposures(modal, schedule, outputs, THRESHOLDS, auc_schedule), kernel)
    _assert_same(grid_sweep.exposures(modal, schedule, outputs, THRESHOLDS, auc_schedule), kernel)


@numba_only
def test_kernel_matches_the_ode_reference(route: str) -> None:
    """Cmax and Tmax of the kernel against scipy's LSODA at rtol 1e-12 on the same output times."""
    job = make_job(route, n=3, seed=11)
    times = edge_times(route, 100.0)
    exp = run_exposures(job, times, np.zeros(0), backend="numba")
    ode = ode_concentrations(job.system, job.dosing, build_schedule(job.dosing, times), rtol=1e-12)
    np.testing.assert_allclose(exp.cmax_ng_per_ml, ode.max(axis=2).T, rtol=1e-9)
    np.testing.assert_allclose(exp.tmax_h, times[ode.argmax(axis=2)].T)


@numba_only
def test_threads_and_short_blocks_do_not_change_values(monkeypatch: pytest.MonkeyPatch) -> None:
    job = make_job("esketamine-nasal", n=2 * fused_kernel.BLOCK + 37, seed=11)
    times = np.linspace(0.0, 240.0, 241)
    one = run_exposures(job, times, np.array([5.0, 50.0]), backend="numba")
    monkeypatch.setattr(fused, "TABLE_BYTES", 1)  # one block per exp table
    for workers in (2, 3, 7):
        other = run_exposures(job, times, np.array([5.0, 50.0]), backend="numba", workers=workers)
        _assert_same(one, other, rtol=1e-13)


def test_uncompiled_kernel_gives_the_same_values() -> None:
    """The kernel's loops run as plain Python (no compiler): the same values as the NumPy sweep."""
    job = make_job("ketamine-iv", n=5, seed=2)  # infusions: the rate and H-factor branches
    times = edge_times("ketamine-iv", 120.0)
    schedule = build_schedule(job.dosing, times)
    python = fused.exposures(job.modal, schedule, job.system.outputs, THRESHOLDS, compiled=False)
    _assert_same(sweep.exposures(job.modal, schedule, job.system.outputs, THRESHOLDS), python)


def test_numpy_fallback_when_numba_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``import numba`` failing, ``cpu`` runs NumPy, ``numba`` names the missing extra, values unchanged."""
    monkeypatch.setitem(sys.modules, "numba", None)  # find_spec -> None and import -> ImportError
    monkeypatch.setattr(fused, "_state", {})
    assert not fused.available()
    assert resolve_backend("cpu") == "numpy"
    taken: list[str] = []
    original = grid_sweep.exposures

    def spy(*args: object, **kwargs: object) -> Exposures:
        taken.append("numpy")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.grid_sweep, "exposures", spy)
    job = make_job("ketamine-oral", n=20, seed=1)
    times = np.linspace(0.0, 48.0, 97)
    got = run_exposures(job, times, THRESHOLDS)
    assert taken == ["numpy"]
    with pytest.raises(DependencyMissing):
        run_exposures(job, times, THRESHOLDS, backend="numba")
    with pytest.raises(DependencyMissing):
        fused.kernel()
    request = PopulationRequest(Regimen("ketamine-oral", (Dose(0.0, 100.0),)), n=50, seed=1, hours=24.0)
    assert run_population(request).n == 50
    schedule = build_schedule(job.dosing, times)
    auc_schedule = build_schedule(job.dosing, times[[0, -1]])
    _assert_same(sweep.exposures(job.modal, schedule, job.system.outputs, THRESHOLDS, auc_schedule), got)


@numba_only
def test_small_calls_stay_on_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typical patient or a small population does not pay for importing Numba (the size alone decides)."""
    assert resolve_backend("cpu", 1) == "numpy"
    assert resolve_backend("cpu", engine.FUSED_MIN_SUBJECTS) == "numba"
    assert resolve_backend("numba", 1) == "numba"
    regimen = Regimen("ketamine-oral", (Dose(0.0, 100.0),))
    assert PopulationRequest(regimen, n=1000, seed=1).solver == "numpy"
    assert PopulationRequest(regimen, n=50_000, seed=1).solver == "numba"
    code = (
        "import sys; from ketamine_trd.pharmacology import Covariates, Dose, typical_profile;"
        "typical_profile('ketamine-iv', (Dose(0.0, 35.0, 40.0),), Covariates(), 24.0); print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_engine_does_not_import_numba_until_it_runs() -> None:
    """Importing the engine (and the CLI's pharmacology module) leaves Numba unimported: it is lazy."""
    code = (
        "import sys; import ketamine_trd.pharmacology.engine, ketamine_trd.pharmacology.fused;"
        "print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@numba_only
def test_population_default_backend_runs_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = fused.exposures

    def spy(*args: object, **kwargs: object) -> Exposures:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.fused, "exposures", spy)
    monkeypatch.setattr(engine, "FUSED_MIN_SUBJECTS", 100)  # chunks of 128 count as large here
    regimen = Regimen("esketamine-nasal", (Dose(0.0, 56.0), Dose(72.0, 84.0)))
    default = run_population(PopulationRequest(regimen, n=300, seed=4, chunk_size=128))
    assert len(calls) == 3  # one per chunk (the last one of 44 subjects too), on the non-uniform population grid
    reference = run_population(PopulationRequest(regimen, n=300, seed=4, chunk_size=128, backend="numpy"))
    _assert_same(reference.exposures, default.exposures)
    threaded = run_population(PopulationRequest(regimen, n=300, seed=4, chunk_size=128, workers=2))
    _assert_same(default.exposures, threaded.exposures, rtol=1e-13)
    seconds = fused.load_seconds()  # how long the kernel's load (compile or cache read) took
    assert seconds is not None and seconds >= 0.0


def test_jax_batches_are_measured_cached_and_do_not_change_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """JAX on CPU sweeps in a measured batch size (not the population chunk); padding the last batch is harmless."""
    pytest.importorskip("jax")
    from ketamine_trd.pharmacology import jax_backend

    monkeypatch.setattr(jax_backend, "CPU_BATCHES", (64, 128))
    monkeypatch.setattr(jax_backend, "GPU_BATCHES", (64, 128))
    monkeypatch.setattr(jax_backend, "_BATCHES", {})
    job = make_job("ketamine-oral", n=300, seed=5)
    times = np.linspace(0.0, 48.0, 97)
    schedule = build_schedule(job.dosing, times)
    auc_schedule = build_schedule(job.dosing, times[[0, -1]])
    size = jax_backend.batch_size(job.modal, schedule, THRESHOLDS, auc_schedule)
    assert size in (64, 128) and list(jax_backend._BATCHES.values()) == [size]
    batched = jax_backend.exposures(job.modal, schedule, job.system.outputs, THRESHOLDS, auc_schedule)
    _assert_same(sweep.exposures(job.modal, schedule, job.system.outputs, THRESHOLDS, auc_schedule), batched)
    single = jax_backend.exposures(job.modal, schedule, job.system.outputs, THRESHOLDS, auc_schedule, dtype="float32")
    np.testing.assert_allclose(single.cmax_ng_per_ml, batched.cmax_ng_per_ml, rtol=1e-4)
