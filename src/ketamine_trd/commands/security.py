"""``ktrd`` commands of the security area: ``audit verify|export``, ``backup``, ``restore``.

Each command configures Django for the data folder (``--data-dir`` or ``KTRD_DATA_DIR``;
``DATABASE_URL`` selects PostgreSQL), then calls one function of
``ketamine_trd.clinic.audit``. A broken audit chain or a bad backup checksum raises
``IntegrityFailure`` (exit 7).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_trd.commands._output import console, emit
from ketamine_trd.errors import DependencyMissing, InputError, IntegrityFailure

audit_app = typer.Typer(help="Check and export the audit trail.", no_args_is_help=True)

DATA_DIR = typer.Option(None, "--data-dir", help="Data folder (default: KTRD_DATA_DIR or the per-user folder).")
JSON = typer.Option(False, "--json", help="Print JSON.")


def setup_django(data_dir: Path | None) -> dict[str, Any]:
    """Configure Django for ``data_dir`` (unless already configured) and return the default database entry."""
    try:
        import django
        from django.apps import apps
        from django.conf import settings
    except ImportError as error:  # pragma: no cover - the clinic extra is missing
        raise DependencyMissing("django", "clinic") from error
    if not settings.configured:
        if data_dir is not None:
            os.environ["KTRD_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketamine_trd.clinic.settings")
    if not apps.ready:
        django.setup()
    return dict(settings.DATABASES["default"])


def _parse_date(field: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, value, "an ISO date, YYYY-MM-DD") from None


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


@audit_app.command("verify")
def audit_verify(
    data_dir: Path | None = DATA_DIR,
    expect_head: str | None = typer.Option(None, "--expect-head", help="A head hash recorded earlier, kept elsewhere."),
    as_json: bool = JSON,
) -> None:
    """Check every entry of the audit hash chain; exit 7 on a break."""
    setup_django(data_dir)
    from ketamine_trd.clinic.audit.service import verify_chain

    report = verify_chain(expect_head=expect_head)
    data = {
        "ok": report.ok,
        "entries": report.entries,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
        "breaks": [{"seq": b.seq, "problem": b.problem, "message": b.message} for b in report.breaks],
    }

    def render(d: dict[str, Any]) -> None:
        if d["ok"]:
            console.print(f"audit chain intact: {d['entries']} entries, head #{d['head_seq']} {d['head_hash']}")
        for b in d["breaks"]:
            console.print(f"[red]break at entry {b['seq']}[/red]: {b['message']}")

    emit(data, as_json, render)
    if not report.ok:
        first = report.breaks[0]
        raise IntegrityFailure(f"audit chain broken at entry {first.seq}: {first.message}")


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="File to write (refuses to overwrite).")],
    date_from: str | None = typer.Option(None, "--from", help="First day (UTC, YYYY-MM-DD), inclusive."),
    date_to: str | None = typer.Option(None, "--to", help="Last day (UTC, YYYY-MM-DD), inclusive."),
    fmt: str = typer.Option("csv", "--format", help="csv or json."),
    data_dir: Path | None = DATA_DIR,
    as_json: bool = JSON,
) -> None:
    """Write the audit events of a date range (UTC days) as CSV or JSON, with their hashes."""
    if fmt not in {"csv", "json"}:
        raise InputError("--format", fmt, "csv or json")
    start, end = _parse_date("--from", date_from), _parse_date("--to", date_to)
    if start and end and end < start:
        raise InputError("--to", date_to, f"a date on or after --from ({date_from})")
    setup_django(data_dir)
    from ketamine_trd.clinic.audit.export import export_events

    result = export_events(Path(out), fmt, _day_start(start), _day_start(end + dt.timedelta(days=1)) if end else None)
    emit(result, as_json, lambda r: console.print(f"wrote {r['events']} audit events to {r['path']}"))


def backup_command(
    out: Annotated[Path, typer.Option("--out", help="Backup file to write; a .sha256 file is written beside it.")],
    data_dir: Path | None = DATA_DIR,
    as_json: bool = JSON,
) -> None:
    """Back up the clinic database (SQLite online backup, or pg_dump -Fc) with a SHA-256 checksum."""
    db = setup_django(data_dir)
    from ketamine_trd.clinic.audit import backup
    from ketamine_trd.clinic.audit.service import record

    # recorded before the copy is taken, so that the backup holds its own audit entry and a
    # restored database is identical, audit chain included, to the one backed up
    record(None, "export", object_type="database", detail=f"backup to {Path(out).name}")
    result = backup.backup(db, Path(out))
    emit(
        result, as_json, lambda r: console.print(f"backup written: {r.path} ({r.size_bytes} bytes, sha256 {r.sha256})")
    )


def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="Backup file written by ktrd backup (a .sha256 beside it).")],
    data_dir: Path | None = DATA_DIR,
    replace: bool = typer.Option(False, "--replace", help="Overwrite an existing database."),
    as_json: bool = JSON,
) -> None:
    """Restore a backup into a new database, verify it whole (schema, migrations, audit chain), then swap it in.

    On any failure the live database is left as it was.
    """
    db = setup_django(data_dir)
    from django.db import connections

    from ketamine_trd.clinic.audit import backup
    from ketamine_trd.clinic.audit.service import verify_chain

    connections.close_all()
    result = backup.restore(db, Path(backup_file), replace=replace)
    report = verify_chain(raise_on_break=True)
    data = {"restored": result, "audit_entries": report.entries, "audit_head_hash": report.head_hash}
    def render(d: dict[str, object]) -> None:
        console.print(f"restored {backup_file}; audit chain intact ({report.entries} entries)")
        for note in result.notes:
            console.print(f"note: {note}")

    emit(data, as_json, render)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""
    app.add_typer(audit_app, name="audit")
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
