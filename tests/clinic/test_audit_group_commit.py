"""Reads recorded at the same moment by several threads share one commit (audit/service.py GroupCommit).

Each thread returns only after the commit that holds its event; a failed commit fails every read in it; the
chain stays one chain, in order, with no gap.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from ketamine_trd.clinic.audit import service
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.errors import Busy

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _in_threads(fn: Any) -> list[BaseException | None]:
    errors: list[BaseException | None] = [None] * THREADS

    def run(n: int) -> None:
        try:
            fn(n)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def _visible(seq: int, object_id: str) -> bool:
    """Whether another connection sees the event. The in-memory test database is SQLite's shared cache, whose
    table locks refuse a read at once ("database table is locked") while another connection writes the next batch;
    a database file in WAL mode (the clinic's) never blocks a reader, so the read is simply tried again."""
    from django.db import OperationalError

    for _ in range(400):
        try:
            return AuditEvent.objects.filter(seq=seq, object_id=object_id).exists()
        except OperationalError as error:
            if "table is locked" not in str(error):
                raise
            time.sleep(0.01)
    return False


def _hold_first_commit(monkeypatch: pytest.MonkeyPatch, group: service.GroupCommit) -> None:
    """The first leader waits until every other thread has queued its event (a deterministic batch)."""
    real, calls = service._write, []

    def held(batch: Any) -> Any:
        calls.append(len(batch))
        if len(calls) == 1:
            deadline = time.monotonic() + 20
            while len(group._pending) < THREADS - 1 and time.monotonic() < deadline:
                time.sleep(0.005)
        return real(batch)

    monkeypatch.setattr(service, "_write", held)


def test_concurrent_reads_share_a_commit_and_keep_one_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    group = service.GroupCommit()
    monkeypatch.setattr(service, "_GROUP", group)
    _hold_first_commit(monkeypatch, group)
    seen: dict[int, int] = {}

    def read(n: int) -> None:
        event = service.record(None, "read", object_type="records.patient", object_id=f"t{n}", detail="group")
        assert _visible(event.seq, f"t{n}")  # committed when it returns
        seen[n] = event.seq

    assert _in_threads(read) == [None] * THREADS
    assert group.commits == 2  # the first leader alone, then the seven that queued meanwhile, in one commit
    assert sorted(seen.values()) == list(range(1, THREADS + 1))
    report = service.verify_chain()
    assert report.ok and report.entries == THREADS


def test_a_failed_commit_fails_every_read_in_it_and_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    group = service.GroupCommit()
    monkeypatch.setattr(service, "_GROUP", group)

    def busy(body: Any, **kwargs: Any) -> Any:
        raise Busy("the database stayed busy", 1)

    monkeypatch.setattr(service, "run_write", busy)
    errors = _in_threads(lambda n: service.record(None, "read", object_type="x", object_id=str(n)))
    assert all(isinstance(e, Busy) for e in errors), errors
    assert not AuditEvent.objects.exists() and group.commits == 0
    assert not group._pending and not group._leading  # the next read starts afresh
