"""Alerts: raised idempotently per rule and object, acknowledged by a person (who and when are kept).

``raise_alert`` is the one way any part of the clinic (session monitoring, score entry, outcome and
surveillance refreshes) puts something on the worklist.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db.models import Count, Q

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical import sources
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.inputs.measurement import AcknowledgeInput
from ketamine_trd.errors import ConflictError, InputError, NotFoundError

__all__ = [
    "PAGE_SIZE",
    "AlertPage",
    "WorklistPage",
    "acknowledge_alert",
    "alert_page",
    "open_alert_summary",
    "open_alerts",
    "open_critical_alerts",
    "raise_alert",
    "worklist_page",
]

#: alerts per page of the worklist and the API (the API may ask for up to ``MAX_PAGE_SIZE``)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: what a note acknowledging a critical alert must give (platform rule: a critical alert is closed with a reason)
CRITICAL_NOTE_RULE = "a note saying what was done (required to acknowledge a critical alert)"


def raise_alert(
    patient: Any,
    *,
    kind: AlertKind | str,
    level: AlertLevel | str,
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
    kind = AlertKind.parse(kind)
    level = AlertLevel.parse(level)
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
                kind=kind.value,
                level=level.value,
                rule=rule,
                source=source,
                message=message,
                data=dict(data or {}),
                object_key=object_key,
                platform_defined=platform_defined,
                raised_at=now,
            )
            record(actor, "create", obj=alert, patient_id=patient.pk, detail=f"alert {rule} ({level.value})")
    except IntegrityError:  # raised concurrently by another request: the first one wins
        return Alert.objects.get(patient=patient, rule=rule, object_key=object_key), False
    return alert, True


def acknowledge_alert(actor: Actor, alert_id: int, *, now: dt.datetime, note: str = "") -> Alert:
    """Mark an open alert as seen by ``user`` at ``now``; only clinical roles may acknowledge.

    A critical alert needs a note saying what was done (an ``InputError`` naming ``note`` otherwise, nothing
    saved): the rule lives here, so the form, the API and any other caller meet the same refusal.
    """
    user = authorize(actor, "alert.acknowledge")
    note = AcknowledgeInput(note=note).note  # the core's one description: text, at most 2000 characters
    with writing():
        rows = Alert.objects.for_clinic(user.clinic_id).select_for_update().select_related("patient")
        alert: Alert | None = rows.filter(pk=alert_id).first()
        if alert is None:
            raise NotFoundError(f"alert {alert_id} not found")
        if alert.acknowledged_at is not None:
            raise ConflictError(
                f"alert {alert_id} was already acknowledged at {alert.acknowledged_at:%Y-%m-%d %H:%M} UTC"
            )
        if alert.level == AlertLevel.CRITICAL and not note.strip():
            raise InputError("note", "", CRITICAL_NOTE_RULE, reason="is missing")
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


@dataclass(frozen=True, slots=True)
class AlertPage:
    """One page of open alerts, most urgent first, with the total and the open count per level."""

    items: list[Alert]
    total: int
    page: int
    page_size: int
    level_counts: dict[str, int]

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least 1)."""
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def level_summary(self) -> list[tuple[str, str, int]]:
        """(level, its label, open count) for each level with open alerts, most urgent first."""
        return [(v, AlertLevel(v).label, n) for v, n in self.level_counts.items() if n]

    @property
    def first(self) -> int:
        """The 1-based position of the first alert shown (0 when there is none)."""
        return (self.page - 1) * self.page_size + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The 1-based position of the last alert shown (0 when there is none)."""
        return self.first + len(self.items) - 1 if self.items else 0


def _open_queryset(user: Any, kind: str | None, patient_id: int | None, level: str | None = None) -> Any:
    queryset = Alert.objects.open().for_clinic(user.clinic_id)
    if kind:
        queryset = queryset.filter(kind=AlertKind.parse(kind).value)
    if level:
        queryset = queryset.filter(level=AlertLevel.parse(level).value)
    if patient_id is not None:
        queryset = queryset.filter(patient_id=patient_id)
    return queryset


def alert_page(
    actor: Actor,
    *,
    kind: str | None = None,
    patient_id: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    audit: bool = True,
    level: str | None = None,
) -> AlertPage:
    """The worklist, one page: open alerts of the user's clinic ordered in the database (most urgent, then newest).

    ``page`` counts from 1; a page past the last one, a ``page_size`` outside 1 to ``MAX_PAGE_SIZE``, an unknown
    ``kind`` or ``level`` is an ``InputError`` naming the field. Audited as a read.
    """
    user = authorize(actor, "measurement.view")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError("page_size", page_size, f"1 to {MAX_PAGE_SIZE}")
    queryset = _open_queryset(user, kind, patient_id, level)
    counts = dict(queryset.values_list("level").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    pages = max(1, math.ceil(total / page_size))
    if not 1 <= page <= pages:
        raise InputError("page", page, f"1 to {pages}")
    offset = (page - 1) * page_size
    items = list(queryset.select_related("patient").most_urgent_first()[offset : offset + page_size])
    if audit:
        record(actor, "read", object_type="alert_worklist", object_id=kind or level or "", patient_id=patient_id)
    level_counts = {level.value: counts.get(level.value, 0) for level in AlertLevel.descending()}
    return AlertPage(items, total, page, page_size, level_counts)


def open_alerts(
    actor: Actor,
    *,
    kind: str | None = None,
    patient_id: int | None = None,
    limit: int = MAX_PAGE_SIZE,
    audit: bool = True,
) -> list[Alert]:
    """The first ``limit`` open alerts of the user's clinic, most urgent then newest first (ordered in the database).

    Audited as a read. Lists that may be longer than ``limit`` show the total through :func:`alert_page`.
    """
    user = authorize(actor, "measurement.view")
    queryset = _open_queryset(user, kind, patient_id).select_related("patient").most_urgent_first()
    alerts = list(queryset[:limit])
    if audit:
        record(actor, "read", object_type="alert_worklist", object_id=kind or "", patient_id=patient_id)
    return alerts


@dataclass(frozen=True, slots=True)
class WorklistPage:
    """The worklist page: one page of alerts as filtered, the patient filtered on, and the patients to choose from.

    ``patients`` holds ``(patient id, "Given Family (MRN)", open alerts)`` for every patient of the clinic with an
    open alert; ``moved`` is True when the page asked for was past the last one and the last one is shown.
    """

    found: AlertPage
    patient: Any
    patients: list[tuple[int, str, int]]
    moved: bool


def worklist_page(
    actor: Actor, *, level: str | None = None, kind: str | None = None, patient_id: int | None = None, page: int = 1
) -> WorklistPage:
    """The worklist filtered by level, kind and patient, one page of ``PAGE_SIZE`` (critical first, then newest).

    A patient not of the actor's clinic is an ``InputError`` naming ``patient`` (the filter is refused, never
    ignored); a page past the last one gives the last one with ``moved`` set (alerts were acknowledged meanwhile).
    Audited as one read.
    """
    from ketamine_trd.clinic.records.interface import Patient

    user = authorize(actor, "measurement.view")
    patient = None
    if patient_id is not None:
        patient = Patient.objects.filter(clinic_id=user.clinic_id, pk=patient_id).first()
        if patient is None:
            raise InputError("patient", patient_id, "a patient of this clinic")
    if page < 1:
        raise InputError("page", page, "a page number from 1")
    try:
        found = alert_page(actor, kind=kind, level=level, patient_id=patient_id, page=page, audit=False)
        moved = False
    except InputError as error:
        if error.field != "page":
            raise
        last = max(1, math.ceil(_open_queryset(user, kind, patient_id, level).count() / PAGE_SIZE))
        found = alert_page(actor, kind=kind, level=level, patient_id=patient_id, page=last, audit=False)
        moved = True
    rows = (
        Alert.objects.open()
        .for_clinic(user.clinic_id)
        .values_list("patient_id", "patient__given_name", "patient__family_name", "patient__mrn")
        .annotate(n=Count("id"))
        .order_by("patient__family_name", "patient__given_name", "patient_id")
    )
    patients = [(pk, f"{given} {family} ({mrn})", n) for pk, given, family, mrn, n in rows[:1000]]
    record(actor, "read", object_type="alert_worklist", object_id=kind or level or "", patient_id=patient_id)
    return WorklistPage(found, patient, patients, moved)


def open_alert_summary(patient_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``patient id -> (open alerts, open critical alerts)`` for the given patients, in one query (not audited:
    the caller's read of the patients is). Patients without an open alert are left out."""
    rows = (
        Alert.objects.open()
        .filter(patient_id__in=patient_ids)
        .values_list("patient_id")
        .annotate(n=Count("id"), critical=Count("id", filter=Q(level=AlertLevel.CRITICAL.value)))
        .order_by()
    )
    return {pk: (n, critical) for pk, n, critical in rows}


def open_critical_alerts(session: Any) -> list[Alert]:
    """The session's critical alerts that nobody has acknowledged yet, oldest first (not audited: the caller's read
    of the session is)."""
    rows = Alert.objects.open().filter(session=session, level=AlertLevel.CRITICAL.value)
    return list(rows.order_by("raised_at", "id"))
