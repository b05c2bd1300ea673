"""``ktrd score``, ``instruments``, ``outcomes`` and ``safety``: the JSON contract and one-line errors.

The outcome and safety runs use the example files documented in ``docs/measurement.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketamine_trd.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def run_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: ")
    return err


def test_score_phq9_item9(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "score", "phq9", "--answers", "0,1,2,3,0,1,2,3,1")
    assert isinstance(out, dict)
    assert out["instrument"] == "phq9" and out["total"] == 13 and out["severity"] == "moderate"
    assert out["prorated"] is False
    assert out["alerts"] and out["alerts"][0].startswith("phq9.item9_positive")
    assert out["followups"] == ["cssrs-screener"]


def test_score_from_answers_file(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "score", "phq9", "--answers-file", str(EXAMPLES / "answers_phq9.json"))
    assert isinstance(out, dict) and out["total"] == 11


@pytest.mark.parametrize(("answers", "risk"), [("1,0,0", "low"), ("1,1,0,1,0,0", "high"), ("0,0,0", "none")])
def test_score_cssrs_screener(capsys: pytest.CaptureFixture[str], answers: str, risk: str) -> None:
    out = run_json(capsys, "score", "cssrs-screener", "--answers", answers)
    assert isinstance(out, dict) and out["risk"] == risk and out["total"] is None


def test_score_people_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "moaas", "--answers", "3"]) == 0
    assert "moderate or greater sedation" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["score", "phq9", "--answers", "0,1,2,3,0,1,2,3,4"], "phq9.q9"),
        (["score", "phq9", "--answers", "0,1,2"], "phq9.answers"),
        (["score", "phq9", "--answers", "0,1,x,0,0,0,0,0,0"], "answers[3]"),
        (["score", "phq10", "--answers", "0"], "instrument"),
        (["score", "phq9"], "--answers"),
        (["score", "hamd17", "--answers", ",".join(["0"] * 16 + [""])], "hamd17.q17"),
    ],
)
def test_score_bad_input_exits_2_naming_the_item(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    assert named in run_error(capsys, *argv)


def test_instruments_lists_definitions_without_item_text(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "instruments")
    assert isinstance(out, list)
    ids = {d["id"] for d in out}
    assert {"phq9", "cssrs-screener", "madrs", "moca", "bprs-positive"} <= ids
    madrs = next(d for d in out if d["id"] == "madrs")
    assert madrs["text_shareable"] is False and madrs["licence"]["status"] == "licence-required"
    assert all("text" not in item for d in out for item in d["items"])
    assert main(["instruments"]) == 0


def test_outcomes_on_the_example_files(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        "outcomes",
        "--assessments",
        str(EXAMPLES / "assessments.csv"),
        "--doses",
        str(EXAMPLES / "doses.csv"),
        "--instrument",
        "madrs",
    )
    assert isinstance(out, dict)
    for key in ("baseline", "latest", "percent_change", "response", "remission", "remission_threshold", "events"):
        assert key in out
    assert out["remission_threshold"] == 12
    types = {e["type"] for e in out["events"]}
    assert {"response", "remission", "relapse", "fading_benefit_signal"} <= types
    assert isinstance(out["days_to_response"], int) and isinstance(out["days_to_remission"], int)
    assert all(e["platform_defined"] for e in out["events"] if e["type"] == "fading_benefit_signal")


def test_outcomes_threshold_events_and_item_columns(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        "outcomes",
        "--assessments",
        str(EXAMPLES / "assessments.csv"),
        "--instrument",
        "madrs",
        "--remission-threshold",
        "10",
        "--events",
        str(EXAMPLES / "relapse_events.csv"),
    )
    assert isinstance(out, dict) and out["remission_threshold"] == 10 and out["remission_source"] == "S45"
    assert "2026-04-02" in [e["date"] for e in out["events"] if e["type"] == "relapse"]
    phq9 = run_json(capsys, "outcomes", "--assessments", str(EXAMPLES / "phq9_items.csv"), "--instrument", "phq9")
    assert isinstance(phq9, dict) and phq9["baseline"] == 17 and phq9["latest"] == 3 and phq9["remission"] is True


def test_outcomes_people_output(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["outcomes", "--assessments", str(EXAMPLES / "assessments.csv"), "--instrument", "madrs"]
    assert main(argv) == 0
    assert "platform-defined" in capsys.readouterr().out


def test_safety_on_the_example_files(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        "safety",
        "--doses",
        str(EXAMPLES / "doses.csv"),
        "--assessments",
        str(EXAMPLES / "safety_assessments.csv"),
        "--screens",
        str(EXAMPLES / "screens.csv"),
        "--today",
        "2026-03-20",
    )
    assert isinstance(out, dict)
    assert out["cumulative_mg"] == 56 * 2 + 84 * 11
    assert out["sessions_last_30_days"] == 4 and out["sessions_last_90_days"] == 13
    types = {s["type"] for s in out["signals"]}
    assert {"bladder_index_rising", "cognitive_decline", "early_session_requests", "predose_bp_rising"} <= types
    assert all({"type", "date", "message", "source"} <= set(s) for s in out["signals"])
    assert {d["screen"] for d in out["due"]} == {"bladder", "cognitive", "liver_enzymes", "blood_pressure_review"}
    assert main(["safety", "--doses", str(EXAMPLES / "doses.csv"), "--today", "2026-03-20"]) == 0


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("assessments", "named"),
    [
        ("when,total\n2026-01-01,10\n", "a 'date' column"),
        ("date,total\n2026-13-01,10\n", "a.csv:2 date"),
        ("date,total\n2026-01-01,ten\n", "a.csv:2 total"),
        ("date,total\n2026-01-01,61\n", "a.csv:2 total"),
        ("date,total\n2026-01-01,\n", "a.csv:2 total"),
        ("date,total,q1\n2026-01-01,10,7\n", "madrs.q1"),
    ],
)
def test_outcomes_bad_csv_exits_2_naming_the_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, assessments: str, named: str
) -> None:
    path = write(tmp_path, "a.csv", assessments)
    assert named in run_error(capsys, "outcomes", "--assessments", path, "--instrument", "madrs")


@pytest.mark.parametrize(
    ("doses", "named"),
    [
        ("date,dose_mg\n2026-01-01,lots\n", "d.csv:2 dose_mg"),
        ("date,dose_mg,phase\n2026-01-01,56,loading\n", "d.csv:2 phase"),
        ("date,dose_mg,early_request\n2026-01-01,56,maybe\n", "d.csv:2 early_request"),
        ("date,dose_mg\n2026-01-01,-5\n", "d.csv:2 dose_mg"),
    ],
)
def test_safety_bad_doses_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, doses: str, named: str) -> None:
    path = write(tmp_path, "d.csv", doses)
    assert named in run_error(capsys, "safety", "--doses", path, "--today", "2026-02-01")


def test_safety_assessments_need_an_instrument_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doses = write(tmp_path, "d.csv", "date,dose_mg\n2026-01-01,56\n")
    scores = write(tmp_path, "s.csv", "date,total\n2026-01-01,5\n")
    assert "s.csv:2 instrument" in run_error(capsys, "safety", "--doses", doses, "--assessments", scores)
