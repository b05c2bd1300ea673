"""Virtual populations: reproducible by seed, chunk-invariant in location, identical on Dask and JAX."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.population import PopulationRequest, compare, run_chunk, run_population, summarise

NASAL = Regimen("esketamine-nasal", (Dose(0.0, 56.0), Dose(72.0, 56.0), Dose(168.0, 84.0)))


def _request(**kw: object) -> PopulationRequest:
    base: dict[str, object] = {"regimen": NASAL, "n": 1000, "seed": 7, "chunk_size": 300}
    base.update(kw)
    return PopulationRequest(**base)  # type: ignore[arg-type]


def _same(a: object, b: object) -> None:
    for name in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_same_seed_same_population_and_different_seed_differs() -> None:
    a, b, c = run_population(_request()), run_population(_request()), run_population(_request(seed=8))
    _same(a.exposures, b.exposures)
    assert a.percentiles == b.percentiles
    assert a.percentiles["cmax_ng_per_ml"]["p50"] != c.percentiles["cmax_ng_per_ml"]["p50"]


def test_chunks_run_in_any_order_give_the_same_result() -> None:
    req = _request()
    chunks = req.chunks()
    backwards = {i: run_chunk(req, size, seq) for i, (_, size, seq) in reversed(list(enumerate(chunks)))}
    result = summarise(req, [backwards[i] for i in range(len(chunks))])
    _same(result.exposures, run_population(req).exposures)


def test_percentiles_are_ordered_and_spread() -> None:
    res = run_population(_request())
    for row in res.percentiles.values():
        assert row["p5"] <= row["p25"] <= row["p50"] <= row["p75"] <= row["p95"]
    assert res.percentiles["cmax_ng_per_ml"]["p95"] > 1.5 * res.percentiles["cmax_ng_per_ml"]["p5"]
    assert "noresketamine_auc_ng_h_per_ml" in res.percentiles
    assert "time_above_100_ng_per_ml_h" in res.percentiles


def test_compare_schedules_same_subjects() -> None:
    """Two schedules, same seed: the twice-weekly schedule has the higher AUC for every subject."""
    weekly = Regimen("esketamine-nasal", (Dose(0.0, 56.0), Dose(168.0, 56.0)))
    twice = Regimen("esketamine-nasal", (Dose(0.0, 56.0), Dose(72.0, 56.0), Dose(168.0, 56.0)))
    out = compare({"weekly": _request(regimen=weekly, hours=200.0), "twice": _request(regimen=twice, hours=200.0)})
    assert np.all(out["twice"].exposures.auc_ng_h_per_ml[0] > out["weekly"].exposures.auc_ng_h_per_ml[0])


def test_jax_backend_population_agrees() -> None:
    pytest.importorskip("jax")
    a = run_population(_request(n=400))
    b = run_population(_request(n=400, backend="jax"))
    for name in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "time_above_h"):
        np.testing.assert_allclose(getattr(b.exposures, name), getattr(a.exposures, name), rtol=1e-9, atol=1e-12)


def test_dask_local_cluster_equals_local_run() -> None:
    distributed = pytest.importorskip("dask.distributed")
    from ketamine_trd.pharmacology.distributed import run_population_dask

    req = _request(n=600, chunk_size=200)
    with (
        distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_population_dask(req, client)
    local = run_population(req)
    _same(remote.exposures, local.exposures)
    assert remote.percentiles == local.percentiles


def test_bad_requests_are_refused() -> None:
    with pytest.raises(InputError):
        _request(n=0)
    with pytest.raises(InputError):
        _request(backend="cuda")
    with pytest.raises(InputError):
        dataclasses.replace(_request(), seed=-1)
