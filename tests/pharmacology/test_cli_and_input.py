"""``ktrd simulate`` and ``ktrd simulate population``, and the course-file formats (docs/examples)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketamine_trd.cli import main
from ketamine_trd.errors import InputError, UnitError
from ketamine_trd.pharmacology.course_input import IV_DEFAULT_MINUTES, course_from_json

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_iv_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["simulate", "--route", "ketamine-iv", "--dose-mg", "35", "--minutes", "40", "--json"])
    for key in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "half_life_h"):
        assert isinstance(data[key], float)
    assert data["source_id"] == "opentiva-ketamine"
    assert 160 < data["cmax_ng_per_ml"] < 200


def test_simulate_iv_without_minutes_uses_the_course_files_iv_default(capsys: pytest.CaptureFixture[str]) -> None:
    # One default (S23, S26: 0.5 mg/kg over 40 min) for the command line and for course files.
    base = ["simulate", "--route", "ketamine-iv", "--dose-mg", "35", "--json"]
    implicit = _json(capsys, base)
    explicit = _json(capsys, [*base, "--minutes", str(IV_DEFAULT_MINUTES)])
    assert implicit["cmax_ng_per_ml"] == explicit["cmax_ng_per_ml"]
    assert implicit["cmax_ng_per_ml"] != _json(capsys, [*base, "--minutes", "1"])["cmax_ng_per_ml"]
    parsed = course_from_json({"route": "ketamine-iv", "doses": [{"time_h": 0, "dose_mg": 35}]})
    assert parsed.regimen.doses[0].minutes == IV_DEFAULT_MINUTES


def test_simulate_esketamine_with_age_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "curve.png"
    argv = ["simulate", "--route", "esketamine-nasal", "--dose-mg", "84", "--age", "70", "--hours", "12"]
    data = _json(capsys, [*argv, "--plot", str(png), "--json"])
    assert data["metabolite"] == "noresketamine" and data["metabolite_cmax_ng_per_ml"] > 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_rich_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--route", "ketamine-sublingual", "--dose-mg", "25"]) == 0
    assert "cmax_ng_per_ml" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--route", "ketamine-rectal", "--dose-mg", "35"],
        ["simulate", "--route", "esketamine-nasal", "--dose-mg", "30"],
        ["simulate", "--route", "ketamine-iv", "--dose-mg", "-1"],
        ["simulate", "--route", "ketamine-iv"],
        ["simulate", "--route", "ketamine-iv", "--dose-mg", "35", "--weight-kg", "5"],
        ["simulate", "--route", "esketamine-nasal", "--dose-mg", "56", "--minutes", "5"],
        ["simulate", "--route", "ketamine-oral", "--dose-mg", "50", "--minutes", "5"],
    ],
)
def test_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error:")


@pytest.mark.parametrize("name", ["pk-esketamine-induction.json", "course-ketamine-iv-6-infusions.json"])
def test_population_from_example_files(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "population", "--course", str(EXAMPLES / name), "--n", "300", "--seed", "1", "--json"]
    data = _json(capsys, argv)
    assert data["n"] == 300
    row = data["percentiles"]["cmax_ng_per_ml"]
    assert 0 < row["p5"] <= row["p50"] <= row["p95"]
    assert "durability" in data


def test_population_jax_backend_and_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("jax")
    course = str(EXAMPLES / "pk-esketamine-induction.json")
    base = ["simulate", "population", "--course", course, "--n", "200", "--seed", "2", "--json"]
    a = _json(capsys, base)
    b = _json(capsys, [*base, "--backend", "jax"])
    assert b["percentiles"]["auc_ng_h_per_ml"]["p50"] == pytest.approx(a["percentiles"]["auc_ng_h_per_ml"]["p50"])
    assert main(["simulate", "population", "--course", str(tmp_path / "none.json"), "--seed", "1"]) == 2


def test_course_plan_with_mg_per_kg_needs_weight() -> None:
    plan = {"product": "ketamine-iv", "sessions": [{"date": "2026-01-05", "phase": "induction", "mg_per_kg": 0.5}]}
    with pytest.raises(UnitError):
        course_from_json(plan)
    parsed = course_from_json({**plan, "weight_kg": 80})
    assert parsed.regimen.doses[0].dose_mg == 40.0 and parsed.regimen.doses[0].minutes == 40.0


def test_course_plan_dates_become_hours() -> None:
    parsed = course_from_json(json.loads((EXAMPLES / "course-ketamine-iv-6-infusions.json").read_text()))
    assert [d.time_h for d in parsed.regimen.doses] == [0.0, 48.0, 96.0, 168.0, 216.0, 264.0]


@pytest.mark.parametrize("bad", [[], {"route": "esketamine-nasal"}, {"route": "heroin", "doses": []}])
def test_bad_course_files_are_refused(bad: object) -> None:
    with pytest.raises(InputError):
        course_from_json(bad)


def test_reads_a_plan_from_the_clinical_core_when_available() -> None:
    """The JSON of clinical.courses' plans (PlannedSession.to_dict) is accepted as is."""
    courses = pytest.importorskip("ketamine_trd.clinical.courses_model")
    import datetime as dt

    session = courses.PlannedSession(1, dt.date(2026, 1, 5), "induction", 56.0, None, 1)
    parsed = course_from_json({"product": "esketamine-nasal", "sessions": [session.to_dict()]})
    assert parsed.regimen.doses[0].dose_mg == 56.0


def test_population_on_a_dask_scheduler_address(capsys: pytest.CaptureFixture[str]) -> None:
    """``--scheduler ADDRESS`` gives the same percentiles as the local run (same seed)."""
    distributed = pytest.importorskip("dask.distributed")
    course = str(EXAMPLES / "pk-esketamine-induction.json")
    base = ["simulate", "population", "--course", course, "--n", "300", "--seed", "5", "--json"]
    local = _json(capsys, base)
    with distributed.LocalCluster(
        n_workers=1, processes=False, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        remote = _json(capsys, [*base, "--scheduler", cluster.scheduler_address])
    assert remote["percentiles"] == local["percentiles"]


def test_plan_from_ktrd_course_feeds_the_population(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """End to end: ``ktrd course ketamine-iv --json`` (mg/kg, no weight) then ``--weight-kg`` on the simulation."""
    if main(["course", "ketamine-iv", "--start", "2026-01-05", "--json"]) != 0:
        pytest.skip("ktrd course is not available in this checkout")
    plan = tmp_path / "plan.json"
    plan.write_text(capsys.readouterr().out, encoding="utf-8")
    argv = ["simulate", "population", "--course", str(plan), "--n", "100", "--seed", "1", "--json"]
    assert main(argv) == 2  # mg/kg without a weight: refused, never guessed
    capsys.readouterr()
    data = _json(capsys, [*argv, "--weight-kg", "80"])
    assert data["route"] == "ketamine-iv" and data["doses"] >= 6
    assert 150 < data["percentiles"]["cmax_ng_per_ml"]["p50"] < 220


def test_compare_schedules_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    """Same seed, same subjects, common window: four induction doses give more exposure than two."""
    files = [str(EXAMPLES / "pk-esketamine-induction.json"), str(EXAMPLES / "pk-esketamine-weekly.json")]
    argv = ["simulate", "compare", "--course", files[0], "--course", files[1], "--n", "200", "--seed", "4"]
    data = _json(capsys, [*argv, "--json"])
    induction, weekly = data["schedules"]
    assert data["window_h"] == [0.0, 264.0]
    assert induction["percentiles"]["auc_ng_h_per_ml"]["p50"] > weekly["percentiles"]["auc_ng_h_per_ml"]["p50"]
    assert "durability" in data
    assert main(argv) == 0 and "auc_ng_h_per_ml" in capsys.readouterr().out
    assert main(["simulate", "compare", "--course", files[0], "--seed", "1"]) == 2
    assert _json(capsys, [*argv, "--hours", "100", "--json"])["window_h"] == [0.0, 100.0]


def test_compare_schedules_reports_benefit_per_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    """Each schedule also gets ``benefit.report.compare_schedules``'s figures, on the same virtual patients."""
    from ketamine_trd.commands._output import to_jsonable
    from ketamine_trd.pharmacology.benefit.report import compare_schedules, request_from
    from ketamine_trd.pharmacology.course_input import course_from_json

    files = [str(EXAMPLES / "pk-esketamine-induction.json"), str(EXAMPLES / "pk-esketamine-weekly.json")]
    argv = ["simulate", "compare", "--course", files[0], "--course", files[1], "--n", "200", "--seed", "4"]
    data = _json(capsys, [*argv, "--benefit-draws", "3", "--json"])
    assert data["benefit_label"] == "model estimate, calibrated to published group results; not a dosing instruction"
    induction, weekly = (row["benefit"] for row in data["schedules"])
    for b in (induction, weekly):
        assert set(b["response_at"]) >= {"day 1", "day 7"} and set(b["relapse_free"]) == {"12 weeks", "24 weeks"}
        for e in (b["days_in_response_per_session"], b["median_days_to_relapse_after_last"], b["response_at"]["day 7"]):
            assert e["estimate"] is not None and e["low"] <= e["high"]  # the point is the calibrated parameters'
    assert induction["response_at"]["day 7"]["estimate"] > weekly["response_at"]["day 7"]["estimate"]
    plan = course_from_json(json.loads(Path(files[0]).read_text()), None)
    same = compare_schedules({"a": request_from(plan.regimen, plan.weight_kg or 70.0, n=200, seed=4, draws=3)})
    assert to_jsonable(same["a"]) == induction  # the report's figures, not a second computation
    assert "benefit" not in _json(capsys, [*argv, "--no-benefit", "--json"])["schedules"][0]
    assert main([*argv, "--benefit-draws", "3"]) == 0 and "relapse-free" in capsys.readouterr().out
