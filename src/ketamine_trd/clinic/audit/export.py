"""Exporting the audit trail for a time range as CSV or JSON (with the hashes, so that a
reader can re-check the chain outside the application; CSV cells that a spreadsheet would
run as formulas are prefixed with a quote, so re-check hashes from the JSON export)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from ketamine_trd.clinic.audit.backup import create_private
from ketamine_trd.clinic.audit.chain import HASHED_FIELDS
from ketamine_trd.clinic.audit.service import iter_events, record
from ketamine_trd.errors import ConflictError

COLUMNS: tuple[str, ...] = (*HASHED_FIELDS, "prev_hash", "hash")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would run as a formula (prefix a quote).

    >>> csv_safe("=HYPERLINK(1)"), csv_safe("read"), csv_safe(3)
    ("'=HYPERLINK(1)", 'read', 3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _row(event: Any) -> dict[str, Any]:
    row: dict[str, Any] = event.hashed_fields()
    row["prev_hash"], row["hash"] = event.prev_hash, event.hash
    return row


def export_events(out: Path, fmt: str, start: dt.datetime | None, end: dt.datetime | None) -> dict[str, Any]:
    """Write events with ``start <= at < end`` to ``out`` (``csv`` or ``json``); records an ``export`` event."""
    if out.exists():
        raise ConflictError(f"{out} exists already; choose a new file name")
    filters: dict[str, Any] = {}
    if start is not None:
        filters["at__gte"] = start
    if end is not None:
        filters["at__lt"] = end
    rows = [_row(e) for e in iter_events(**filters)]
    create_private(out)  # 0600 in a 0700 folder: the trail names patients' record ids and staff
    if fmt == "json":
        out.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
            writer.writeheader()
            for row in rows:
                row = {**row, "changed_fields": ";".join(row["changed_fields"])}
                writer.writerow({k: csv_safe(v) for k, v in row.items()})
    record(None, "export", object_type="audit.auditevent", detail=f"audit export {fmt}: {len(rows)} events")
    return {"path": str(out), "format": fmt, "events": len(rows)}
