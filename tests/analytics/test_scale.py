"""The cohort and durability analyses on Dask DataFrames agree with pandas and scale to millions."""

from __future__ import annotations

import time

import pytest

from ketamine_trd.analytics.outcomes import summarise_outcomes
from ketamine_trd.analytics.scale import dask_analyses, dask_durability, dask_outcomes, dask_registry
from ketamine_trd.analytics.survival import analyse_durability
from ketamine_trd.analytics.synth import generate_chunk


@pytest.mark.parametrize("aligned", [True, False])
def test_dask_results_equal_pandas_results(aligned: bool) -> None:
    import dask

    frames = dask_registry(3000, seed=9, partition_size=1000)
    whole = generate_chunk(1000, 9, 0, tables=("courses", "assessments"))
    parts = [generate_chunk(1000, 9, off, tables=("courses", "assessments")) for off in (0, 1000, 2000)]
    import pandas as pd

    local = {k: pd.concat([p[k] for p in parts], ignore_index=True) for k in ("courses", "assessments")}
    assert len(whole["courses"]) == 1000
    with dask.config.set(scheduler="synchronous"):
        scaled = dask_outcomes(frames, aligned=aligned)
        durability = dask_durability(frames, aligned=aligned)
    expected = summarise_outcomes(local)
    assert scaled["n"] == expected.n
    assert scaled["response_rate"] == expected.response_rate
    assert scaled["remission_rate_ci"] == expected.remission_rate_ci
    assert durability.sustained_at == analyse_durability(local).sustained_at


@pytest.mark.slow
def test_several_million_assessments_on_a_local_cluster() -> None:
    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster):
        frames = dask_registry(220_000, seed=1, partition_size=25_000)
        outcomes, durability, n_assessments = dask_analyses(frames)
    elapsed = time.perf_counter() - start
    assert n_assessments >= 2_000_000
    assert outcomes["by_group"]["racemic_ketamine iv"]["response_rate"] == pytest.approx(0.536, abs=0.01)
    iv = next(g for g in durability.groups if g.group == "racemic_ketamine iv")
    assert iv.sustained_at["28"] == pytest.approx(0.80, abs=0.015)
    assert elapsed < 120
