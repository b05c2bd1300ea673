"""A read-only view of the audit trail in the admin site (HIPAA 164.312(b): examine activity)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ketamine_trd.clinic.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor_username", "actor_role", "action", "object_type", "object_id", "outcome")
    list_filter = ("action", "outcome", "actor_role")
    search_fields = ("actor_username", "object_id", "patient_id")
    ordering = ("-seq",)
    date_hierarchy = "at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
