"""Alerts: raised idempotently per rule and object, acknowledged by a person (who and when are kept).

``raise_alert`` is the one way any part of the clinic (session monitoring, score entry, outcome and
surveillance refreshes) puts something on the worklist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical import sources
from ketamine_trd.errors import ConflictError, InputError, NotFoundError

__all__ = ["acknowledge_alert", "open_alerts", "raise_alert"]

_LEVEL_WORDS: dict[str, str] = {
    "info": "info",
    "low": "info",
    "notice": "info",
    "warning": "warning",
    "moderate": "warning",
    "caution": "warning",
    "high": "high",
    "urgent": "critical",
    "critical": "critical",
}


def level_from(word: object) -> str:
    """Map a level word used by the core ('info', 'warning', 'high', 'critical', ...) onto ``Alert.Level``."""
    text = str(getattr(word, "value", word)).lower()
    try:
        return _LEVEL_WORDS[text]
    except KeyError:
        raise InputError("level", text, ", ".join(sorted(_LEVEL_WORDS))) from None


def raise_alert(
    patient: Any,
    *,
    kind: str,
    level: str,
    rule: str,
    source: str,
    message: str,
    object_key: str,
    now: dt.datetime,
    course: Any = None,
    session: Any = None,
    assessment: Any = None,
    data: Mapping[str, Any] | None = None,
    platform_defined: bool = False,
    actor: Actor | None = None,
) -> tuple[Alert, bool]:
    """Put an alert on the worklist unless this rule already raised one for this object.

    Returns ``(alert, created)``. Re-evaluating the same rule on the same object (``object_key``, e.g.
    ``"session:12"``) returns the existing alert, acknowledged or not, and writes nothing.
    """
    if kind not in Alert.Kind.values:
        raise InputError("kind", kind, ", ".join(Alert.Kind.values))
    level = level_from(level)
    sources.get(source)  # an unknown source id is an error at the point of use
    if not rule or not object_key:
        raise InputError("rule" if not rule else "object_key", "", "a non-empty id")
    existing = Alert.objects.filter(patient=patient, rule=rule, object_key=object_key).first()
    if existing is not None:
        return existing, False
    try:
        with writing():
            alert = Alert.objects.create(
                patient=patient,
                course=course,
                session=session,
                assessment=assessment,
                kind=kind,
                level=level,
                rule=rule,
                source=source,
                message=message,
                data=dict(data or {}),
                object_key=object_key,
                platform_defined=platform_defined,
                raised_at=now,
            )
            record(actor, "create", obj=alert, patient_id=patient.pk, detail=f"alert {rule} ({level})")
    except IntegrityError:  # raised concurrently by another request: the first one wins
        return Alert.objects.get(patient=patient, rule=rule, object_key=object_key), False
    return alert, True


def acknowledge_alert(actor: Actor, alert_id: int, *, now: dt.datetime, note: str = "") -> Alert:
    """Mark an open alert as seen by ``user`` at ``now``; only clinical roles may acknowledge."""
    user = authorize(actor, "alert.acknowledge")
    if len(note) > 2000:
        raise InputError("note", f"{len(note)} characters", "at most 2000 characters")
    with writing():
        rows = Alert.objects.for_clinic(user.clinic_id).select_for_update().select_related("patient")
        alert: Alert | None = rows.filter(pk=alert_id).first()
        if alert is None:
            raise NotFoundError(f"alert {alert_id} not found")
        if alert.acknowledged_at is not None:
            raise ConflictError(
                f"alert {alert_id} was already acknowledged at {alert.acknowledged_at:%Y-%m-%d %H:%M} UTC"
            )
        alert.acknowledged_by = user
        alert.acknowledged_at = now
        alert.acknowledgement_note = note.strip()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
        record(
            actor,
            "update",
            obj=alert,
            patient_id=alert.patient_id,
            changed_fields=("acknowledged_by", "acknowledged_at", "acknowledgement_note"),
        )
    return alert


def open_alerts(
    actor: Actor, *, kind: str | None = None, patient_id: int | None = None, limit: int = 200, audit: bool = True
) -> list[Alert]:
    """The worklist: open alerts of the user's clinic, most severe and newest first (audited as a read)."""
    user = authorize(actor, "measurement.view")
    if kind is not None and kind not in Alert.Kind.values:
        raise InputError("kind", kind, ", ".join(Alert.Kind.values))
    queryset = Alert.objects.open().for_clinic(user.clinic_id).select_related("patient")
    if kind:
        queryset = queryset.filter(kind=kind)
    if patient_id is not None:
        queryset = queryset.filter(patient_id=patient_id)
    rank = {"critical": 0, "high": 1, "warning": 2, "info": 3}
    alerts = sorted(queryset[:limit], key=lambda a: (rank.get(a.level, 9), -a.raised_at.timestamp()))
    if audit:
        record(actor, "read", object_type="alert_worklist", object_id=kind or "", patient_id=patient_id)
    return alerts
