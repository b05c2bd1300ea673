"""The cohort and durability analyses on Dask DataFrames agree with pandas and scale to millions."""

from __future__ import annotations

from typing import Any

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

    # how long it takes is a benchmark's question (bench/), never a timed assert on a shared machine
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster):
        frames = dask_registry(220_000, seed=1, partition_size=25_000)
        outcomes, durability, n_assessments = dask_analyses(frames)
    assert n_assessments >= 2_000_000
    assert outcomes["by_group"]["racemic_ketamine iv"]["response_rate"] == pytest.approx(0.536, abs=0.01)
    iv = next(g for g in durability.groups if g.group == "racemic_ketamine iv")
    assert iv.sustained_at["28"] == pytest.approx(0.80, abs=0.015)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_read_with_dask_matches_pandas(tmp_path: Any, small_registry: Any, fmt: str) -> None:
    import dask

    from ketamine_trd.analytics.registry_io import read_registry, write_registry
    from ketamine_trd.analytics.scale import read_export_dask

    write_registry(small_registry.frames, tmp_path, fmt)
    with dask.config.set(scheduler="synchronous"):
        frames = read_export_dask(tmp_path, blocksize="100KB")
        scaled = dask_outcomes(frames, aligned=False)
    expected = summarise_outcomes(read_registry(tmp_path))
    assert scaled["n"] == expected.n and scaled["response_rate_ci"] == expected.response_rate_ci


def test_dask_reader_names_file_and_column_of_bad_cells(tmp_path: Any, export_dir: Any) -> None:
    import shutil

    import dask
    import pandas as pd

    from ketamine_trd.analytics.scale import read_export_dask
    from ketamine_trd.errors import InputError

    for path in export_dir.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    frame = pd.read_csv(tmp_path / "assessments.csv", dtype=str, keep_default_na=False)
    frame.loc[5, "day"] = "five"
    frame.to_csv(tmp_path / "assessments.csv", index=False)
    with dask.config.set(scheduler="synchronous"), pytest.raises(InputError) as err:
        dask_outcomes(read_export_dask(tmp_path), aligned=False)
    assert err.value.field == "assessments.csv:day"


def test_cli_dask_flag_keeps_the_json_keys(export_dir: Any, capsys: Any) -> None:
    import json

    from ketamine_trd.cli import main

    capsys.readouterr()
    assert main(["analyze", "outcomes", "--data", str(export_dir), "--dask", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"response_rate", "response_rate_ci", "remission_rate", "remission_rate_ci", "n"} <= set(data)
    assert main(["analyze", "survival", "--data", str(export_dir), "--dask", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["sustained_at"]) == {"28", "56"}
