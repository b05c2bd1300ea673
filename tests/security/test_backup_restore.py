"""Backups restore into a fresh database with every table and the audit chain intact; a damaged
backup is refused. Control: HIPAA 45 CFR 164.308(a)(7) contingency plan (data backup), 164.312(c)(1) integrity.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest

from ._proc import app_env, dump, ktrd, seed

PASSWORD = "backup-test-password-2026"  # nosec B105 - test fixture

pytestmark = pytest.mark.slow


def test_sqlite_backup_restores_every_table_and_the_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source_env = app_env(tmp_path / "source")
    seed(source_env, PASSWORD, patients=6)
    out = tmp_path / "backups" / "clinic.sqlite3"
    done = ktrd(["backup", "--out", str(out), "--json"], source_env)
    assert done.returncode == 0, done.stderr
    checksum = (out.parent / "clinic.sqlite3.sha256").read_text().split()
    assert len(checksum[0]) == 64 and checksum[1] == "clinic.sqlite3"

    target_env = app_env(tmp_path / "fresh")
    done = ktrd(["restore", str(out), "--json"], target_env)
    assert done.returncode == 0, done.stderr
    before, after = dump(source_env), dump(target_env)
    assert before["chain_ok"] and after["chain_ok"]
    assert after["tables"] == before["tables"]
    assert after["head"] == before["head"] and int(after["entries"]) >= 13  # type: ignore[call-overload]
    assert len(before["tables"]["records_patient"]) == 6  # type: ignore[index]
    assert ktrd(["audit", "verify"], target_env).returncode == 0

    # restoring over an existing database needs --replace
    assert ktrd(["restore", str(out)], target_env).returncode == 4
    assert ktrd(["restore", str(out), "--replace"], target_env).returncode == 0
    # a backup file that does not match its checksum is refused (exit 7), as is one without a checksum
    damaged = bytearray(out.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    out.write_bytes(bytes(damaged))
    done = ktrd(["restore", str(out), "--replace"], target_env)
    assert done.returncode == 7 and "checksum" in done.stderr
    (out.parent / "clinic.sqlite3.sha256").unlink()
    assert ktrd(["restore", str(out), "--replace"], target_env).returncode == 7
    # an existing backup file is never overwritten
    assert ktrd(["backup", "--out", str(out)], source_env).returncode == 4


def _pg_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.mark.postgres
def test_postgres_backup_restores_into_a_fresh_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = _pg_admin_url()
    if url is None:
        pytest.skip("needs DATABASE_URL (PostgreSQL), set by scripts/test")
    import secrets

    import psycopg

    parsed = urlparse(url)
    suffix = secrets.token_hex(4)
    names = [f"ktrd_bk_src_{suffix}", f"ktrd_bk_dst_{suffix}"]
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        src = app_env(tmp_path / "s", DATABASE_URL=parsed._replace(path=f"/{names[0]}").geturl())
        dst = app_env(tmp_path / "d", DATABASE_URL=parsed._replace(path=f"/{names[1]}").geturl())
        seed(src, PASSWORD, patients=4)
        out = tmp_path / "clinic.dump"
        done = ktrd(["backup", "--out", str(out)], src)
        assert done.returncode == 0, done.stderr
        done = ktrd(["restore", str(out)], dst)
        assert done.returncode == 0, done.stderr
        before, after = dump(src), dump(dst)
        assert after["tables"] == before["tables"] and after["chain_ok"]
        # the append-only trigger came back with the restore
        with psycopg.connect(dst["DATABASE_URL"]) as conn, pytest.raises(psycopg.errors.RaiseException):
            conn.execute("DELETE FROM audit_auditevent")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
