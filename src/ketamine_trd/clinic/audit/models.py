"""The audit trail's tables: append-only events and the one chain-head row.

Rows of :class:`AuditEvent` are written only by :func:`ketamine_trd.clinic.audit.service.record`.
``save()`` refuses to update a stored row and ``delete()`` refuses always; on PostgreSQL a
trigger (migration ``0002``) refuses ``UPDATE`` and ``DELETE`` in the database too. No
patient data values are stored: only ids, field *names*, and a short ``detail`` that the
caller must keep free of patient data.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ketamine_trd.errors import IntegrityFailure

ACTIONS: tuple[str, ...] = (
    "read",
    "create",
    "update",
    "delete",
    "sign",
    "export",
    "import",
    "login",
    "login_failed",
    "logout",
    "denied",
)
OUTCOMES: tuple[str, ...] = ("success", "failure", "denied")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise IntegrityFailure("audit events are append-only: update refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityFailure("audit events are append-only: delete refused")

    def between(self, start: Any, end: Any) -> AuditEventQuerySet:
        """Events with ``start <= at < end`` (either bound may be None)."""
        qs = self
        if start is not None:
            qs = qs.filter(at__gte=start)
        if end is not None:
            qs = qs.filter(at__lt=end)
        return qs


class AuditEvent(models.Model):
    """One audit entry: who, when (UTC), what, on which object and patient, from where, outcome."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16, choices=[(a, a) for a in ACTIONS])
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.CharField(max_length=64, blank=True, db_index=True)
    changed_fields = models.JSONField(default=list, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    outcome = models.CharField(max_length=16, choices=[(o, o) for o in OUTCOMES], default="success")
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("seq",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%dT%H:%M:%SZ} {self.actor_username or '-'} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise IntegrityFailure("audit events are append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityFailure("audit events are append-only: delete refused")

    def hashed_fields(self) -> dict[str, Any]:
        """The fields the hash covers, as JSON-ready values (see ``chain.HASHED_FIELDS``)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "patient_id": self.patient_id,
            "changed_fields": list(self.changed_fields or []),
            "ip": self.ip,
            "outcome": self.outcome,
            "detail": self.detail,
        }


class AuditChainHead(models.Model):
    """The one row (pk=1) holding the newest sequence number and hash; locked by each writer."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"


class IdempotentRequest(models.Model):
    """The stored answer to an API write sent with an ``Idempotency-Key`` header (one per user and key).

    Written in the same transaction as the write it answers, so that a client retry of a write that
    committed gets this answer again instead of writing twice. ``body_sha256`` is the hash of the
    method, path and body the key was first used with: the same key with another request is refused.
    Kept ``IDEMPOTENCY_HOURS`` hours (``ketamine_trd.clinic.write_requests``).
    """

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=255)
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="audit_idempotent_user_key")]

    def __str__(self) -> str:
        return f"idempotency key of user {self.user_id} ({self.status})"
