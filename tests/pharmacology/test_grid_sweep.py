"""The fast uniform-grid exposure path agrees with the general sweep; other grids fall back to it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology import engine, grid_sweep, sweep
from ketamine_trd.pharmacology.engine import run_exposures
from ketamine_trd.pharmacology.schedule import build_schedule
from ketamine_trd.pharmacology.summary import Exposures
from ketamine_trd.pharmacology.system import DEGENERACY_TOLERANCE, degenerate

from .conftest import edge_times, make_job

FIELDS = ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h")


def _assert_same(a: Exposures, b: Exposures) -> None:
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-9, atol=1e-9, err_msg=name)


def _both(route: str, times: np.ndarray, thresholds: np.ndarray, n: int = 40) -> tuple[Exposures, Exposures] | None:
    job = make_job(route, n=n, seed=7)
    if job.regular.size == 0:
        return None  # always singular (S-ketamine): the exact path, no modal sweep
    modal = job.modal.subset(job.regular)
    schedule = build_schedule(job.dosing, times)
    auc_schedule = build_schedule(job.dosing, times[[0, -1]])
    general = sweep.exposures(modal, schedule, job.system.outputs, thresholds, auc_schedule)
    fast = grid_sweep.exposures(modal, schedule, job.system.outputs, thresholds, auc_schedule)
    return general, fast


@pytest.mark.parametrize(
    "window",
    [(0.0, 200.0, 401), (30.0, 60.0, 121), (50.0, 51.0, 5)],  # from the first dose; doses before and after; short
)
def test_uniform_grid_path_equals_general_sweep(route: str, window: tuple[float, float, int]) -> None:
    pair = _both(route, np.linspace(*window), np.array([1.0, 20.0, 80.0]))
    if pair is None:
        pytest.skip("no regular subjects for this model")
    _assert_same(*pair)


def test_short_window_takes_the_integrated_auc(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window shorter than 1e-3 of the slowest mode's time constant integrates the AUC instead."""
    called: list[bool] = []
    original = grid_sweep.window_auc

    def spy(*args: object) -> np.ndarray:
        called.append(True)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(grid_sweep, "window_auc", spy)
    pair = _both("ketamine-oral", np.linspace(1.0, 1.0 + 1e-4, 5), np.array([10.0]))
    assert pair is not None and called
    _assert_same(*pair)


def test_non_uniform_grid_falls_back_to_the_general_sweep(route: str, monkeypatch: pytest.MonkeyPatch) -> None:
    job = make_job(route, n=5, seed=3)
    times = edge_times(route)
    assert not grid_sweep.applicable(build_schedule(job.dosing, times))

    def refuse(*args: object, **kwargs: object) -> Exposures:
        raise AssertionError("the grid path was taken for a non-uniform grid")

    monkeypatch.setattr(grid_sweep, "exposures", refuse)
    e = run_exposures(job, times, np.array([10.0]), backend="numpy")
    assert np.all(np.isfinite(e.cmax_ng_per_ml))


def test_engine_takes_the_grid_path_for_a_uniform_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    job = make_job("ketamine-oral", n=5, seed=3)
    taken: list[bool] = []
    original = grid_sweep.exposures

    def spy(*args: object, **kwargs: object) -> Exposures:
        taken.append(True)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.grid_sweep, "exposures", spy)
    run_exposures(job, np.linspace(0.0, 48.0, 97), np.array([10.0]), backend="numpy")
    assert taken


def test_threads_sub_chunks_and_blocks_do_not_change_values(monkeypatch: pytest.MonkeyPatch) -> None:
    job = make_job("esketamine-nasal", n=300, seed=11)
    times = np.linspace(0.0, 240.0, 241)
    one = run_exposures(job, times, np.array([5.0, 50.0]), backend="numpy")
    monkeypatch.setattr(grid_sweep, "SUB_SUBJECTS", 70)
    for block_rows, workers in ((3, 1), (7, 3), (500, 2)):  # blocks of 3 or 7 output times, or one block
        monkeypatch.setattr(grid_sweep, "BLOCK_BYTES", 8 * 2 * 70 * block_rows)
        other = run_exposures(job, times, np.array([5.0, 50.0]), backend="numpy", workers=workers)
        for name in FIELDS:  # the same sums, grouped differently: equal to rounding
            np.testing.assert_allclose(getattr(one, name), getattr(other, name), rtol=1e-12, atol=1e-12, err_msg=name)


def test_workers_must_be_positive() -> None:
    job = make_job("ketamine-oral")
    with pytest.raises(InputError):
        run_exposures(job, np.linspace(0.0, 10.0, 11), np.zeros(0), workers=0)


@settings(max_examples=25, deadline=None)
@given(
    start=st.floats(0.0, 100.0),
    span=st.floats(0.5, 150.0),
    count=st.integers(3, 300),
    thr=st.floats(0.01, 300.0),
    route=st.sampled_from(["ketamine-iv", "ketamine-oral", "esketamine-nasal", "ketamine-intranasal"]),
)
def test_any_uniform_grid_matches_the_general_sweep(
    start: float, span: float, count: int, thr: float, route: str
) -> None:
    pair = _both(route, np.linspace(start, start + span, count), np.array([thr]), n=8)
    assert pair is not None
    _assert_same(*pair)


@settings(max_examples=40, deadline=None)
@given(
    rates=st.lists(st.floats(1e-3, 50.0), min_size=2, max_size=4),
    close=st.floats(0.0, 2e-6),
)
def test_pairwise_degeneracy_check_equals_the_sorted_one(rates: list[float], close: float) -> None:
    """system.degenerate skips the sort for up to 4 modes; flags must equal the sorted adjacent-gap rule."""
    r = np.array(rates + [rates[0] * (1.0 + close)])[:, None]  # one pair closer than about 1e-6 relative or not
    for m in (len(rates), r.shape[0]):
        sub = r[:m]
        s = np.sort(sub, axis=0)
        expected = np.min(np.diff(s, axis=0) / np.maximum(s[1:], 1e-300), axis=0) < DEGENERACY_TOLERANCE
        if m <= 4:
            assert degenerate(sub).tolist() == expected.tolist()
