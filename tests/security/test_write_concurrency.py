"""Concurrent writers and readers against a real server (``ktrd serve``: waitress on loopback), both databases.

8 writers for ``KTRD_CONCURRENCY_S`` seconds (default 30; the issue's acceptance figure) chart vitals, enter
PHQ-9 assessments tied to a session (their alerts reference the session: the deadlock of findings D3), register
patients and raise a patient's weight by 0.1 kg with ``If-Match``, each write with an ``Idempotency-Key`` that is
sent again after some answers (as a client does when an answer is lost) and after every 503. Afterwards: no
5xx, no duplicate (stored rows = acknowledged writes), no lost update (the weight is the start plus 0.1 kg per
acknowledged raise), ``ktrd audit verify`` exits 0. Then 16 readers for ``KTRD_LOAD_S`` seconds (default 10)
fetch the main pages and API reads: no 5xx. Figures go to ``test-artifacts/security-figures.json``.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from ._http import Browser
from ._proc import app_env, figures, free_port, ktrd, run_python

pytestmark = pytest.mark.slow
PASSWORD = "concurrency-test-password-2026"  # nosec B105 - test fixture
WRITERS, READERS = 8, 16
WRITE_S = float(os.environ.get("KTRD_CONCURRENCY_S", "30"))
#: logins one at a time: the lockout reserves each password check before it runs (issue 16), so 8 writers signing in
#: as one user at the same instant would be refused as a guessing run; the race is between the writes
LOGINS = threading.Lock()
READ_S = float(os.environ.get("KTRD_LOAD_S", "10"))
START_KG = Decimal("40.0")

SEED = """
import datetime as dt, os, pathlib, json, django
pathlib.Path(os.environ["KTRD_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.utils import timezone
from decimal import Decimal
from ketamine_trd.clinic.accounts.models import Clinic, User
from ketamine_trd.clinic.records.services import courses, intake, patients, sessions
from ketamine_trd.clinic.records.services.patients import PatientInput
clinic, _ = Clinic.objects.get_or_create(slug="race", defaults={"name": "Race Clinic"})
users = {}
for role in ("prescriber", "nurse", "front_desk"):
    users[role], _ = User.objects.get_or_create(username=f"{role}-1", defaults={"role": role, "clinic": clinic})
    users[role].set_password(PASSWORD)
    users[role].save()
now = timezone.now()
HISTORY = {"episode": {"duration_months": 18, "severity": "severe"}, "trials": [
    {"drug": "sertraline", "daily_dose_mg": 100, "weeks": 8, "improvement_percent": 10},
    {"drug": "venlafaxine", "daily_dose_mg": 225, "weeks": 6, "improvement_percent": 20}]}
SCREENING = {"sex": "female", "blood_pressure": {"systolic": 124, "diastolic": 78}, "rems_enrolled": True,
             "pregnant": False, "hepatic_impairment": "none"}
ids, session_ids = [], []
for i in range(4):
    p = patients.register_patient(users["front_desk"], PatientInput(f"RACE{i}", "Race", f"Person{i}",
        dt.date(1970 + i, 1, 1), weight_kg=Decimal("40.0"), sex="female"), now=now)
    ids.append(p.pk)
    # the eligibility gate: a signed TRD verdict and a signed screening for the product, as a clinic records them
    trd = intake.record_trd_intake(users["prescriber"], p.pk, HISTORY, profile=None, now=now)
    screening = intake.record_screening_intake(users["prescriber"], p.pk, SCREENING, product="esketamine-nasal",
        bp_profile=None, now=now)
    for result in (trd, screening):
        intake.sign_off_intake(users["prescriber"], result.pk, now=now)
    c = courses.plan_new_course(users["prescriber"], p.pk,
        courses.CourseInput(product="esketamine-nasal", start_date=now.date()), now=now)
    s = sessions.schedule_session(users["prescriber"], c.pk, scheduled_at=now - dt.timedelta(hours=1),
                                  chair="A", now=now)
    session_ids.append(s.pk)
print(json.dumps({"patients": ids, "sessions": session_ids}))
"""

COUNTS = """
import json, django
django.setup()
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinic.records.models import Patient, VitalSign
print(json.dumps({
    "assessments": {str(p): Assessment.objects.filter(patient_id=p).count() for p in PATIENTS},
    "registered": Patient.objects.filter(mrn__startswith="W").count(),
    "registered_distinct": Patient.objects.filter(mrn__startswith="W").values("mrn").distinct().count(),
    "vitals": {str(s): VitalSign.objects.filter(session_id=s).count() for s in SESSIONS},
    "weights": {str(p.pk): str(p.weight_kg) for p in Patient.objects.filter(pk__in=PATIENTS)},
}))
"""


class Api:
    """A logged-in API client: session cookie, CSRF header, JSON bodies, one connection per request."""

    def __init__(self, port: int, username: str) -> None:
        self.browser = Browser(port, timeout=60)
        with LOGINS:  # one login at a time: more than the lockout's allowance in flight at once is refused
            assert self.browser.login(username, PASSWORD) == 302
        self.port = port

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {
            "Host": "127.0.0.1",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.browser.cookies.items()),
            "X-CSRFToken": self.browser.cookies.get("csrftoken", ""),
            "Referer": f"http://127.0.0.1:{self.port}/",
            **(headers or {}),
        }
        payload = None
        if body is not None:
            payload = json.dumps(body)
            sent["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=payload, headers=sent)
            response = conn.getresponse()
            raw = response.read()
            answer = {k.lower(): v for k, v in response.getheaders()}
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = raw[:200]
            return response.status, answer, data
        finally:
            conn.close()


#: one waitress process (``ktrd serve`` defaults to one per core: ``--workers auto``, ADR 0020)
ONE_PROCESS = ("--workers", "1", "--threads", "8")


def _start(env: dict[str, str], port: int, log: Path, server: tuple[str, ...] = ONE_PROCESS) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "ketamine_trd.cli", "serve", "--port", str(port), *server],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-3000:]}")
        try:
            if Browser(port, timeout=2).get("/accounts/login/")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    raise AssertionError(f"server did not start: {log.read_text()[-3000:]}")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.acked: Counter[str] = Counter()
        self.raised_kg: Counter[str] = Counter()
        self.replays = 0
        self.errors: list[str] = []

    def saw(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1


def _send(api: Api, tally: Tally, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    """One write with its idempotency key: sent again (same key) after a 503 or a lost answer."""
    key = secrets.token_hex(16)
    for _ in range(6):
        try:
            status, answer, data = api.call(method, path, body, {**headers, "Idempotency-Key": key})
        except (OSError, http.client.HTTPException):
            continue
        tally.saw(status)
        if status == 503:
            time.sleep(float(answer.get("retry-after", "1")))
            continue
        if status < 300 and random.random() < 0.15:  # the answer "was lost": the client sends it again
            again, answer2, data2 = api.call(method, path, body, {**headers, "Idempotency-Key": key})
            tally.saw(again)
            with tally.lock:
                tally.replays += 1
                if again != status or answer2.get("idempotent-replayed") != "true" or data2 != data:
                    tally.errors.append(f"replay of {path} answered {again} {answer2.get('idempotent-replayed')}")
        return status, data
    return 0, None


def _writer(port: int, number: int, ids: dict[str, list[int]], tally: Tally, stop: threading.Event,
            ready: threading.Barrier) -> None:  # fmt: skip
    try:
        _writes(port, number, ids, stop, tally, ready)
    except Exception as error:  # a broken writer is a failure of the run, reported with the others
        with tally.lock:
            tally.errors.append(f"writer {number}: {error!r}")


def _writes(port: int, number: int, ids: dict[str, list[int]], stop: threading.Event, tally: Tally,
            ready: threading.Barrier) -> None:  # fmt: skip
    api = Api(port, "nurse-1")
    desk = Api(port, "front_desk-1")
    ready.wait(timeout=300)  # the clock starts when every writer is logged in
    rng = random.Random(number)
    i = 0
    while not stop.is_set():
        i += 1
        choice = rng.random()
        if choice < 0.4:
            sid = rng.choice(ids["sessions"])
            taken = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
            body = {"taken_at": taken, "systolic_mmhg": 120, "diastolic_mmhg": 80, "timepoint": "other"}
            status, _ = _send(api, tally, "POST", f"/api/sessions/{sid}/vitals", body, {})
            if status == 200:
                with tally.lock:
                    tally.acked[f"vitals:{sid}"] += 1
        elif choice < 0.55:  # an assessment tied to a session raises alerts that reference the session
            k = rng.randrange(len(ids["sessions"]))
            sid, pid = ids["sessions"][k], ids["patients"][k]
            taken = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 120))
            answers = {f"q{n}": rng.randint(0, 3) for n in range(1, 10)}
            body = {"instrument_id": "phq9", "answers": answers, "administered_at": taken, "session_id": sid}
            status, _ = _send(api, tally, "POST", f"/api/measurement/patients/{pid}/assessments", body, {})
            if status == 201:
                with tally.lock:
                    tally.acked[f"assessments:{pid}"] += 1
        elif choice < 0.75:
            body = {"mrn": f"W{number}-{i}", "given_name": "Race", "family_name": f"Writer{number}",
                    "date_of_birth": "1980-01-02", "sex": "unknown"}  # fmt: skip
            status, _ = _send(desk, tally, "POST", "/api/patients", body, {})
            if status == 201:
                with tally.lock:
                    tally.acked["registered"] += 1
        else:
            pid = ids["patients"][0]
            status, answer, data = desk.call("GET", f"/api/patients/{pid}")
            tally.saw(status)
            if status != 200:
                continue
            body = {k: data[k] for k in ("mrn", "given_name", "family_name", "date_of_birth", "sex")}
            body["weight_kg"] = str(Decimal(str(data["weight_kg"])) + Decimal("0.1"))
            match = {"If-Match": answer["etag"]} if "etag" in answer else {}  # (a server without versions: none)
            status, _ = _send(desk, tally, "PUT", f"/api/patients/{pid}", body, match)
            if status == 200:
                with tally.lock:
                    tally.raised_kg[str(pid)] += 1


READ_PATHS = ("/patients/", "/sessions/today/", "/api/patients?limit=20", "/", "/patients/{pid}/",
              "/api/patients/{pid}", "/api/sessions/{sid}", "/sessions/{sid}/", "/rems/", "/alerts/",
              "/patients/{pid}/measurement/")  # fmt: skip


def _reader(port: int, ids: dict[str, list[int]], tally: Tally, stop: threading.Event,
            ready: threading.Barrier) -> None:  # fmt: skip
    browser = Browser(port, timeout=60)
    with LOGINS:
        assert browser.login("prescriber-1", PASSWORD) == 302
    ready.wait(timeout=300)
    rng = random.Random()
    while not stop.is_set():
        path = rng.choice(READ_PATHS).format(pid=rng.choice(ids["patients"]), sid=rng.choice(ids["sessions"]))
        try:
            status, _, _ = browser.get(path)
        except (OSError, http.client.HTTPException) as error:
            with tally.lock:
                tally.errors.append(f"{path}: {error!r}")
            continue
        tally.saw(status)
        if status >= 400 and status != 404:
            with tally.lock:
                tally.errors.append(f"{path}: {status}")


def _run(target: Any, args: Any, count: int, seconds: float) -> None:
    """``count`` threads of ``target``; ``seconds`` counted from when all of them are logged in."""
    stop, ready = threading.Event(), threading.Barrier(count + 1)
    threads = [threading.Thread(target=target, args=(*args(n), stop, ready)) for n in range(count)]
    for t in threads:
        t.start()
    ready.wait(timeout=300)
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)


#: the pre-forked server (ADR 0020): two waitress processes share the port, each with its own writer queue, so the
#: writes of one process meet the other's at the database's own lock (SQLite) or row locks (PostgreSQL)
TWO_WORKERS = ("--workers", "2", "--threads", "4")


def _race(env: dict[str, str], tmp: Path, name: str, server: tuple[str, ...] = ONE_PROCESS,
          write_s: float = WRITE_S) -> None:  # fmt: skip
    done = run_python(f"PASSWORD = {PASSWORD!r}\n" + SEED, env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    ids = json.loads(done.stdout.strip().splitlines()[-1])
    port = free_port()
    log = tmp / "server.log"
    process = _start(env, port, log, server)
    writes, reads = Tally(), Tally()
    try:
        _run(_writer, lambda n: (port, n, ids, writes), WRITERS, write_s)
        _run(_reader, lambda n: (port, ids, reads), READERS, READ_S)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    counts_code = f"SESSIONS = {ids['sessions']!r}\nPATIENTS = {ids['patients']!r}\n" + COUNTS
    counted = run_python(counts_code, env)
    assert counted.returncode == 0, counted.stderr[-3000:]
    stored = json.loads(counted.stdout.strip().splitlines()[-1])
    verified = ktrd(["audit", "verify"], env)
    server_errors = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line]
    result = {
        "server": " ".join(server), "writers": WRITERS, "seconds": write_s, "write_statuses": dict(writes.statuses),
        "acknowledged": dict(writes.acked), "weight_raises": dict(writes.raised_kg), "replays": writes.replays,
        "readers": READERS, "read_seconds": READ_S, "read_statuses": dict(reads.statuses),
        "audit_verify_exit": verified.returncode,
    }  # fmt: skip
    figures(f"write_concurrency_{name}", result)
    assert not writes.errors, (writes.errors[:5], log.read_text()[-2000:])
    assert not [s for s in writes.statuses if s >= 500], result
    assert not [s for s in reads.statuses if s >= 500], result
    assert not reads.errors, reads.errors[:5]
    assert sum(writes.acked.values()) > WRITERS, result  # the writers got through
    assert stored["registered"] == stored["registered_distinct"] == writes.acked["registered"], (stored, result)
    for sid in ids["sessions"]:
        assert stored["vitals"][str(sid)] == writes.acked[f"vitals:{sid}"], (stored, result)
    for pid in ids["patients"]:
        assert stored["assessments"][str(pid)] == writes.acked[f"assessments:{pid}"], (stored, result)
    pid = str(ids["patients"][0])
    assert Decimal(stored["weights"][pid]) == START_KG + Decimal("0.1") * writes.raised_kg[pid], (stored, result)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert not server_errors, log.read_text()[-3000:]


def test_writers_and_readers_sqlite(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the SQLite run belongs to the SQLite pass (this pass is the PostgreSQL one)")
    _race(app_env(tmp_path / "data"), tmp_path, "sqlite")


def test_writers_and_readers_sqlite_two_worker_processes(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the SQLite run belongs to the SQLite pass (this pass is the PostgreSQL one)")
    _race(app_env(tmp_path / "data"), tmp_path, "sqlite_two_workers", TWO_WORKERS, WRITE_S / 2)


def _postgres_race(tmp_path: Path, name: str, server: tuple[str, ...] = ONE_PROCESS,
                   write_s: float = WRITE_S) -> None:  # fmt: skip
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL (PostgreSQL), set by scripts/test")
    import psycopg

    parsed = urlparse(url)
    database = f"ktrd_race_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        env = app_env(tmp_path / "d", DATABASE_URL=parsed._replace(path=f"/{database}").geturl())
        _race(env, tmp_path, name, server, write_s)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.mark.postgres
def test_writers_and_readers_postgres(tmp_path: Path) -> None:
    _postgres_race(tmp_path, "postgresql")


@pytest.mark.postgres
def test_writers_and_readers_postgres_two_worker_processes(tmp_path: Path) -> None:
    _postgres_race(tmp_path, "postgresql_two_workers", TWO_WORKERS, WRITE_S / 2)
