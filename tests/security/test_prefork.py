"""``ktrd serve --workers N``: pre-forked waitress processes on one port (ADR 0020), against a real server.

Two workers answer; a worker killed with SIGKILL is replaced and the port keeps answering; SIGTERM stops the
parent and every worker, and a parent killed outright takes its workers with it (no orphan left serving); a bad
``--workers`` and a port in use are refused naming the option.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ._http import Browser
from ._proc import app_env, free_port, ktrd, seed
from ._server import running_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
    # the supervision is the same on both databases; the PostgreSQL pass runs the two-worker race instead
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="belongs to the SQLite pass"),
]
PASSWORD = "prefork-test-password-2026"  # nosec B105 - test fixture


def _workers(parent: int) -> set[int]:
    """The parent's child processes (Linux ``/proc``)."""
    found: set[int] = set()
    for task in Path(f"/proc/{parent}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(pid) for pid in text)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is not serving


def _wait_for(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_two_workers_serve_a_killed_worker_is_replaced_and_sigterm_stops_all(tmp_path: Path) -> None:
    env = app_env(tmp_path / "data")
    seed(env, PASSWORD)
    port, log = free_port(), tmp_path / "server.log"
    with running_server(env, port, log, "--workers", "2", "--threads", "2") as server:
        assert _wait_for(lambda: len(_workers(server.pid)) == 2), log.read_text()[-2000:]
        first = _workers(server.pid)
        browser = Browser(port, timeout=30)
        assert browser.login("nurse-1", PASSWORD) == 302
        statuses = {browser.get("/patients/")[0] for _ in range(20)}
        assert statuses == {200}

        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        assert _wait_for(lambda: len(_workers(server.pid)) == 2 and victim not in _workers(server.pid))
        replaced = _workers(server.pid)
        assert replaced - first, "a new worker was started"
        again = Browser(port, timeout=30)
        assert again.login("nurse-1", PASSWORD) == 302
        assert {again.get("/patients/")[0] for _ in range(20)} == {200}

        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        assert server.returncode == 0, log.read_text()[-2000:]
        assert _wait_for(lambda: not any(_alive(pid) for pid in replaced), 20), "a worker outlived the server"
    text = log.read_text(errors="replace")
    assert "starting another" in text
    assert "Traceback" not in text, text[-3000:]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one usable core: auto is one process")
def test_plain_serve_forks_one_worker_per_usable_core(tmp_path: Path) -> None:
    """The default (``--workers auto``): as many workers as cores this process may use (at most 8), told at start."""
    from ketamine_trd.clinic.runner import AUTO_WORKERS_MAX

    expected = min(len(os.sched_getaffinity(0)), AUTO_WORKERS_MAX)
    env = app_env(tmp_path / "data")
    port, log = free_port(), tmp_path / "server.log"
    with running_server(env, port, log, "--threads", "2") as server:
        assert _wait_for(lambda: len(_workers(server.pid)) == expected), log.read_text()[-2000:]
        assert Browser(port, timeout=10).get("/accounts/login/")[0] == 200
    assert f"({expected} worker processes x 2 threads)" in log.read_text(errors="replace")


def test_workers_1_is_one_process(tmp_path: Path) -> None:
    env = app_env(tmp_path / "data")
    port, log = free_port(), tmp_path / "server.log"
    with running_server(env, port, log, "--workers", "1", "--threads", "2") as server:
        assert Browser(port, timeout=10).get("/accounts/login/")[0] == 200
        assert _workers(server.pid) == set()
    assert "(2 threads)" in log.read_text(errors="replace")


def _signal_the_parent_alone(tmp_path: Path, signum: signal.Signals) -> tuple[dict[str, str], int]:
    """Serve with two workers, send ``signum`` to the parent only (not its process group) and wait for it to end;
    the workers must end too. Returns the environment and the port, for what the caller checks next."""
    env = app_env(tmp_path / "data")
    port, log = free_port(), tmp_path / "server.log"
    with running_server(env, port, log, "--workers", "2", "--threads", "2") as server:
        assert _wait_for(lambda: len(_workers(server.pid)) == 2), log.read_text()[-2000:]
        workers = _workers(server.pid)
        os.kill(server.pid, signum)
        server.wait(timeout=30)
        assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 20), "a worker outlived the server"
    return env, port


def test_the_parent_alone_is_signalled_and_still_stops_every_worker(tmp_path: Path) -> None:
    """SIGTERM to the parent only (as a service manager may send it), not to the process group."""
    _env, port = _signal_the_parent_alone(tmp_path, signal.SIGTERM)
    with pytest.raises(OSError):
        Browser(port, timeout=2).get("/accounts/login/")


def test_a_killed_parent_takes_its_workers_with_it(tmp_path: Path) -> None:
    """SIGKILL to the parent (no chance to stop anything): the workers end too, and the port is free again."""
    env, port = _signal_the_parent_alone(tmp_path, signal.SIGKILL)
    with running_server(env, port, tmp_path / "again.log", "--workers", "2", "--threads", "2"):
        assert Browser(port, timeout=10).get("/accounts/login/")[0] == 200


@pytest.mark.parametrize("value", ["0", "65", "two", "-1", "auto2"])
def test_a_bad_worker_count_is_refused_naming_the_option(tmp_path: Path, value: str) -> None:
    done = ktrd(["serve", "--port", str(free_port()), "--workers", value], app_env(tmp_path / "data"), timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--workers" in done.stdout + done.stderr


@pytest.mark.parametrize("second", [("--workers", "2"), ("--threads", "2")], ids=["workers", "one-process"])
def test_no_second_server_starts_on_a_port_in_use(tmp_path: Path, second: tuple[str, str]) -> None:
    """The workers' port is not silently shared with a server started later: refused naming --port (exit 2)."""
    env = app_env(tmp_path / "data")
    port, log = free_port(), tmp_path / "server.log"
    with running_server(env, port, log, "--workers", "2", "--threads", "2"):
        other = subprocess.run(
            [sys.executable, "-m", "ketamine_trd.cli", "serve", "--port", str(port), *second],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert other.returncode == 2, other.stdout + other.stderr
        assert "--port" in other.stdout + other.stderr
        assert "Traceback" not in other.stdout + other.stderr
        assert Browser(port, timeout=10).get("/accounts/login/")[0] == 200
