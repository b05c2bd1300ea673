"""The ``ktrd`` commands of the clinical core: JSON contract keys, human output, bad input -> exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketamine_trd.cli import main

from .conftest import EXAMPLES


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_trd_contract(capsys: pytest.CaptureFixture[str]) -> None:
    d = _json(capsys, ["trd", "--history", str(EXAMPLES / "history.json")])
    assert d["trd"] is True and d["failed_adequate_trials"] == 2 and d["profile"] == "EU_PEARL_2022"
    assert {"score", "band"} <= d["maudsley"].keys() and isinstance(d["thase_rush_stage"], int)
    assert [set(t) >= {"drug", "adequate", "failed", "reasons"} for t in d["trials"]] == [True] * 4
    other = _json(capsys, ["trd", "--history", str(EXAMPLES / "history.json"), "--trd-definition", "Canadian_2021"])
    assert other["profile"] == "Canadian_2021"


def test_screen_contract(capsys: pytest.CaptureFixture[str]) -> None:
    d = _json(capsys, ["screen", "--medical-profile", str(EXAMPLES / "profile-contraindicated.json"), "--product",
                       "esketamine-nasal"])  # fmt: skip
    assert d["decision"] == "not_eligible"
    assert all(set(f) == {"rule", "level", "message", "source"} for f in d["findings"])


def test_dose_contracts(capsys: pytest.CaptureFixture[str]) -> None:
    iv = _json(capsys, ["dose", "ketamine-iv", "--weight-kg", "70", "--mg-per-kg", "0.5", "--bag-ml", "100",
                        "--stock-mg-per-ml", "10"])  # fmt: skip
    assert (iv["dose_mg"], iv["minutes"], iv["weight_basis"], iv["dosing_weight_kg"]) == (35.0, 40.0, "actual", 70.0)
    assert (iv["rate_ml_per_h"], iv["draw_ml"]) == (150.0, 3.5)
    assert (iv["max_dose_mg"], iv["cap_source"]) == (None, "site-configuration")  # S23 gives no absolute cap
    esk = _json(capsys, ["dose", "esketamine", "--session-number", "1"])
    assert (esk["dose_mg"], esk["devices"], esk["minutes_between_devices"]) == (56, 2, 5)
    oral = _json(capsys, ["dose", "ketamine-oral", "--dose-mg", "150"])
    assert oral["bioavailability"] == 0.2 and oral["iv_equivalent_mg"] == 30.0


def test_course_contracts(capsys: pytest.CaptureFixture[str]) -> None:
    esk = _json(capsys, ["course", "esketamine", "--start", "2026-01-05", "--oral-antidepressant", "sertraline"])
    assert esk["sessions"][0] == {"number": 1, "date": "2026-01-05", "weekday": "Mon", "week": 1,
                                  "phase": "induction", "dose_mg": 56, "mg_per_kg": None}  # fmt: skip
    iv = _json(capsys, ["course", "ketamine-iv", "--start", "2026-01-05", "--per-week", "3", "--closed", "none"])
    assert len(iv["sessions"]) == 6 and iv["sessions"][0]["mg_per_kg"] == 0.5


@pytest.mark.parametrize(
    "argv",
    [
        ["trd", "--history", "docs/examples/history.json"],
        ["screen", "--medical-profile", "docs/examples/profile.json", "--product", "esketamine-nasal"],
        ["dose", "ketamine-iv", "--weight-kg", "90", "--mg-per-kg", "0.5", "--bag-ml", "100"],
        ["dose", "esketamine", "--session-number", "2", "--dose-mg", "84"],
        ["dose", "ketamine-sublingual", "--dose-mg", "50"],
        ["course", "esketamine", "--start", "2026-01-05"],
        ["course", "ketamine-oral", "--start", "2026-01-05", "--dose-mg", "100", "--sessions", "4"],
        [
            "course",
            "ketamine-iv",
            "--start",
            "2026-01-05",
            "--weight-kg",
            "70",
            "--maintenance",
            "weekly",
            "--maintenance-sessions",
            "4",
        ],
    ],
)
def test_human_output(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parents[1])
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip() and not out.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["trd", "--history", str(EXAMPLES / "history-bad-unit.json")], "trials[0].daily_dose"),
        (["trd", "--history", "/no/such/file.json"], "history"),
        (["trd", "--history", str(EXAMPLES / "history.json"), "--trd-definition", "WHO"], "profile"),
        (["screen", "--medical-profile", str(EXAMPLES / "profile.json"), "--product", "ketamine-rectal"], "product"),
        (["dose", "ketamine-iv", "--weight-kg", "700", "--mg-per-kg", "0.5"], "weight_kg"),
        (["dose", "esketamine", "--session-number", "1", "--dose-mg", "84"], "dose_mg"),
        (["dose", "esketamine", "--session-number", "3", "--dose-mg", "42"], "dose_mg"),
        (["course", "esketamine", "--start", "05/01/2026"], "start"),
        (["course", "ketamine-iv", "--start", "2026-01-05", "--closed", "caturday"], "closed_weekdays"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {field}:")
    assert "Traceback" not in err


def test_bad_json_and_unknown_condition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["trd", "--history", str(bad)]) == 2
    assert "history" in capsys.readouterr().err
    unknown = tmp_path / "p.json"
    unknown.write_text(json.dumps({"age": 40, "sex": "male", "conditions": ["gout"]}), encoding="utf-8")
    assert main(["screen", "--medical-profile", str(unknown), "--product", "ketamine-iv"]) == 2
    assert capsys.readouterr().err.startswith("error: conditions[0]:")


def test_profiles_lists_every_named_profile_with_one_default_per_kind(capsys: pytest.CaptureFixture[str]) -> None:
    from ketamine_trd.clinical import sources

    rows = _json(capsys, ["profiles"])
    kinds = {r["kind"] for r in rows}
    assert kinds == {"trd", "blood-pressure", "esketamine-dose", "iv-dose"}
    for kind in kinds:
        assert sum(r["default"] for r in rows if r["kind"] == kind) == 1
    assert all(r["source"] in sources.registry() and r["version"] for r in rows)


def test_iv_profile_row_says_no_cap_is_configured(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, ["profiles"])
    iv = next(r for r in rows if r["kind"] == "iv-dose" and r["default"])
    assert "absolute cap none configured" in iv["description"] and iv["source"] == "S23"
    assert main(["dose", "ketamine-iv", "--weight-kg", "70", "--mg-per-kg", "0.5", "--weight-basis", "adjusted",
                 "--height-cm", "170", "--sex", "male"]) == 0  # fmt: skip  (conventional factor 0.4, traynor-1995)


PROFILE_OPTIONS = [
    (["trd", "--history", str(EXAMPLES / "history.json")], "--trd-definition", "Canadian_2021"),
    (["screen", "--product", "esketamine-nasal"], "--medical-profile", str(EXAMPLES / "profile.json")),
    (["dose", "ketamine-iv", "--weight-kg", "70", "--mg-per-kg", "0.5"], "--dosing-profile", "fava-2018-range"),
    (["dose", "esketamine", "--session-number", "1"], "--label-profile", "eu-age65"),
    (["course", "esketamine", "--start", "2026-01-05"], "--label-profile", "eu-age65"),
]


@pytest.mark.parametrize(("argv", "option", "value"), PROFILE_OPTIONS)
def test_each_profile_option_has_its_own_name_and_the_old_one_is_a_hidden_alias(
    argv: list[str], option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--profile`` meant four things; the new names give the same result, the old one still works with a warning."""
    new = _json(capsys, [*argv, option, value])
    assert main([*argv, "--profile", value, "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == new
    assert f"--profile is deprecated here: use {option}" in out.err
    command = argv[:2] if argv[0] in {"dose", "course"} else argv[:1]
    assert main([*command, "--help"]) == 0
    shown = capsys.readouterr().out
    assert option in shown and "--profile " not in shown


def test_screen_without_a_medical_profile_exits_2_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--product", "esketamine-nasal"]) == 2
    assert "--medical-profile" in capsys.readouterr().err


def test_screen_refuses_to_judge_without_hepatic_impairment_exit_2(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"age": 40, "sex": "male", "pregnant": False}), encoding="utf-8")
    assert main(["screen", "--medical-profile", str(profile), "--product", "ketamine-iv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: hepatic_impairment:") and "Hepatic impairment (Child-Pugh" in err
