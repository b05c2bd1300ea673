"""Invariants for every model and route: non-negative, mass balance, dose linearity, NumPy = JAX."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.pharmacology import sweep
from ketamine_trd.pharmacology.advance import advance
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import prepare, run_concentrations, run_exposures
from ketamine_trd.pharmacology.models import ROUTES, model_for
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.schedule import build_schedule
from ketamine_trd.pharmacology.system import LinearSystem, modal_from_system

from .conftest import edge_times, make_job

DOSE_MG = {"esketamine-nasal": 28.0}


@st.composite
def regimens(draw: st.DrawFn) -> tuple[str, tuple[Dose, ...], int]:
    route = draw(st.sampled_from(sorted(ROUTES)))
    count = draw(st.integers(1, 4))
    gaps = draw(st.lists(st.floats(0.5, 96.0), min_size=count, max_size=count))
    times = np.cumsum([0.0, *gaps[:-1]])
    unit = DOSE_MG.get(route, 1.0)
    amounts = draw(st.lists(st.integers(1, 4 if unit > 1 else 150), min_size=count, max_size=count))
    minutes = draw(st.sampled_from([0.0, 1.0, 40.0, 90.0])) if route.endswith("-iv") else 0.0
    doses = tuple(Dose(float(t), a * unit, minutes) for t, a in zip(times, amounts, strict=True))
    return route, doses, draw(st.integers(0, 2**16))


@settings(max_examples=25, deadline=None)
@given(regimens())
def test_concentrations_never_negative_and_dose_linear(case: tuple[str, tuple[Dose, ...], int]) -> None:
    route, doses, seed = case
    model = model_for(route)
    params = model.individual(4, np.random.default_rng(seed))
    times = np.linspace(0.0, doses[-1].time_h + 48.0, 200)
    job = prepare(model, Regimen(route, doses), params, Covariates())
    conc = run_concentrations(job, times)
    peak = float(np.max(conc))
    assert np.all(conc >= -1e-9 * peak)
    if route == "esketamine-nasal":
        return  # FRn depends on the number of devices: linear in the number of doses, not in mg per dose
    doubled = tuple(Dose(d.time_h, 2 * d.dose_mg, d.minutes) for d in doses)
    conc2 = run_concentrations(prepare(model, Regimen(route, doubled), params, Covariates()), times)
    np.testing.assert_allclose(conc2, 2 * conc, rtol=1e-10, atol=1e-10 * peak)


def test_esketamine_linear_in_repeated_doses() -> None:
    """Superposition: two 56-mg doses far apart give two copies of one dose's curve."""
    model = model_for("esketamine-nasal")
    p = model.individual(1)
    t = np.linspace(0.0, 24.0, 97)
    one = run_concentrations(prepare(model, Regimen("esketamine-nasal", (Dose(0.0, 56.0),)), p, Covariates()), t)
    later = run_concentrations(
        prepare(model, Regimen("esketamine-nasal", (Dose(0.0, 56.0), Dose(500.0, 56.0))), p, Covariates()),
        t + 500.0,
    )
    tail = run_concentrations(
        prepare(model, Regimen("esketamine-nasal", (Dose(0.0, 56.0),)), p, Covariates()), t + 500.0
    )
    np.testing.assert_allclose(later, one + tail, rtol=1e-9, atol=1e-12)


def test_mass_balance(route: str) -> None:
    """Amount in the body plus amount eliminated equals the bioavailable amount given, at every time."""
    job = make_job(route, n=3, seed=2)
    system = job.system
    n = len(system.compartments)
    # Outputs: every compartment's amount (mg), so the exact AUC gives the integral of each amount.
    identity = np.broadcast_to(np.eye(n), (system.n_subjects, n, n)).copy()
    mass = LinearSystem(system.rates_per_h, identity, system.compartments, system.compartments)
    times = edge_times(route)
    for horizon in (times[len(times) // 3], times[-1]):
        schedule = build_schedule(job.dosing, np.array([0.0, horizon]))
        amounts, integral = advance(mass, job.dosing, schedule)
        out_rate = -np.sum(system.rates_per_h, axis=1)  # elimination rate of each compartment (N, n)
        eliminated = np.sum(out_rate * integral.T, axis=1)
        given_mg = np.zeros(system.n_subjects)
        for ev in job.dosing.events:
            frac = job.dosing.channels[ev.channel].fraction
            if ev.time_h <= horizon:
                share = 1.0 if ev.duration_h == 0 else min(1.0, (horizon - ev.time_h) / ev.duration_h)
                given_mg += ev.amount_mg * share * frac
        np.testing.assert_allclose(amounts[:, :, -1].sum(axis=1) + eliminated, given_mg, rtol=1e-9)


def test_modal_and_matrix_exponential_mass_agree() -> None:
    """The modal sweep's exact AUC equals the augmented matrix exponential's (2-cmt oral, by compartment)."""
    job = make_job("ketamine-oral", n=3, seed=2)
    system = job.system
    n = len(system.compartments)
    identity = np.broadcast_to(np.eye(n), (system.n_subjects, n, n)).copy()
    mass = LinearSystem(system.rates_per_h, identity, system.compartments, system.compartments)
    modal = modal_from_system(mass, [(c.compartment, c.fraction) for c in job.dosing.channels])
    schedule = build_schedule(job.dosing, np.array([0.0, 30.0, 60.0]))
    _, exact = advance(mass, job.dosing, schedule)
    np.testing.assert_allclose(sweep.window_auc(modal, schedule), exact, rtol=1e-9)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_numpy_and_jax_agree_to_1e_9(route: str) -> None:
    pytest.importorskip("jax")
    job = make_job(route, n=2 if route.startswith("s-") else 16, seed=9)  # s-ketamine: exact path on both
    times = edge_times(route)
    a = run_concentrations(job, times)
    b = run_concentrations(job, times, backend="jax")
    scale = np.max(np.abs(a), axis=-1, keepdims=True)
    assert np.all(np.abs(a - b) <= 1e-9 * np.maximum(np.abs(a), 1e-3 * scale))
    ea = run_exposures(job, times, np.array([20.0, 100.0]))
    eb = run_exposures(job, times, np.array([20.0, 100.0]), backend="jax")
    for name in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h"):
        np.testing.assert_allclose(getattr(eb, name), getattr(ea, name), rtol=1e-9, atol=1e-12)


def test_exposures_match_materialised_curve(route: str) -> None:
    """The streaming summaries equal those computed from every stored time point."""
    job = make_job(route, n=5, seed=4)
    times = edge_times(route)
    conc = run_concentrations(job, times)
    exp = run_exposures(job, times, np.array([10.0]))
    np.testing.assert_allclose(exp.cmax_ng_per_ml, conc.max(axis=2).T, rtol=1e-12)
    np.testing.assert_allclose(exp.tmax_h, times[conc.argmax(axis=2)].T)
    fine = np.linspace(times[0], times[-1], 20001)
    trapz = np.trapezoid(run_concentrations(job, fine), fine, axis=2).T
    np.testing.assert_allclose(exp.auc_ng_h_per_ml, trapz, rtol=1e-3)  # exact AUC vs a fine trapezoid


@pytest.mark.parametrize("route", ["ketamine-iv", "esketamine-nasal"])
def test_jax_dense_method_agrees_with_numpy(route: str) -> None:
    pytest.importorskip("jax")
    from ketamine_trd.pharmacology import jax_backend

    job = make_job(route, n=8, seed=3)
    schedule = build_schedule(job.dosing, edge_times(route))
    ref = sweep.exposures(job.modal, schedule, job.system.outputs, np.array([50.0]))
    got = jax_backend.exposures(job.modal, schedule, job.system.outputs, np.array([50.0]), method="dense")
    for name in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h"):
        np.testing.assert_allclose(getattr(got, name), getattr(ref, name), rtol=1e-9, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(regimens(), st.lists(st.floats(0.0, 300.0), min_size=1, max_size=12, unique=True))
def test_values_do_not_depend_on_the_other_output_times(
    case: tuple[str, tuple[Dose, ...], int], extra: list[float]
) -> None:
    """Asking for more output times never changes the concentration at a given time."""
    route, doses, seed = case
    model = model_for(route)
    job = prepare(model, Regimen(route, doses), model.individual(2, np.random.default_rng(seed)), Covariates())
    base = np.linspace(0.0, 200.0, 41)
    both = np.union1d(base, np.round(extra, 6))
    a = run_concentrations(job, base)
    b = run_concentrations(job, both)[:, :, np.searchsorted(both, base)]
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12 * float(np.max(np.abs(a)) or 1.0))


@settings(max_examples=15, deadline=None)
@given(regimens(), st.lists(st.floats(1.0, 400.0), min_size=2, max_size=4, unique=True))
def test_time_above_falls_as_the_threshold_rises(case: tuple[str, tuple[Dose, ...], int], thr: list[float]) -> None:
    route, doses, seed = case
    model = model_for(route)
    job = prepare(model, Regimen(route, doses), model.individual(3, np.random.default_rng(seed)), Covariates())
    times = np.linspace(0.0, doses[-1].time_h + 24.0, 150)
    ordered = np.sort(np.array(thr))
    exp = run_exposures(job, times, ordered)
    assert np.all(np.diff(exp.time_above_h, axis=0) <= 1e-12)
    assert np.all(exp.time_above_h >= 0.0) and np.all(exp.time_above_h <= times[-1] - times[0] + 1e-9)
    assert np.all(np.isin(exp.tmax_h, times))
