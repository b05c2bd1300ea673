"""Crash safety: every write the server acknowledged survives a SIGKILL, and the audit chain verifies.

Drives ``ktrd serve`` (waitress, SQLite in WAL mode) over HTTP: logs in, registers patients
(each acknowledged by a redirect), kills the server with SIGKILL while writes are in flight,
restarts it, and checks every acknowledged patient and its audit entry. Control: HIPAA
45 CFR 164.312(c)(1) integrity.
"""

from __future__ import annotations

import http.client
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ._http import Browser
from ._proc import app_env, figures, free_port, ktrd, seed

PASSWORD = "crash-test-password-2026"  # nosec B105 - test fixture
pytestmark = pytest.mark.slow


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "ketamine_trd.cli", "serve", "--port", str(port), "--threads", "4"],
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


def _register(browser: Browser, mrn: str) -> bool:
    form = {
        "mrn": mrn,
        "given_name": "Crash",
        "family_name": f"Test{mrn}",
        "date_of_birth": "1980-04-05",
        "sex": "unknown",
        "weight": "70",
        "weight_unit": "kg",
        "height": "",
        "height_unit": "cm",
        "phone": "",
        "email": "",
    }
    status, headers, _ = browser.post_form("/patients/new/", form)
    return status == 302 and "/patients/" in headers.get("location", "")


def test_acknowledged_writes_survive_sigkill(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    env = app_env(data)
    seed(env, PASSWORD, patients=0)
    port = free_port()
    server = _start(env, port, tmp_path / "server.log")
    acknowledged: list[str] = []
    stop = threading.Event()
    try:
        browser = Browser(port)
        assert browser.login("front_desk-1", PASSWORD) == 302
        for i in range(10):  # serial writes, each acknowledged before the next
            if _register(browser, f"CR{i:04d}"):
                acknowledged.append(f"CR{i:04d}")
        assert len(acknowledged) == 10

        def writer(prefix: str) -> None:  # writes in flight when the server dies
            b = Browser(port, timeout=5)
            if b.login("front_desk-1", PASSWORD) != 302:
                return
            i = 0
            while not stop.is_set():
                try:
                    if _register(b, f"{prefix}{i:04d}"):
                        acknowledged.append(f"{prefix}{i:04d}")
                except (OSError, http.client.HTTPException):  # the server died mid-request: not acknowledged
                    return
                i += 1

        threads = [threading.Thread(target=writer, args=(p,)) for p in ("TA", "TB")]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=10)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == -signal.SIGKILL
    assert len(acknowledged) > 10, "no writes were in flight when the server was killed"

    server = _start(env, port, tmp_path / "server.log")  # restart on the same data
    try:
        browser = Browser(port)
        assert browser.login("front_desk-1", PASSWORD) == 302
        status, _, page = browser.get("/patients/?q=TestCR0009")
        assert status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    with sqlite3.connect(data / "ktrd.sqlite3") as db:
        stored = {row[0] for row in db.execute("SELECT mrn FROM records_patient")}
        audited = {
            row[0]
            for row in db.execute(
                "SELECT p.mrn FROM records_patient p JOIN audit_auditevent a "
                "ON a.object_type = 'records.patient' AND a.object_id = CAST(p.id AS TEXT) AND a.action = 'create'"
            )
        }
    missing = sorted(set(acknowledged) - stored)
    assert not missing, f"acknowledged writes lost: {missing}"
    assert stored <= audited | set(), "a stored patient has no audit entry"
    server_log = (tmp_path / "server.log").read_bytes().decode("utf-8", "replace")
    assert PASSWORD not in server_log and "TestCR0001" not in server_log and "1980-04-05" not in server_log
    done = ktrd(["audit", "verify", "--json"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    figures(
        "crash_safety",
        {"acknowledged_writes": len(acknowledged), "stored_after_restart": len(stored), "lost": len(missing)},
    )
