"""Running the real application in child processes (real settings, a temporary data folder)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

SEED_SCRIPT = """
import datetime as dt, os, pathlib, django
pathlib.Path(os.environ["KTRD_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.utils import timezone
from ketamine_trd.clinic.accounts.models import Clinic, User
from ketamine_trd.clinic.records.models import Patient
from ketamine_trd.clinic.audit.service import record
clinic, _ = Clinic.objects.get_or_create(slug="crash", defaults={"name": "Crash Test Clinic"})
users = {}
for role in ("prescriber", "nurse", "front_desk", "researcher", "admin"):
    users[role], _ = User.objects.get_or_create(username=f"{role}-1", defaults={"role": role, "clinic": clinic})
    users[role].set_password(PASSWORD)
    users[role].save()
now = timezone.now()
for i in range(N_PATIENTS):
    p = Patient.objects.create(clinic=clinic, mrn=f"SEED{i:04d}", given_name="Test", family_name=f"Person{i}",
                               date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=400 * i),
                               created_at=now, updated_at=now, created_by=users["nurse"])
    record(users["nurse"], "create", obj=p, changed_fields=["mrn", "given_name", "family_name", "date_of_birth"])
    record(users["prescriber"], "read", obj=p)
"""

DUMP_SCRIPT = """
import json, django
django.setup()
from django.db import connection
from ketamine_trd.clinic.audit.service import verify_chain
tables = {}
with connection.cursor() as cursor:
    for name in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT * FROM "{name}"')
        rows = [[str(v) for v in row] for row in cursor.fetchall()]
        tables[name] = sorted(rows)
report = verify_chain()
print(json.dumps({"tables": tables, "chain_ok": report.ok, "entries": report.entries, "head": report.head_hash}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process: real settings, this data folder, SQLite unless DATABASE_URL is given."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_", "DATABASE_URL"))}
    return {**base, "DJANGO_SETTINGS_MODULE": "ketamine_trd.clinic.settings", "KTRD_DATA_DIR": str(data_dir), **extra}


def run_python(code: str, env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=timeout
    )


def ktrd(args: list[str], env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ketamine_trd.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def seed(env: dict[str, str], password: str, patients: int = 5) -> None:
    code = f"PASSWORD = {password!r}\nN_PATIENTS = {patients}\n" + SEED_SCRIPT
    done = run_python(code, env)
    assert done.returncode == 0, done.stderr[-3000:]


def dump(env: dict[str, str]) -> dict[str, object]:
    import json

    done = run_python(DUMP_SCRIPT, env)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def figures(name: str, values: dict[str, object]) -> None:
    """Keep a test's figures in ``test-artifacts/security-figures.json`` (git-ignored) for the issue's note."""
    import json

    path = Path(__file__).resolve().parents[2] / "test-artifacts" / "security-figures.json"
    path.parent.mkdir(exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[name] = values
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
