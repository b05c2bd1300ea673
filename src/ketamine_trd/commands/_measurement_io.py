"""Reading the measurement CLI's inputs: answer lists, answer files and CSV timelines.

The formats are documented in ``docs/measurement.md`` with examples in ``docs/examples/``.
Every problem raises ``InputError`` naming the file, line and column (or the answer position).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.measurement_timeline import Assessment, DoseRecord, RelapseEvent, ScreenRecord
from ketamine_trd.commands import _files
from ketamine_trd.errors import InputError

MISSING_TOKENS = {"", "-", "na", "n/a", "none", "null"}
TRUE_TOKENS = {"1", "true", "yes", "y"}
FALSE_TOKENS = {"0", "false", "no", "n", ""}


def known_instrument(instrument_id: str) -> str:
    """The id of a known instrument (``UnknownTermError`` otherwise)."""
    return instruments.get(instrument_id).id


def parse_date(text: str, field: str) -> dt.date:
    """An ISO 8601 date."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, text, "an ISO 8601 date such as 2026-01-31") from None


def _int_or_none(token: str, field: str) -> int | None:
    text = token.strip()
    if text.lower() in MISSING_TOKENS:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(field, text, "an integer, or empty for a missing item") from None


def parse_answers(answers: str | None, answers_file: Path | None) -> list[int | None] | dict[str, int | None]:
    """Answers from ``--answers 0,1,2`` (item order) or ``--answers-file`` ({item_id: value})."""
    if (answers is None) == (answers_file is None):
        raise InputError("--answers", answers, "exactly one of --answers or --answers-file")
    if answers is not None:
        return [_int_or_none(tok, f"answers[{n}]") for n, tok in enumerate(answers.split(","), 1)]
    assert answers_file is not None
    data = _files.read_json(answers_file, "--answers-file")
    if not isinstance(data, dict):
        raise InputError("--answers-file", type(data).__name__, "a JSON object {item_id: value}")
    out: dict[str, int | None] = {}
    for key, value in data.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputError(f"answers.{key}", value, "an integer or null")
        out[str(key)] = value
    return out


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (``file:line``, row) with lower-cased, stripped column names; check required columns.

    The file is read through the CLI's one reader (``commands._files``: size, encoding, field limits).
    """
    rows = _files.csv_rows(path, str(path))
    header = next(rows, None)
    columns = [c.strip().lower() for c in (header[1] if header else [])]
    for column in required:
        if column not in columns:
            raise InputError(f"{path.name} columns", ",".join(columns), f"a '{column}' column", reason="lack")
    for line, cells in rows:
        clean = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(columns)}
        if any(clean.values()):
            yield f"{path.name}:{line}", clean


def _number(text: str, where: str) -> float | None:
    if text.lower() in MISSING_TOKENS:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(where, text, "a number") from None


def _flag(text: str, where: str) -> bool:
    low = text.lower()
    if low in TRUE_TOKENS:
        return True
    if low in FALSE_TOKENS:
        return False
    raise InputError(where, text, "1/0, true/false or yes/no")


def _total_from_items(row: dict[str, str], instrument_id: str, where: str) -> float | None:
    inst = instruments.get(instrument_id)
    present = {i.id: row[i.id] for i in inst.items if i.id in row}
    if not present:
        return None
    answers = {k: _int_or_none(v, f"{where} {k}") for k, v in present.items()}
    total = instruments.score(inst.id, answers).total
    return None if total is None else float(total)


def read_assessments(path: Path, instrument_id: str | None) -> list[Assessment]:
    """Assessments from a CSV with ``date,total`` (optional ``instrument`` and item columns).

    With ``instrument_id``, rows of other instruments are skipped; without it, every row needs
    an ``instrument``. Item columns (named by item id) are scored and must agree with ``total``.
    """
    out: list[Assessment] = []
    for where, row in _rows(path, ("date",)):
        row_instrument = row.get("instrument") or instrument_id
        if row_instrument is None:
            raise InputError(f"{where} instrument", "", "an instrument id (add an 'instrument' column)")
        row_instrument = instruments.get(row_instrument).id
        if instrument_id is not None and row_instrument != instrument_id:
            continue
        date = parse_date(row["date"], f"{where} date")
        total = _number(row.get("total", ""), f"{where} total")
        from_items = _total_from_items(row, row_instrument, where)
        if total is None:
            total = from_items
        elif from_items is not None and from_items != total:
            raise InputError(f"{where} total", row["total"], f"the total of the item columns ({from_items:g})")
        if total is None:
            raise InputError(f"{where} total", "", "a number (or the instrument's item columns)")
        try:
            out.append(Assessment(date, total, row_instrument))
        except InputError as error:
            raise InputError(f"{where} total", error.value, error.allowed) from None
    return out


def read_doses(path: Path) -> list[DoseRecord]:
    """Doses from a CSV with ``date`` (optional ``dose_mg``, ``phase``, ``escalation_reason``,
    ``early_request``, ``predose_systolic_mmhg``, ``predose_diastolic_mmhg``)."""
    out: list[DoseRecord] = []
    for where, row in _rows(path, ("date",)):
        try:
            out.append(
                DoseRecord(
                    parse_date(row["date"], f"{where} date"),
                    dose_mg=_number(row.get("dose_mg", ""), f"{where} dose_mg"),
                    phase=row.get("phase") or None,
                    escalation_reason=row.get("escalation_reason") or None,
                    early_request=_flag(row.get("early_request", ""), f"{where} early_request"),
                    predose_systolic_mmhg=_number(row.get("predose_systolic_mmhg", ""), f"{where} systolic"),
                    predose_diastolic_mmhg=_number(row.get("predose_diastolic_mmhg", ""), f"{where} diastolic"),
                )
            )
        except InputError as error:
            if error.field.startswith(path.name):
                raise
            raise InputError(f"{where} {error.field.removeprefix('dose.')}", error.value, error.allowed) from None
    return out


def read_events(path: Path) -> list[RelapseEvent]:
    """Recorded relapse events from a CSV with ``date,kind``."""
    out: list[RelapseEvent] = []
    for where, row in _rows(path, ("date", "kind")):
        try:
            out.append(RelapseEvent(parse_date(row["date"], f"{where} date"), row["kind"]))
        except InputError as error:
            if error.field.startswith(path.name):
                raise
            raise InputError(f"{where} kind", error.value, error.allowed) from None
    return out


def read_screens(path: Path) -> list[ScreenRecord]:
    """Other screens done, from a CSV with ``date,screen``."""
    out: list[ScreenRecord] = []
    for where, row in _rows(path, ("date", "screen")):
        try:
            out.append(ScreenRecord(parse_date(row["date"], f"{where} date"), row["screen"]))
        except InputError as error:
            if error.field.startswith(path.name):
                raise
            raise InputError(f"{where} screen", error.value, error.allowed) from None
    return out
