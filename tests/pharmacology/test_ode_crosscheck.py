"""The closed form against scipy's ODE solver (LSODA, rtol 1e-10) for every model and route, edges included."""

from __future__ import annotations

import numpy as np

from ketamine_trd.pharmacology.advance import advance
from ketamine_trd.pharmacology.engine import prepare, run_concentrations
from ketamine_trd.pharmacology.oderef import ode_concentrations
from ketamine_trd.pharmacology.schedule import build_schedule

from .conftest import edge_times, make_job


def _close(a: np.ndarray, b: np.ndarray, rel: float) -> None:
    scale = np.max(np.abs(b), axis=-1, keepdims=True)
    err = np.abs(a - b) / np.maximum(np.abs(b), 1e-3 * scale)
    assert float(np.max(err)) < rel, float(np.max(err))


def test_closed_form_matches_ode_every_route(route: str) -> None:
    job = make_job(route, n=3, seed=11)
    times = edge_times(route)
    closed = run_concentrations(job, times)
    ode = ode_concentrations(job.system, job.dosing, build_schedule(job.dosing, times))
    _close(closed, ode, 1e-6)


def test_matrix_exponential_path_matches_modal_sweep(route: str) -> None:
    job = make_job(route, n=2, seed=5)
    times = edge_times(route)
    schedule = build_schedule(job.dosing, times)
    exact, _ = advance(job.system, job.dosing, schedule)
    _close(run_concentrations(job, times), exact, 1e-9)


def test_just_after_infusion_end_matches_ode() -> None:
    """ferx-core #711: closed-form infusion paths erred just after the infusion ended."""
    job = make_job("ketamine-iv", n=1)
    end = 40 / 60
    times = np.array([end - 1e-9, end, end + 1e-9, end + 1e-4, end + 0.05])
    closed = run_concentrations(job, times)
    ode = ode_concentrations(job.system, job.dosing, build_schedule(job.dosing, times))
    _close(closed, ode, 1e-7)
    assert closed[0, 0, 1] >= closed[0, 0, 4]


def test_singular_case_ka_equal_to_an_eigenvalue_is_exact() -> None:
    """mrgsolve #1179: ka equal to a disposition rate returned zeros or NaN in closed-form oral models."""
    from ketamine_trd.pharmacology.dosing import Regimen
    from ketamine_trd.pharmacology.models import model_for
    from ketamine_trd.pharmacology.models.racemic import two_compartment_modal
    from ketamine_trd.pharmacology.parameters import Covariates

    from .conftest import REGIMENS

    model = model_for("ketamine-oral")
    params = model.individual(3)
    rates, _ = two_compartment_modal(
        params["k10_per_h"], params["k12_per_h"], params["k21_per_h"], np.ones(3), None, np.ones(3)
    )
    params["ka_oral_per_h"] = np.array([rates[0, 0], rates[1, 1], 2.0])  # = alpha, = beta, regular
    job = prepare(model, Regimen("ketamine-oral", REGIMENS["ketamine-oral"]), params, Covariates())
    assert job.singular.tolist() == [0, 1]
    times = edge_times("ketamine-oral", 60.0)
    closed = run_concentrations(job, times)
    assert np.all(np.isfinite(closed))
    ode = ode_concentrations(job.system, job.dosing, build_schedule(job.dosing, times))
    _close(closed, ode, 1e-6)
