"""The CLI contract: ktrd synth, analyze outcomes|survival|predict, evidence, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ketamine_trd.cli import main


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--out", str(out), "--patients", "300", "--seed", "3", "--json"]) == 0
    return out


def _json(capsys: Any, argv: list[str]) -> Any:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_synth_writes_labelled_synthetic_registry(synth_dir: Path) -> None:
    assert "SYNTHETIC" in (synth_dir / "README.txt").read_text()
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    assert manifest["synthetic"] is True and manifest["seed"] == 3
    assert manifest["figures"]["iv_response_rate"]["source_id"] == "mcinnes-2022"


def test_outcomes_json_and_plot(synth_dir: Path, tmp_path: Path, capsys: Any) -> None:
    plot = tmp_path / "outcomes.png"
    data = _json(capsys, ["analyze", "outcomes", "--data", str(synth_dir), "--plot", str(plot), "--json"])
    assert 0 < data["response_rate"] < 1 and len(data["response_rate_ci"]) == 2
    assert data["remission_rate_ci"][0] <= data["remission_rate"] <= data["remission_rate_ci"][1]
    assert plot.stat().st_size > 1000


def test_survival_json_keys(synth_dir: Path, tmp_path: Path, capsys: Any) -> None:
    plot = tmp_path / "km.png"
    data = _json(capsys, ["analyze", "survival", "--data", str(synth_dir), "--plot", str(plot), "--json"])
    assert set(data["sustained_at"]) == {"28", "56"}
    assert data["median_days_to_relapse"] is None or data["median_days_to_relapse"] > 0
    assert plot.exists()


def test_predict_json_keys(synth_dir: Path, capsys: Any) -> None:
    data = _json(capsys, ["analyze", "predict", "--data", str(synth_dir), "--json"])
    assert {"auroc", "auroc_ci", "brier", "n"} <= set(data) and data["n"] == 300


def test_evidence_json_rows(capsys: Any) -> None:
    rows = _json(capsys, ["evidence", "--json"])
    assert {"trial", "year", "n", "comparison", "outcome", "result", "source"} <= set(rows[0])
    assert any(r["population"] == "bipolar" for r in rows)


def test_evidence_pool_json(capsys: Any) -> None:
    data = _json(capsys, ["evidence", "--pool", "relapse in stable", "--method", "DL", "--json"])
    assert data["k"] == 2 and data["pooled"] < 1 and len(data["studies"]) == 2
    # S13: the two SUSTAIN-1 strata are the rows pooled, and the studies listed are those same rows.
    assert data["studies"] == ["SUSTAIN-1 (stable remitters)", "SUSTAIN-1 (stable responders)"]
    assert main(["evidence", "--pool", "relapse", "--method", "XX"]) == 2


def test_export_without_the_clinic_function_says_so(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    import sys
    import types

    monkeypatch.setitem(sys.modules, "ketamine_trd.clinic.research_export", types.ModuleType("stand-in"))
    code = main(["export", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 1 and "build_export" in err and err.count("\n") == 1


def test_plot_must_be_png(synth_dir: Path, capsys: Any) -> None:
    assert main(["analyze", "outcomes", "--data", str(synth_dir), "--plot", "x.pdf"]) == 2


def test_export_writes_what_the_clinic_function_returns(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    """The contract of docs/research-export.md, with a stand-in for the clinic's function."""
    import sys
    import types

    from ketamine_trd.analytics.registry_io import read_registry
    from ketamine_trd.analytics.synth import generate_registry

    registry = generate_registry(40, seed=8)

    def build_export(*, clinic: Any = None) -> Any:
        tables = {name: registry.records(name) for name in ("patients", "courses", "assessments", "doses")}
        for rows in tables.values():
            for row in rows:
                row["synthetic"] = False
        return types.SimpleNamespace(tables=tables, omitted={"no depression scale": 2})

    fake = types.ModuleType("ketamine_trd.clinic.research_export")
    fake.build_export = build_export  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ketamine_trd.clinic.research_export", fake)
    out = tmp_path / "export"
    capsys.readouterr()
    assert main(["export", "--out", str(out), "--format", "parquet", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["omitted"] == {"no depression scale": 2}
    back = read_registry(out)
    assert len(back["courses"]) == 40 and not back["courses"]["synthetic"].any()
    assert len(back["doses"]) == len(registry.frames["doses"])
    assert json.loads((out / "manifest.json").read_text())["synthetic"] is False


@pytest.mark.parametrize("command", ["synth", "export"])
def test_an_unknown_format_is_refused_before_any_work(command: str, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "out"
    assert main([command, "--out", str(out), "--format", "xlsx"]) == 2
    assert "--format" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("dask", [[], ["--dask"]])
def test_an_unknown_group_by_is_refused_on_both_paths(synth_dir: Path, dask: list[str], capsys: Any) -> None:
    # The check sits in durability_from_table, which the pandas and the Dask paths share.
    assert main(["analyze", "survival", "--data", str(synth_dir), "--group-by", "clinic", *dask]) == 2
    assert "--group-by" in capsys.readouterr().err
