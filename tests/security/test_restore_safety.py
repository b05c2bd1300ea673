"""``ktrd restore --replace`` never puts the live database at risk: every bad backup is refused with one
line and the error tree's exit code, and the live database stays byte for byte as it was.
Control: HIPAA 45 CFR 164.308(a)(7) contingency plan, 164.312(c)(1) integrity (issue 16, item 2).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ._proc import app_env, dump, ktrd, run_python, seed

PASSWORD = "restore-test-password-2026"  # nosec B105 - test fixture

pytestmark = pytest.mark.slow


ADD_PATIENTS = """
import datetime as dt, django
django.setup()
from django.utils import timezone
from ketamine_trd.clinic.accounts.models import Clinic, User
from ketamine_trd.clinic.records.models import Patient
from ketamine_trd.clinic.audit.service import record
clinic, nurse, now = Clinic.objects.get(slug="crash"), User.objects.get(username="nurse-1"), timezone.now()
for i in range({n}):
    p = Patient.objects.create(clinic=clinic, mrn=f"LATER{{i:03d}}", given_name="Later", family_name=f"P{{i}}",
                               date_of_birth=dt.date(1980, 1, 1), created_at=now, updated_at=now, created_by=nurse)
    record(nurse, "create", obj=p, changed_fields=["mrn"])
"""


def _add_patients(env: dict[str, str], n: int) -> None:
    done = run_python(ADD_PATIENTS.format(n=n), env)
    assert done.returncode == 0, done.stderr[-2000:]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _live_files(data: Path) -> dict[str, str]:
    return {p.name: _sha(p) for p in sorted(data.iterdir()) if p.name.startswith("ktrd.sqlite3")}


def _with_checksum(path: Path) -> Path:
    (path.parent / f"{path.name}.sha256").write_text(f"{_sha(path)}  {path.name}\n", encoding="utf-8")
    return path


def _edit(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return _with_checksum(path)


def _tampered(backup: Path, out: Path) -> Path:
    shutil.copy(backup, out)
    return _edit(out, "UPDATE audit_auditevent SET detail = 'forged' WHERE seq = 3")


def _foreign(out: Path) -> Path:
    return _edit(out, "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")


def _foreign_with_migrations(backup: Path, out: Path) -> Path:
    shutil.copy(backup, out)
    return _edit(out, "CREATE TABLE smuggled (x)")


def _bad_backups(backup: Path, folder: Path) -> dict[str, Path]:
    folder.mkdir()
    empty_db = folder / "empty.sqlite3"
    sqlite3.connect(empty_db).close()
    truncated = folder / "truncated.sqlite3"
    truncated.write_bytes(backup.read_bytes()[: len(backup.read_bytes()) // 3])
    corrupt = folder / "corrupt.sqlite3"
    raw = bytearray(backup.read_bytes())
    raw[4096:8192] = os.urandom(4096)
    corrupt.write_bytes(bytes(raw))
    not_db = folder / "notes.sqlite3"
    not_db.write_bytes(b"these are not the droids\n" * 200)
    zero = folder / "zero.sqlite3"
    zero.write_bytes(b"")
    cases = {
        "tampered audit row": _tampered(backup, folder / "tampered.sqlite3"),
        "foreign SQLite file": _foreign(folder / "foreign.sqlite3"),
        "ours plus a foreign table": _foreign_with_migrations(backup, folder / "smuggled.sqlite3"),
        "empty SQLite file": _with_checksum(empty_db),
        "zero bytes": _with_checksum(zero),
        "truncated": _with_checksum(truncated),
        "corrupt pages": _with_checksum(corrupt),
        "not a database": _with_checksum(not_db),
    }
    for name, content in {"utf16": "x".encode("utf-16"), "binary": os.urandom(300), "short": b"abc  f\n"}.items():
        bad_sum = folder / f"badsum-{name}.sqlite3"
        shutil.copy(backup, bad_sum)
        (folder / f"{bad_sum.name}.sha256").write_bytes(content)
        cases[f"checksum file {name}"] = bad_sum
    return cases


def test_a_bad_backup_never_touches_the_live_database(tmp_path: Path) -> None:
    live_env = app_env(tmp_path / "live")
    seed(live_env, PASSWORD, patients=5)
    backup = tmp_path / "backups" / "clinic.sqlite3"
    assert ktrd(["backup", "--out", str(backup)], live_env).returncode == 0
    # the backup and its checksum are readable by their owner only
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE((backup.parent / "clinic.sqlite3.sha256").stat().st_mode) == 0o600
    _add_patients(live_env, 2)  # the live database moves on after the backup
    live = tmp_path / "live"
    before = _live_files(live)
    results = {}
    for name, bad in _bad_backups(backup, tmp_path / "bad").items():
        done = ktrd(["restore", str(bad), "--replace"], live_env)
        results[name] = done.returncode
        assert done.returncode in (2, 7), (name, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, (name, done.stderr)
        assert _live_files(live) == before, f"{name}: the live database changed"
        assert not [p for p in live.iterdir() if ".restore-" in p.name], f"{name}: a candidate file was left"
    assert results["tampered audit row"] == 7 and results["foreign SQLite file"] == 7
    assert all(code == 7 for code in results.values()), results
    # the live database still holds its 7 patients and an intact chain
    state = dump(live_env)
    assert state["chain_ok"] and len(state["tables"]["records_patient"]) == 7  # type: ignore[index]
    # a good backup still replaces it, atomically, and the restored file is 0600
    done = ktrd(["restore", str(backup), "--replace"], live_env)
    assert done.returncode == 0, done.stderr
    state = dump(live_env)
    assert state["chain_ok"] and len(state["tables"]["records_patient"]) == 5  # type: ignore[index]
    assert stat.S_IMODE((live / "ktrd.sqlite3").stat().st_mode) == 0o600


def test_restore_into_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    env = app_env(tmp_path / "src")
    seed(env, PASSWORD, patients=2)
    backup = tmp_path / "b.sqlite3"
    assert ktrd(["backup", "--out", str(backup)], env).returncode == 0
    blocker = tmp_path / "iamafile"
    blocker.write_text("x")
    done = ktrd(["restore", str(backup)], app_env(blocker))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--data-dir" in done.stderr
    assert blocker.read_text() == "x"
    done = ktrd(["restore", str(tmp_path)], env)  # a folder is not a backup file
    assert done.returncode == 2 and "Traceback" not in done.stderr


def _pg_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextlib.contextmanager
def _scratch_databases(*roles: str) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """New databases ``ktrd_rs_<role>_<suffix>`` on the test server: (admin url, names, urls) by role; every
    database of this suffix (restore candidates and replaced copies included) is dropped afterwards."""
    url = _pg_url()
    if url is None:
        pytest.skip("needs DATABASE_URL (PostgreSQL), set by scripts/test")
    import secrets

    import psycopg

    parsed = urlparse(url)
    suffix = secrets.token_hex(4)
    names = {role: f"ktrd_rs_{role}_{suffix}" for role in roles}
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin, names, {role: parsed._replace(path=f"/{name}").geturl() for role, name in names.items()}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"ktrd_rs_%_{suffix}%",)
            ).fetchall()
            for (name,) in rows:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_postgres_restore_refuses_a_tampered_dump_and_keeps_the_live_database(tmp_path: Path) -> None:
    with _scratch_databases("live", "forged") as (admin, names, urls):
        import psycopg

        live_name, live_url, forged_url = names["live"], urls["live"], urls["forged"]
        live_env = app_env(tmp_path / "l", DATABASE_URL=live_url)
        forged_env = app_env(tmp_path / "f", DATABASE_URL=forged_url)
        seed(live_env, PASSWORD, patients=3)
        good = tmp_path / "good.dump"
        assert ktrd(["backup", "--out", str(good)], live_env).returncode == 0
        # a forged copy: an audit row edited around the triggers, then dumped with a matching checksum
        seed(forged_env, PASSWORD, patients=3)
        with psycopg.connect(forged_url, autocommit=True) as conn:
            conn.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            conn.execute("UPDATE audit_auditevent SET detail = 'forged' WHERE seq = 2")
            # the TRUNCATE trigger holds for the owner too
            conn.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            with pytest.raises(psycopg.errors.RaiseException):
                conn.execute("TRUNCATE audit_auditevent, audit_auditchainhead")
        forged = tmp_path / "forged.dump"
        assert ktrd(["backup", "--out", str(forged)], forged_env).returncode == 0
        not_a_dump = tmp_path / "x.dump"
        not_a_dump.write_bytes(b"PGDMP but not really")
        _with_checksum(not_a_dump)
        _add_patients(live_env, 3)
        before = dump(live_env)
        for bad, why in ((forged, "audit chain broken at entry 2"), (not_a_dump, "pg_restore failed")):
            done = ktrd(["restore", str(bad), "--replace"], live_env)
            assert done.returncode == 7 and why in done.stderr, done.stderr
            assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
            assert dump(live_env) == before
        with psycopg.connect(admin) as conn:
            left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{live_name}_%",)).fetchall()
        assert left == []
        assert ktrd(["restore", str(good)], live_env).returncode == 4  # needs --replace
        done = ktrd(["restore", str(good), "--replace"], live_env)
        assert done.returncode == 0, done.stderr
        after = dump(live_env)
        assert after["chain_ok"] and len(after["tables"]["records_patient"]) == 3  # type: ignore[index]


def test_restore_refuses_while_a_server_holds_the_database(tmp_path: Path) -> None:
    """A running ``ktrd serve`` keeps connections on the file: swapping it under them would lose their writes."""
    from ketamine_trd.clinic.audit.restore import serving_lock

    env = app_env(tmp_path / "live")
    seed(env, PASSWORD, patients=3)
    backup = tmp_path / "b.sqlite3"
    assert ktrd(["backup", "--out", str(backup)], env).returncode == 0
    _add_patients(env, 2)
    live = tmp_path / "live"
    with serving_lock(live / "ktrd.sqlite3"):  # what ktrd serve holds while it serves (another process here)
        before = _live_files(live)
        done = ktrd(["restore", str(backup), "--replace"], env)
        assert done.returncode == 4 and "being served" in done.stderr and "Traceback" not in done.stderr
        assert _live_files(live) == before
        assert not [p for p in live.iterdir() if ".restore-" in p.name]
    from ._proc import free_port
    from ._server import running_server

    with running_server(env, free_port(), tmp_path / "server.log", "--threads", "2"):  # the real server
        done = ktrd(["restore", str(backup), "--replace"], env)
        assert done.returncode == 4 and "being served" in done.stderr, done.stderr
    done = ktrd(["restore", str(backup), "--replace"], env)  # stopped: the restore goes ahead
    assert done.returncode == 0, done.stderr
    assert len(dump(env)["tables"]["records_patient"]) == 3  # type: ignore[index]


PG_RESTORE_PROBE = """
import django, json, sys
django.setup()
from pathlib import Path
from django.db import connections
from ketamine_trd.clinic.audit import backup, restore

db = connections["default"].settings_dict
connections.close_all()
read = []
real_run = backup._run
def run(args, env):
    read.append(args[-1])
    return real_run(args, env)
backup._run = run
real_admin = restore._admin_connection
class Refusing:
    def __init__(self, conn): self.conn = conn
    def __enter__(self): self.conn.__enter__(); return self
    def __exit__(self, *exc): return self.conn.__exit__(*exc)
    def transaction(self): return self.conn.transaction()
    def execute(self, sql, *args):
        if sql.startswith("DROP DATABASE IF EXISTS") and "_replaced_" in sql:
            import psycopg
            raise psycopg.errors.ObjectInUse("database is being accessed by other users")
        return self.conn.execute(sql, *args)
restore._admin_connection = lambda db: Refusing(real_admin(db))
result = backup.restore(db, Path(sys.argv[1]), replace=True)
print(json.dumps({"read": read, "notes": list(result.notes)}))
"""


@pytest.mark.postgres
def test_postgres_restore_reads_the_verified_copy_and_reports_a_kept_old_database(tmp_path: Path) -> None:
    """pg_restore reads the private copy that was checked; a failed drop of the replaced copy is a note."""
    import subprocess
    import sys

    with _scratch_databases("live") as (_, names, urls):
        live_name = names["live"]
        env = app_env(tmp_path / "l", DATABASE_URL=urls["live"])
        seed(env, PASSWORD, patients=2)
        good = tmp_path / "good.dump"
        assert ktrd(["backup", "--out", str(good)], env).returncode == 0
        done = subprocess.run(
            [sys.executable, "-c", PG_RESTORE_PROBE, str(good)], env=env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stderr[-3000:]
        import json

        probe = json.loads(done.stdout.strip().splitlines()[-1])
        assert probe["read"] and all(path != str(good) for path in probe["read"])
        assert not any(Path(path).exists() for path in probe["read"])  # the private copy is gone
        assert len(probe["notes"]) == 1 and f"{live_name}_replaced_" in probe["notes"][0]
        assert dump(env)["chain_ok"]
