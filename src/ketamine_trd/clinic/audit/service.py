"""Writing and checking the audit trail.

Other apps call :func:`record` from their services, inside the write transaction of the
change it records, opened by :func:`ketamine_trd.clinic.transactions.writing`::

    from ketamine_trd.clinic.audit.service import record
    from ketamine_trd.clinic.transactions import writing

    with writing():                      # takes the chain head first
        patient = patient_for(user, patient_id, lock=True)   # then the rows
        patient.save(update_fields=["phone"])
        record(request, "update", obj=patient, patient_id=patient.pk, changed_fields=["phone"])

**Lock order** (the rule that keeps writers from deadlocking; ``transactions`` explains it):
*the audit chain head first, then the rows* (patient, course, session, alert, REMS record).
:func:`record` warns (``LockOrderWarning``) when it runs in a transaction that was not opened
by ``writing()``, because that transaction may have locked rows before the head.

A read is audited *after* its rows were read in a ``reading()`` transaction, by a call of
:func:`record` outside any transaction: that call is then a short write transaction of its
own, so that readers never hold the write lock while they query and render::

    with reading():
        patient = patient_for(user, patient_id)
    record(request, "read", obj=patient)   # before the patient is shown

Pass field *names* in ``changed_fields``, never values, and keep ``detail`` free of
patient data (no names, MRNs, dates of birth, free text).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.utils import timezone

from ketamine_trd.clinic.audit import chain, rows
from ketamine_trd.clinic.audit.models import ACTIONS, OUTCOMES, AuditChainHead, AuditEvent
from ketamine_trd.clinic.transactions import (
    head_as_locked,
    in_app_transaction,
    lock_head,
    run_write,
    warn_if_out_of_order,
)
from ketamine_trd.errors import InputError, IntegrityFailure

__all__ = ["client_ip", "iter_events", "record", "verify_chain"]

_MAX_DETAIL = 500


def client_ip(request: Any) -> str:
    """The client address for the audit trail.

    ``REMOTE_ADDR``: behind ``ktrd serve --trusted-proxy`` waitress has already replaced it with the address
    that the trusted proxy forwarded (and only for requests from that proxy). Under another WSGI server with
    ``KTRD_BEHIND_TLS_PROXY`` (``KTRD_TRUST_X_FORWARDED_FOR``), the **last** ``X-Forwarded-For`` hop: the one
    the proxy in front added, not the first, which any client can write.
    """
    from django.conf import settings

    meta = getattr(request, "META", {}) or {}
    if getattr(settings, "KTRD_TRUST_X_FORWARDED_FOR", False):
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")[-1].strip()
        if forwarded:
            return forwarded[:45]
    return str(meta.get("REMOTE_ADDR", ""))[:45]


def _actor(actor: Any) -> tuple[Any, str]:
    """(user or None, ip) from a request, a user or None."""
    if actor is None:
        return None, ""
    if hasattr(actor, "META"):  # an HttpRequest
        user = getattr(actor, "user", None)
        return user, client_ip(actor)
    return actor, ""


def _user_fields(user: Any) -> tuple[int | None, str, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", ""
    return int(user.pk), str(user.get_username())[:150], str(getattr(user, "role", "") or "")[:32]


def _object_fields(obj: Any, object_type: str, object_id: str, patient_id: Any) -> tuple[str, str, str]:
    if obj is not None:
        meta = getattr(obj, "_meta", None)
        object_type = object_type or (meta.label_lower if meta is not None else type(obj).__name__.lower())
        object_id = object_id or str(getattr(obj, "pk", "") or "")
        if patient_id is None:
            if meta is not None and meta.label_lower == "records.patient":
                patient_id = obj.pk
            else:
                patient_id = getattr(obj, "patient_id", None)
    return object_type[:100], str(object_id)[:64], "" if patient_id is None else str(patient_id)[:64]


def record(
    actor: Any,
    action: str,
    *,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    patient_id: Any = None,
    changed_fields: Iterable[str] = (),
    outcome: str = "success",
    ip: str = "",
    detail: str = "",
    now: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audit event and return it.

    ``actor`` is a request (user and client address are taken from it), a user, or None
    (the system). ``action`` is one of ``ACTIONS``; ``outcome`` one of ``OUTCOMES``.
    ``obj`` (a model instance) fills ``object_type``/``object_id`` and, for a patient or a
    row with ``patient_id``, the patient. ``now`` defaults to the current UTC time.

    Outside a transaction the event is written in a short write transaction of its own (retried
    when the database is busy), shared with the events that other threads record at the same moment
    (:class:`GroupCommit`), and is durable when this returns; inside one, in that transaction (which
    should have been opened by ``writing()``: see the lock order).
    """
    if action not in ACTIONS:
        raise InputError("action", action, ", ".join(ACTIONS))
    if outcome not in OUTCOMES:
        raise InputError("outcome", outcome, ", ".join(OUTCOMES))
    fields = sorted({str(f) for f in changed_fields})
    user, request_ip = _actor(actor)
    actor_id, username, role = _user_fields(user)
    otype, oid, pid = _object_fields(obj, object_type, object_id, patient_id)
    at = (now or timezone.now()).astimezone(dt.UTC)
    warn_if_out_of_order()

    def build(head: _Head) -> AuditEvent:
        event = AuditEvent(
            seq=head.seq + 1,
            at=at,
            actor_id=actor_id,
            actor_username=username,
            actor_role=role,
            action=action,
            object_type=otype,
            object_id=oid,
            patient_id=pid,
            changed_fields=fields,
            ip=(ip or request_ip)[:45],
            outcome=outcome,
            detail=" ".join(str(detail).split())[:_MAX_DETAIL],
            prev_hash=head.hash,
        )
        event.hash = chain.entry_hash(event.hashed_fields(), event.prev_hash)
        head.seq, head.hash = event.seq, event.hash
        return event

    if in_app_transaction():  # part of the caller's write: in its transaction, which took the head first
        head = lock_head()
        event = build(_Head(head.seq, head.hash))
        rows.insert_event(event)
        rows.move_head(event.seq, event.hash)
        return event
    return _GROUP.append(build)


class _Head:
    """The chain head as the events of one commit advance it (sequence number and hash)."""

    __slots__ = ("hash", "seq")

    def __init__(self, seq: int, hash_: str) -> None:
        self.seq, self.hash = seq, hash_


class _Ticket:
    __slots__ = ("build", "error", "event", "finished", "lead", "wake")

    def __init__(self, build: Callable[[_Head], AuditEvent]) -> None:
        self.build = build
        self.event: AuditEvent | None = None
        self.error: BaseException | None = None
        self.finished = False
        self.lead = False
        self.wake = threading.Event()


class GroupCommit:
    """Audit events written outside a transaction (a read's record), committed together (group commit).

    Each such event needs its own durable commit before its read is answered; one commit costs an fsync
    (SQLite ``synchronous=FULL``, PostgreSQL ``fsync``), and every commit must take the chain head, so
    under concurrent readers the commits queued one behind the other. Here the threads of one process that
    record at the same moment hand their events to one of them (the leader), which appends them all in one
    write transaction (chain head first, then the events in order) and commits once; every thread returns
    only after that commit, or with its error: nothing is answered unaudited. The leader writes at most
    ``MAX_BATCH`` events, then hands leadership to the next waiting thread, so that no request waits behind
    a stream of others.
    """

    MAX_BATCH = 64

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Ticket] = []
        self._leading = False
        self.commits = 0  # commits written (for tests and benchmarks)

    def append(self, build: Callable[[_Head], AuditEvent]) -> AuditEvent:
        ticket = _Ticket(build)
        with self._lock:
            self._pending.append(ticket)
            if not self._leading:
                self._leading = ticket.lead = True
        while True:
            if ticket.lead:
                self._commit_batch()
            ticket.wake.wait()
            if ticket.finished:
                break
            ticket.wake.clear()  # woken to lead the next batch (its own event is in it)
        if ticket.error is not None:
            raise ticket.error
        assert ticket.event is not None  # noqa: S101 - set with finished
        return ticket.event

    def _commit_batch(self) -> None:
        with self._lock:
            batch, self._pending = self._pending[: self.MAX_BATCH], self._pending[self.MAX_BATCH :]
        try:
            events = run_write(lambda: _write(batch))
            for ticket, event in zip(batch, events, strict=True):
                ticket.event = event
            self.commits += 1
        except BaseException as error:  # every waiter gets the error: its read is not answered
            for ticket in batch:
                ticket.error = error
        finally:  # whatever happened, the batch is finished and leadership passes on (never left stuck)
            with self._lock:
                for ticket in batch:
                    ticket.finished = True
                    ticket.lead = False
                    ticket.wake.set()
                if self._pending:
                    following = self._pending[0]
                    following.lead = True
                    following.wake.set()
                else:
                    self._leading = False


def _write(batch: Sequence[_Ticket]) -> list[AuditEvent]:
    """Inside ``writing()``: the events of ``batch`` appended to the chain in order (the head moves by one each
    time: PostgreSQL's trigger ``audit_head_forward_only`` refuses any other step)."""
    row = head_as_locked()  # writing() has just locked it: not read twice
    head = _Head(row.seq, row.hash)
    events = []
    for ticket in batch:
        event = ticket.build(head)
        rows.insert_event(event)
        rows.move_head(event.seq, event.hash)
        events.append(event)
    return events


_GROUP = GroupCommit()


def iter_events(batch: int = 2000, *, using: str = "default", **filters: Any) -> Iterator[AuditEvent]:
    """All events (optionally filtered) in sequence order, read in batches from database ``using``."""
    last = 0
    while True:
        rows = list(AuditEvent.objects.using(using).filter(seq__gt=last, **filters).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(
    *, raise_on_break: bool = False, expect_head: str | None = None, using: str = "default"
) -> chain.ChainReport:
    """Check every entry and the chain head of database ``using``; ``IntegrityFailure`` on a break when asked.

    ``expect_head`` is a head hash kept elsewhere (printed by an earlier ``ktrd audit
    verify``): the chain must still contain it, which detects a rewrite of the whole chain.
    """
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    stored = (chain.StoredEntry(e.hashed_fields(), e.prev_hash, e.hash) for e in iter_events(using=using))
    report = chain.check_chain(stored, head_seq=head.seq if head else None, head_hash=head.hash if head else None)
    found = AuditEvent.objects.using(using).filter(hash=expect_head).exists() if expect_head else False
    if expect_head and not found and expect_head != report.head_hash:
        breaks = (
            *report.breaks,
            chain.ChainBreak(report.head_seq, "anchor_missing", "the expected head hash is not in the chain"),
        )
        report = chain.ChainReport(report.entries, report.head_seq, report.head_hash, breaks)
    if report.entries == 0:
        report = _refuse_empty_chain(report, using)
    if raise_on_break and not report.ok:
        first = report.breaks[0]
        raise IntegrityFailure(
            f"audit chain broken at entry {first.seq}: {first.message} ({len(report.breaks)} problem(s))"
        )
    return report


def _refuse_empty_chain(report: chain.ChainReport, using: str) -> chain.ChainReport:
    """An empty chain is a break when the database holds patient records (a TRUNCATE of the audit tables)."""
    from django.apps import apps

    patients = apps.get_model("records", "Patient").objects.using(using).count()
    if not patients:
        return report
    empty = chain.ChainBreak(
        0, "empty_chain", f"the audit chain is empty but the database holds {patients} patient record(s)"
    )
    return chain.ChainReport(report.entries, report.head_seq, report.head_hash, (*report.breaks, empty))


def changed(before: dict[str, Any], after: dict[str, Any], names: Sequence[str] | None = None) -> list[str]:
    """The names of the fields whose values differ between two snapshots (values are never kept)."""
    keys = names if names is not None else sorted(set(before) | set(after))
    return [k for k in keys if before.get(k) != after.get(k)]
