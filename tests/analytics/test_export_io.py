"""The export format: schema as data, validation naming file and column, CSV/Parquet round trip."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketamine_trd.analytics.export_schema import TABLES, redcap_data_dictionary, table
from ketamine_trd.analytics.registry_io import all_synthetic, read_registry, validate_frames, write_registry
from ketamine_trd.cli import main
from ketamine_trd.errors import InputError


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_preserves_every_table(tmp_path: Path, small_registry: Any, fmt: str) -> None:
    original = validate_frames(small_registry.to_frames())
    write_registry(small_registry.frames, tmp_path, fmt, synthetic=True)
    back = read_registry(tmp_path)
    for t in TABLES:
        left = original[t.name].reset_index(drop=True)
        right = back[t.name].reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False, rtol=1e-9)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["synthetic"] is True and manifest["tables"]["patients"] == 400


def test_every_row_is_labelled_synthetic(small_registry: Any) -> None:
    for name, frame in small_registry.frames.items():
        assert frame["synthetic"].all(), name


def test_redcap_dictionary_has_one_row_per_column_and_unique_names(tmp_path: Path, export_dir: Path) -> None:
    rows = list(csv.DictReader((export_dir / "data_dictionary.csv").open()))
    assert len(rows) == sum(len(t.columns) for t in TABLES)
    names = [r["Variable / Field Name"] for r in rows]
    assert len(names) == len(set(names))
    assert {r["Field Type"] for r in rows} <= {"text", "yesno", "dropdown"}
    dates = [r for r in redcap_data_dictionary() if r["Field Annotation"].endswith(".start_date")]
    assert dates[0]["Text Validation Type OR Show Slider Number"] == "date_ymd"


def _copy_with(export_dir: Path, tmp_path: Path, name: str, edit: Any) -> Path:
    for path in export_dir.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.stem == name:
            frame = edit(frame)
        frame.to_csv(tmp_path / path.name, index=False)
    return tmp_path


def test_missing_column_names_file_and_column(export_dir: Path, tmp_path: Path) -> None:
    data = _copy_with(export_dir, tmp_path, "courses", lambda f: f.drop(columns=["bmi_kg_m2"]))
    with pytest.raises(InputError) as err:
        read_registry(data)
    assert err.value.field == "courses.csv:bmi_kg_m2"
    from ketamine_trd.analytics.scale import read_export_dask

    with pytest.raises(InputError) as lazy_err:  # the Dask reader refuses it too, before any compute
        read_export_dask(data)
    assert (lazy_err.value.field, str(lazy_err.value)) == (err.value.field, str(err.value))


def test_wrong_type_names_file_and_column(export_dir: Path, tmp_path: Path) -> None:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[3, "total_score"] = "severe"
        return f

    with pytest.raises(InputError) as err:
        read_registry(_copy_with(export_dir, tmp_path, "assessments", edit))
    assert err.value.field == "assessments.csv:total_score" and err.value.value == "severe"


@pytest.mark.parametrize(("column", "value"), [("start_date", "2023-02-30"), ("induction_end_date", "1999-01-01")])
def test_impossible_dates_are_refused(export_dir: Path, tmp_path: Path, column: str, value: str) -> None:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[0, column] = value
        return f

    with pytest.raises(InputError) as err:
        read_registry(_copy_with(export_dir, tmp_path, "courses", edit))
    assert err.value.field == f"courses.csv:{column}"


def test_cli_bad_input_is_one_line_and_exit_2(export_dir: Path, tmp_path: Path, capsys: Any) -> None:
    data = _copy_with(export_dir, tmp_path, "patients", lambda f: f.drop(columns=["sex"]))
    code = main(["analyze", "outcomes", "--data", str(data), "--json"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "patients.csv:sex" in err


def test_missing_required_table_is_refused(export_dir: Path, tmp_path: Path) -> None:
    data = _copy_with(export_dir, tmp_path, "none", lambda f: f)
    (data / "assessments.csv").unlink()
    with pytest.raises(InputError, match="assessments"):
        read_registry(data)


def test_schema_lookup_refuses_unknown_names() -> None:
    with pytest.raises(InputError):
        table("visits")
    with pytest.raises(InputError):
        table("courses").column("weight_lb")


_NUMERIC = [(t.name, c.name) for t in TABLES for c in t.columns if c.dtype in ("integer", "number", "date")]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_NUMERIC), st.integers(0, 30), st.sampled_from(["n/a", "12 mg", "2024-13-45", "abc"]))
def test_any_corrupted_typed_cell_is_named(small_registry: Any, where: tuple[str, str], row: int, bad: str) -> None:
    """Property: text in a numeric or date cell is refused, naming that file and column."""
    name, column = where
    frames = {k: v.astype(object) for k, v in small_registry.to_frames().items()}
    frame = frames[name]
    if len(frame) <= row:
        return
    frame.iloc[row, frame.columns.get_loc(column)] = bad
    with pytest.raises(InputError) as err:
        validate_frames(frames)
    assert err.value.field == f"{name}.csv:{column}"


def test_manifest_reads_synthetic_from_the_rows(tmp_path: Path, small_registry: Any) -> None:
    frames = small_registry.to_frames()
    write_registry(frames, tmp_path / "all")
    assert json.loads((tmp_path / "all" / "manifest.json").read_text())["synthetic"] is True
    frames["patients"].loc[0, "synthetic"] = False
    write_registry(frames, tmp_path / "mixed")
    assert json.loads((tmp_path / "mixed" / "manifest.json").read_text())["synthetic"] == "mixed"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [([], False), ([True, True], True), ([True, False], False), ([True, None], False), ([False], False)],
)
def test_all_synthetic_needs_courses_and_every_course_labelled(flags: list[bool | None], expected: bool) -> None:
    # The one reading of the flag behind plot titles and OutcomeSummary.synthetic.
    courses = pd.DataFrame({"synthetic": pd.Series(flags, dtype="boolean")})
    assert all_synthetic({"courses": courses}) is expected


def test_both_readers_refuse_a_missing_directory_and_table_alike(export_dir: Path, tmp_path: Path) -> None:
    from ketamine_trd.analytics.scale import read_export_dask

    for reader in (read_registry, read_export_dask):
        with pytest.raises(InputError) as err:
            reader(tmp_path / "absent")
        assert err.value.field == "--data"
    data = _copy_with(export_dir, tmp_path, "courses", lambda f: f)
    (data / "assessments.csv").unlink()
    for reader in (read_registry, read_export_dask):
        with pytest.raises(InputError) as err:
            reader(data)
        assert err.value.field == "assessments.csv"
