"""Concurrent writers keep one audit chain (the chain head is locked by each writer).

Several processes append audit events to the same database at once; afterwards the
sequence has no gap or repeat and the chain verifies. SQLite serialises writers
(``BEGIN IMMEDIATE``); PostgreSQL locks the head row (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from urllib.parse import urlparse

import pytest

from ._proc import app_env, dump, figures, run_python

pytestmark = pytest.mark.slow

WRITER = """
import django
django.setup()
from ketamine_trd.clinic.audit.service import record
for i in range(EVENTS):
    record(None, "read", object_type="records.patient", object_id=f"{WHO}-{i}", detail="concurrency test")
"""
MIGRATE = """
import os, pathlib, django
pathlib.Path(os.environ["KTRD_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
"""
WRITERS, EVENTS = 4, 25


def _race(env: dict[str, str]) -> dict[str, object]:
    done = run_python(MIGRATE, env)
    assert done.returncode == 0, done.stderr[-2000:]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(f"EVENTS = {EVENTS}\nWHO = 'w{n}'\n" + WRITER)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(WRITERS)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
    return dump(env)


def test_concurrent_writers_keep_one_chain_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _race(app_env(tmp_path / "data"))
    assert result["chain_ok"] and result["entries"] == WRITERS * EVENTS
    seqs = sorted(int(row[1]) for row in result["tables"]["audit_auditevent"])  # type: ignore[index]
    assert seqs == list(range(1, WRITERS * EVENTS + 1))
    figures("audit_concurrency_sqlite", {"writers": WRITERS, "events": WRITERS * EVENTS, "chain_ok": True})


@pytest.mark.postgres
def test_concurrent_writers_keep_one_chain_postgres(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL (PostgreSQL), set by scripts/test")
    import secrets

    import psycopg

    parsed = urlparse(url)
    name = f"ktrd_race_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        result = _race(app_env(tmp_path / "d", DATABASE_URL=parsed._replace(path=f"/{name}").geturl()))
        assert result["chain_ok"] and result["entries"] == WRITERS * EVENTS
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
