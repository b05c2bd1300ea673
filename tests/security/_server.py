"""Starting ``ktrd serve`` in a child process for the tests that need a real server (and stopping it)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ._http import Browser


@contextlib.contextmanager
def running_server(env: dict[str, str], port: int, log: Path, *extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """``ktrd serve --port PORT *extra`` until the block ends (then SIGTERM, SIGKILL after 20 s)."""
    handle = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "ketamine_trd.cli", "serve", "--port", str(port), *extra],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {log.read_text()[-3000:]}")
            try:
                if Browser(port, timeout=2).get("/accounts/login/")[0] in (200, 400):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        handle.close()
