"""Several waitress processes on one listening socket: a server that uses every core (POSIX; ADR 0020).

waitress serves from one process, and CPython runs one thread of Python at a time in a process, so a page that
costs 20 ms of CPU is served at most 50 times a second however many connections ask: measured under wrk, the
clinic's throughput at 16 connections equalled its throughput at 1 (issue 17). Here the parent binds the socket,
loads and warms the application once (URL table and templates, so that no worker compiles them on its first
requests), then forks ``workers`` children that each run waitress on that same socket with their own threads;
the kernel hands each new connection to one of them. Everything waitress does (the trusted proxy of ADR 0009,
the thread pool, the limits) is unchanged, because each worker is the same waitress server.

The parent only supervises: SIGTERM or SIGINT stops every worker and then the parent (on Linux a worker also
ends when the parent is killed outright); a worker that dies otherwise is replaced, unless workers keep dying
(more than ``MAX_RESTARTS`` in ``RESTART_WINDOW_S``): then the server stops with an error instead of looping.
Nothing here imports Django: the benchmark's bare-Django ceiling is served the same way (``bench/_ceiling.py``).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0


def can_fork() -> bool:
    """Whether this platform can pre-fork workers (POSIX ``fork``; not Windows)."""
    return hasattr(os, "fork")


def balanced() -> bool:
    """Whether the kernel spreads connections over several sockets bound to one port (Linux ``SO_REUSEPORT``)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_sockets(host: str, port: int, count: int, backlog: int = 1024) -> list[socket.socket]:
    """``count`` bound, listening TCP sockets on ``host:port`` (IPv6 when ``host`` is an IPv6 address).

    On Linux each worker gets its own socket with ``SO_REUSEPORT``, and the kernel spreads new connections over
    them evenly; with one shared socket, the worker that wakes first accepts every waiting connection (four
    connections could all land on one worker while the other idles). Elsewhere: one socket, shared.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = (host.strip("[]"), port)
    if balanced():  # another server on this port (SO_REUSEPORT would let a second one join it silently)
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a listener refuses it, TIME_WAIT not
            probe.bind(address)  # OSError (address in use) when anything listens there
    sockets = []
    for _ in range(count if balanced() else 1):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if balanced():
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(backlog)
        sockets.append(sock)
    return sockets


def _die_with(parent: int) -> None:
    """In a worker: end when the parent ends, even by SIGKILL (Linux ``PR_SET_PDEATHSIG``), so that no orphan
    keeps the port with nobody supervising it (and a restarted server is not refused for a port in use)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM))
    if os.getppid() != parent:  # the parent ended before the request above took effect
        os._exit(0)


def serve(
    application: Any,
    sockets: list[socket.socket],
    *,
    workers: int,
    threads: int,
    before_fork: Callable[[], None] = lambda: None,
    **options: Any,
) -> int:  # pragma: no cover - forks; exercised by tests/security/test_prefork.py against a real server
    """Serve ``application`` with waitress in ``workers`` forked processes until SIGTERM or SIGINT.

    Worker ``n`` listens on ``sockets[n % len(sockets)]`` (:func:`listening_sockets`); the parent keeps every
    socket open, so a replaced worker takes over its predecessor's socket and no connection is refused.

    ``before_fork`` runs in the parent before each fork (close database connections there: a connection must
    never be shared between processes). Returns the exit status: 0 when stopped, 1 when workers kept dying.
    """
    from waitress import serve as waitress_serve

    children: dict[int, int] = {}  # pid -> worker number
    restarts: list[float] = []
    stopping = False

    parent = os.getpid()

    def spawn(number: int) -> None:
        before_fork()
        pid = os.fork()
        if pid == 0:  # the worker
            _die_with(parent)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            status = 0
            try:
                waitress_serve(application, sockets=[sockets[number % len(sockets)]], threads=threads, **options)
            except KeyboardInterrupt:
                pass
            except BaseException:  # noqa: BLE001 - the worker reports and exits; the parent decides
                import traceback

                traceback.print_exc()
                status = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(status)
        children[pid] = number

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                children.pop(pid, None)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(workers):
        spawn(number)
    status = 0
    while children:
        try:
            pid, _code = os.wait()
        except ChildProcessError:
            break
        if pid not in children:  # not a worker (a child process of this parent's own)
            continue
        number = children.pop(pid)
        if stopping:
            continue
        now = time.monotonic()
        restarts = [t for t in restarts if now - t < RESTART_WINDOW_S] + [now]
        if len(restarts) > MAX_RESTARTS:
            log.error("workers keep exiting (%d in %.0f s): stopping the server", len(restarts), RESTART_WINDOW_S)
            status = 1
            stop(signal.SIGTERM, None)
            continue
        log.warning("worker %d exited: starting another", pid)
        spawn(number)
    for sock in sockets:
        sock.close()
    return status
