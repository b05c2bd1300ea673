"""Transactions of the clinic application: one lock order, readers that take no write lock, bounded retries.

The lock order (the one rule that keeps concurrent writers from deadlocking)
---------------------------------------------------------------------------
Every transaction that writes takes **the audit chain head first**, before any row lock, and then the rows it
needs (patient, course, session, alert, REMS record: in whatever order its service needs them). Every write
appends an audit event, and every audit event needs the chain head, so the head is the one lock that all
writers share: whoever holds it holds no row that another head-waiter could need, and a writer that waits for
the head holds nothing yet. No cycle of waits can form, so no deadlock can happen between two writes:

- PostgreSQL: :func:`writing` opens the transaction with ``SELECT ... FROM audit_auditchainhead WHERE id = 1
  FOR UPDATE``; only then do the services ``SELECT ... FOR UPDATE`` their rows or insert rows that reference
  them (an insert takes a ``FOR KEY SHARE`` lock on the row it references).
- SQLite: a write transaction starts with ``BEGIN IMMEDIATE``: the database's write lock, taken first, plays
  the chain head's part (SQLite has no row locks). Before it, the server's threads queue on one in-process lock,
  so that a waiting writer is woken when the lock is free instead of polling (and starving) in SQLite's busy
  handler.

Before this order, ``_chart`` locked a session and then the head while an assessment write held the head and
then inserted an alert that referenced the same session: "deadlock detected" on PostgreSQL under 8 writers.

Readers
-------
A page or API read runs in :func:`reading`: a deferred transaction on SQLite (``BEGIN DEFERRED``; in WAL mode a
reader never waits for a writer and never holds the write lock), a plain one on PostgreSQL. Its audit entry is
then written by :func:`ketamine_trd.clinic.audit.service.record` as a short write transaction of its own, after
the rows were read and before anything is shown: a read that cannot be audited is not answered.

Retries and busy databases
--------------------------
:func:`run_write` runs a whole write transaction again when the database reports contention (SQLite "database
is locked" after its busy timeout; PostgreSQL serialization failure, deadlock or lock timeout), at most
``ATTEMPTS`` times with a short randomised pause; a transaction nested inside another is never retried on its own
(its outermost owner retries all of it). When every attempt found the database busy the caller gets
:class:`ketamine_trd.errors.Busy` (HTTP 503 with ``Retry-After``), never a 500.
"""

from __future__ import annotations

import random
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from django.db import DatabaseError, OperationalError, transaction

from ketamine_trd.errors import Busy

__all__ = [
    "ATTEMPTS",
    "LockOrderWarning",
    "head_taken_first",
    "in_app_transaction",
    "is_contention",
    "head_as_locked",
    "lock_head",
    "reading",
    "run_small_write",
    "run_write",
    "small_write",
    "writing",
]

T = TypeVar("T")

#: attempts of one whole write transaction before the caller is told the database is busy
ATTEMPTS = 4
#: the pause before attempt n is random in [0, BACKOFF_S * 2**(n-1)) seconds
BACKOFF_S = 0.05
#: what a 503 tells the client to wait before trying again, in seconds
RETRY_AFTER_S = 1

#: SQLite: the server's write transactions queue on one in-process lock before ``BEGIN IMMEDIATE`` (a waiting
#: thread wakes as soon as the lock is free; SQLite's own busy handler polls with sleeps and can starve a writer
#: for longer than its timeout under 8 concurrent writers). Other processes (the CLI) still meet busy_timeout.
_SQLITE_WRITER = threading.RLock()
#: how long a write waits for that lock before the caller is told the database is busy, in seconds
WRITER_WAIT_S = 30.0

_PG_RETRYABLE = frozenset({"40001", "40P01", "55P03"})  # serialization failure, deadlock detected, lock not available
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_HEAD_FLAG = "_ktrd_head_first"
_HEAD_ROW = "_ktrd_head_row"  # the head row writing() locked (read once: head_as_locked)


class LockOrderWarning(RuntimeWarning):
    """An audit event was written in a transaction that did not take the chain head first (see the lock order)."""


def _connection() -> Any:
    return transaction.get_connection()


def in_app_transaction(connection: Any = None) -> bool:
    """Whether an application transaction is open (a test case's own wrapping transaction does not count)."""
    conn = connection or _connection()
    if not conn.in_atomic_block:
        return False
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def head_taken_first(connection: Any = None) -> bool:
    """Whether the open transaction was opened by :func:`writing` (so it took the chain head first)."""
    return bool(getattr(connection or _connection(), _HEAD_FLAG, False))


def lock_head() -> Any:
    """Lock the audit chain head (pk=1; created from the newest event when absent) and return it.

    PostgreSQL: ``SELECT ... FOR UPDATE``, held until the transaction ends. SQLite: a plain read; the
    transaction's ``BEGIN IMMEDIATE`` already holds the database's write lock.
    """
    from ketamine_trd.clinic.audit import chain, rows
    from ketamine_trd.clinic.audit.models import AuditChainHead, AuditEvent

    head = rows.read_head(for_update=True)  # a statement compiled once (audit/rows.py)
    if head is None:
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        AuditChainHead.objects.get_or_create(
            pk=1, defaults={"seq": last.seq if last else 0, "hash": last.hash if last else chain.GENESIS_HASH}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@contextmanager
def _sqlite_mode(conn: Any, mode: str) -> Iterator[None]:
    """Open the next SQLite transaction with ``BEGIN <mode>`` (Django reads the mode at each BEGIN)."""
    if conn.vendor != "sqlite":
        yield
        return
    conn.ensure_connection()
    saved = conn.transaction_mode
    conn.transaction_mode = mode
    try:
        yield
    finally:
        conn.transaction_mode = saved


@contextmanager
def _one_writer(conn: Any) -> Iterator[None]:
    """SQLite: hold the process's write lock for the transaction (``Busy`` after ``WRITER_WAIT_S``)."""
    if conn.vendor != "sqlite":
        yield
        return
    if not _SQLITE_WRITER.acquire(timeout=WRITER_WAIT_S):
        raise Busy(f"the clinic database was busy with other writes for {WRITER_WAIT_S:.0f} s", RETRY_AFTER_S)
    try:
        yield
    finally:
        _SQLITE_WRITER.release()


@contextmanager
def writing() -> Iterator[None]:
    """A write transaction that takes the chain head first (see the lock order above).

    Nested inside an application transaction it is a savepoint of that transaction; it still locks the head
    (at once, when the outer transaction has not), so that the audit events written inside keep one chain.
    """
    conn = _connection()
    if in_app_transaction(conn):
        with transaction.atomic():
            if not head_taken_first(conn):
                lock_head()
            yield
        return
    with _one_writer(conn), _sqlite_mode(conn, "IMMEDIATE"), transaction.atomic():
        setattr(conn, _HEAD_ROW, lock_head())
        setattr(conn, _HEAD_FLAG, True)
        try:
            yield
        finally:
            setattr(conn, _HEAD_FLAG, False)
            setattr(conn, _HEAD_ROW, None)


def head_as_locked() -> Any:
    """The chain head as :func:`writing` locked it when this transaction opened (no second read), else
    :func:`lock_head`. Only for code that runs first in its ``writing()`` block, before anything moves the head
    (the audit group commit): later readers call :func:`lock_head` for the current row.
    """
    conn = _connection()
    row = getattr(conn, _HEAD_ROW, None)
    setattr(conn, _HEAD_ROW, None)  # once: after this the caller moves the head
    return row if row is not None and head_taken_first(conn) else lock_head()


@contextmanager
def small_write() -> Iterator[None]:
    """A short write that writes no audit event (login throttle, TOTP step, the session row): no chain head.

    On SQLite it still queues on the process's writer lock and opens with ``BEGIN IMMEDIATE``, like
    :func:`writing`, so that it never meets "database is locked" from this process's own writers (a plain
    ``atomic()`` would poll in SQLite's busy handler beside the queue, and lose). Nested inside an application
    transaction it is a savepoint of that transaction.
    """
    conn = _connection()
    if in_app_transaction(conn):
        with transaction.atomic():
            yield
        return
    with _one_writer(conn), _sqlite_mode(conn, "IMMEDIATE"), transaction.atomic():
        yield


@contextmanager
def reading() -> Iterator[None]:
    """A read transaction that takes no write lock (SQLite ``BEGIN DEFERRED``; inside a transaction: that one).

    Do not write inside it (nor call ``record``): write the audit entry after it, as a write of its own.
    """
    conn = _connection()
    if in_app_transaction(conn):
        yield
        return
    with _sqlite_mode(conn, "DEFERRED"), transaction.atomic():
        yield


def is_contention(error: BaseException) -> bool:
    """Whether a database error means "busy, try again" (lock timeout, deadlock, serialization failure)."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state in _PG_RETRYABLE:
        return True
    return isinstance(error, OperationalError) and any(text in str(error).lower() for text in _SQLITE_BUSY)


def run_write(body: Callable[[], T], *, attempts: int = ATTEMPTS, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``body`` inside :func:`writing`; the whole transaction again on contention (bounded), else ``Busy``.

    Inside an application transaction ``body`` runs once, in a savepoint: its outermost owner retries.
    """
    return _retried(writing, body, attempts, sleep)


def run_small_write(
    body: Callable[[], T], *, attempts: int = ATTEMPTS, sleep: Callable[[float], None] = time.sleep
) -> T:
    """Run ``body`` inside :func:`small_write` (no audit event, no chain head); retried as :func:`run_write`."""
    return _retried(small_write, body, attempts, sleep)


def _retried(
    opened: Callable[[], AbstractContextManager[None]],
    body: Callable[[], T],
    attempts: int,
    sleep: Callable[[float], None],
) -> T:
    if in_app_transaction():
        with opened():
            return body()
    for attempt in range(1, attempts + 1):
        try:
            with opened():
                return body()
        except DatabaseError as error:
            if not is_contention(error):
                raise
            if attempt == attempts:
                raise Busy(f"the database stayed busy through {attempts} attempts", RETRY_AFTER_S) from error
            sleep(random.uniform(0, BACKOFF_S * 2 ** (attempt - 1)))  # nosec B311 - jitter, not security
    raise AssertionError("unreachable")  # pragma: no cover


def warn_if_out_of_order() -> None:
    """Called by ``record``: warn when the open transaction did not take the chain head first."""
    conn = _connection()
    if in_app_transaction(conn) and not head_taken_first(conn):
        warnings.warn(
            "audit lock order: an audit event written in a transaction not opened by writing(); "
            "rows may have been locked before the chain head",
            LockOrderWarning,
            stacklevel=3,
        )
