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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils import timezone

from ketamine_trd.clinic.audit import chain
from ketamine_trd.clinic.audit.models import ACTIONS, OUTCOMES, AuditChainHead, AuditEvent
from ketamine_trd.clinic.transactions import lock_head, run_write, warn_if_out_of_order
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
    when the database is busy); inside one, in that transaction (which should have been opened by
    ``writing()``: see the lock order).
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

    def append() -> AuditEvent:
        head = lock_head()
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
        event.save()
        AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
        return event

    return run_write(append)


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
