"""A read-only view of the audit trail in the admin site (HIPAA 164.312(b): examine activity)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ketamine_trd.clinic.admin_scope import ClinicScopedAdmin
from ketamine_trd.clinic.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    """The events whose actor belongs to the admin's clinic (each list and page read is itself audited)."""

    list_display = ("seq", "at", "actor_username", "actor_role", "action", "object_type", "object_id", "outcome")
    list_filter = ("action", "outcome", "actor_role")
    search_fields = ("actor_username", "object_id", "patient_id")
    ordering = ("-seq",)
    date_hierarchy = "at"

    def clinic_scope(self, clinic_id: int) -> dict[str, Any] | None:
        from ketamine_trd.clinic.accounts.models import User

        return {"actor_id__in": User.objects.filter(clinic_id=clinic_id).values("pk")}

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
