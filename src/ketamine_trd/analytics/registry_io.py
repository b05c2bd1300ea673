"""Read, validate and write registry exports (CSV or Parquet) in the format of :mod:`.export_schema`.

Bad input (a missing table or column, a wrong type, an impossible date) raises
:class:`~ketamine_trd.errors.InputError` whose field names the file and the column, so that the CLI
prints one line and exits 2.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketamine_trd.analytics.export_schema import SCHEMA_VERSION, TABLES, Column, Table, redcap_data_dictionary
from ketamine_trd.errors import DependencyMissing, InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REQUIRED_TABLES",
    "all_synthetic",
    "check_format",
    "coerce_table",
    "export_root",
    "read_registry",
    "require_columns",
    "table_file",
    "validate_frames",
    "write_registry",
]

#: Tables an analysis cannot do without; the others may be absent (read as empty).
REQUIRED_TABLES = ("patients", "courses", "assessments")
FORMATS = ("csv", "parquet")


def check_format(fmt: str) -> None:
    """Refuse a format other than ``csv`` or ``parquet`` (before any work is done)."""
    if fmt not in FORMATS:
        raise InputError("--format", fmt, ", ".join(FORMATS))


def _pandas() -> object:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas is in the analytics extra
        raise DependencyMissing("pandas", "analytics") from exc
    return pandas


def _empty(t: Table) -> pd.DataFrame:
    import pandas as pd

    return coerce_table(pd.DataFrame({c.name: pd.Series([], dtype="object") for c in t.columns}), t, t.name)


def _coerce_column(series: pd.Series, col: Column, where: str) -> Any:
    import pandas as pd

    present = series.notna() & (series.astype("string").str.strip() != "")
    if col.required and not bool(present.all()):
        raise InputError(f"{where}:{col.name}", "", "a value on every row", reason="is empty on some rows")
    raw = series.where(present, None)
    out: Any
    if col.dtype == "string":
        out = raw.astype("string")
    elif col.dtype in ("integer", "number"):
        num = pd.to_numeric(raw, errors="coerce")
        bad = present & num.isna()
        if col.dtype == "integer":
            bad |= present & num.notna() & (num % 1 != 0)
        _refuse(bad, raw, where, col, "a number" if col.dtype == "number" else "a whole number")
        out = num.astype("Int64" if col.dtype == "integer" else "Float64")
    elif col.dtype == "boolean":
        text = raw.astype("string").str.strip().str.lower()
        mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
        bad = present & ~text.isin(list(mapping))
        _refuse(bad, raw, where, col, "true/false (or 1/0, yes/no)")
        out = text.map(mapping).astype("boolean")
    elif pd.api.types.is_datetime64_any_dtype(series):  # Parquet keeps the type
        out = series.dt.tz_convert("UTC") if col.dtype == "datetime" and series.dt.tz is not None else series
        if col.dtype == "datetime" and series.dt.tz is None:
            out = series.dt.tz_localize("UTC")
        out = out.astype("datetime64[ns, UTC]") if col.dtype == "datetime" else out.astype("datetime64[ns]")
    else:
        out = _parse_dates(raw, col)
        _refuse(present & out.isna(), raw, where, col, "an ISO 8601 date (YYYY-MM-DD)")
    if col.choices:
        _refuse(present & ~out.isin(col.choices), raw, where, col, ", ".join(col.choices))
    if col.minimum is not None:
        _refuse(present & (out < col.minimum).fillna(False), raw, where, col, f">= {col.minimum:g}")
    if col.maximum is not None:
        _refuse(present & (out > col.maximum).fillna(False), raw, where, col, f"<= {col.maximum:g}")
    return out


def _parse_dates(raw: pd.Series, col: Column) -> Any:
    """Text is parsed strictly (ISO 8601); date and datetime objects (clinic rows) are taken as they are."""
    import pandas as pd

    utc = col.dtype == "datetime"
    text = raw.map(lambda v: isinstance(v, str)).astype(bool)
    fmt = "%Y-%m-%d" if col.dtype == "date" else "ISO8601"
    parsed = pd.to_datetime(raw.where(text, None).astype("string"), format=fmt, errors="coerce", utc=utc)
    objects = raw.where(~text & raw.notna(), None)
    if bool(objects.notna().any()):
        other = pd.to_datetime(objects, errors="coerce", utc=utc)
        if not utc:
            other = other.dt.tz_localize(None) if other.dt.tz is not None else other
            other = other.dt.normalize()
        parsed = parsed.where(text, other)
    return parsed


def _refuse(bad: pd.Series, raw: pd.Series, where: str, col: Column, allowed: str) -> None:
    if bool(bad.any()):
        first = raw[bad].iloc[0]
        raise InputError(f"{where}:{col.name}", first if isinstance(first, str) else str(first), allowed)


def require_columns(columns: Any, t: Table, where: str) -> None:
    """Refuse a frame whose ``columns`` lack one of table ``t``'s (``where`` names the file in errors)."""
    missing = [c for c in t.names if c not in columns]
    if missing:
        raise InputError(f"{where}:{missing[0]}", "missing", ", ".join(t.names), reason="column is missing")


def coerce_table(frame: pd.DataFrame, t: Table, where: str) -> pd.DataFrame:
    """One table checked and typed against its schema (``where`` names the file in errors)."""
    require_columns(frame.columns, t, where)
    return frame.assign(**{c.name: _coerce_column(frame[c.name], c, where) for c in t.columns})[list(t.names)]


def _check_dates(frames: Mapping[str, pd.DataFrame], files: Mapping[str, str]) -> None:
    courses = frames["courses"]
    for column in ("induction_end_date", "end_date"):
        bad = (courses[column] < courses["start_date"]).fillna(False)
        if bool(bad.any()):
            value = str(courses.loc[bad, column].iloc[0].date())
            raise InputError(f"{files['courses']}:{column}", value, "on or after start_date", reason="is impossible")
    patients = frames["patients"].set_index("patient_id")["birth_year"]
    born = courses["patient_id"].map(patients)
    bad = (born > courses["start_date"].dt.year).fillna(False)
    if bool(bad.any()):
        value = str(courses.loc[bad, "start_date"].iloc[0].date())
        raise InputError(
            f"{files['courses']}:start_date", value, "after the patient's birth_year", reason="is impossible"
        )
    starts = frames["assessments"]["course_id"].map(courses.set_index("course_id")["start_date"])
    early = (frames["assessments"]["assessment_date"] < starts - _days(365)).fillna(False)
    if bool(early.any()):
        value = str(frames["assessments"].loc[early, "assessment_date"].iloc[0].date())
        raise InputError(
            f"{files['assessments']}:assessment_date",
            value,
            "within a year before the course start",
            reason="is impossible",
        )


def _days(n: int) -> Any:
    import pandas as pd

    return pd.Timedelta(days=n)


def validate_frames(
    frames: Mapping[str, pd.DataFrame], files: Mapping[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Check and type every table; returns typed frames (absent optional tables come back empty)."""
    _pandas()
    names = files or {t.name: f"{t.name}.csv" for t in TABLES}
    out: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        if t.name not in frames:
            if t.name in REQUIRED_TABLES:
                raise InputError(
                    names.get(t.name, t.name), "missing", "a file for every required table", reason="is missing"
                )
            out[t.name] = _empty(t)
            continue
        out[t.name] = coerce_table(frames[t.name], t, names.get(t.name, t.name))
    _check_dates(out, names)
    return out


def read_registry(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Read and validate an export directory (``<table>.csv`` or ``<table>.parquet`` per table)."""

    root = export_root(directory)
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for t in TABLES:
        path = table_file(root, t.name)
        if path is None:
            files[t.name] = f"{t.name}.csv"
            continue
        frames[t.name] = _read_table(path)
        files[t.name] = path.name
    return validate_frames(frames, files)


def _read_table(path: Path) -> pd.DataFrame:
    """One table file; a file that is not UTF-8 CSV (or Parquet) is an ``InputError`` naming it, never a traceback."""
    import pandas as pd

    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path.name, str(path), "a UTF-8 CSV file", reason=f"is not UTF-8 ({error.reason})") from None
    except (ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = f"cannot be read as a table ({' '.join(str(error).split())[:160]})"
        raise InputError(path.name, str(path), "a CSV or Parquet table file", reason=reason) from None


def export_root(directory: str | Path) -> Path:
    """The export directory (``--data``); refuses a path that is not a directory."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError("--data", str(root), "a directory holding a registry export", reason="is not a directory")
    return root


def table_file(root: Path, name: str) -> Path | None:
    """The file of table ``name`` in an export: ``<name>.parquet`` if present, else ``<name>.csv``, else None."""
    for path in (root / f"{name}.parquet", root / f"{name}.csv"):
        if path.exists():
            return path
    return None


def _to_text(frame: pd.DataFrame, t: Table) -> pd.DataFrame:
    out = frame.copy()
    for col in t.columns:
        if col.dtype == "date":
            out[col.name] = out[col.name].dt.strftime("%Y-%m-%d")
        elif col.dtype == "datetime":
            out[col.name] = out[col.name].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif col.dtype == "boolean":
            out[col.name] = out[col.name].map({True: "true", False: "false"})
    return out


def all_synthetic(frames: Mapping[str, pd.DataFrame]) -> bool:
    """Whether the registry has courses and every course row is labelled synthetic (what plots and summaries flag)."""
    courses = frames["courses"]
    return bool(len(courses)) and bool(courses["synthetic"].fillna(False).all())


def _synthetic_label(typed: Mapping[str, pd.DataFrame]) -> bool | str:
    flags = [bool(v) for frame in typed.values() for v in frame["synthetic"].dropna().unique()]
    if not flags:
        return False
    return flags[0] if len(set(flags)) == 1 else "mixed"


def write_registry(
    frames: Mapping[str, pd.DataFrame], directory: str | Path, fmt: str = "csv", *, synthetic: bool | None = None
) -> list[Path]:
    """Validate, then write every table, ``data_dictionary.csv`` (REDCap) and ``manifest.json``.

    The manifest's ``synthetic`` is ``synthetic`` when given, else read from the rows: ``true`` when every row
    is synthetic, ``false`` when none is, ``"mixed"`` otherwise.
    """
    import csv

    check_format(fmt)
    typed = validate_frames(frames)
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for t in TABLES:
        path = root / f"{t.name}.{fmt}"
        if fmt == "csv":
            _to_text(typed[t.name], t).to_csv(path, index=False)
        else:
            typed[t.name].to_parquet(path, index=False)
        written.append(path)
    dictionary = root / "data_dictionary.csv"
    rows = redcap_data_dictionary()
    with dictionary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    manifest = {
        "format": "ketamine-trd research export",
        "schema_version": SCHEMA_VERSION,
        "file_format": fmt,
        "synthetic": synthetic if synthetic is not None else _synthetic_label(typed),
        "tables": {t.name: int(len(typed[t.name])) for t in TABLES},
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [*written, dictionary, root / "manifest.json"]
