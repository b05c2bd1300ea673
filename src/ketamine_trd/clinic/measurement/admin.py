"""A read-only admin for assessments and alerts: clinical records change through the services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ketamine_trd.clinic.measurement.models import Alert, Assessment


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnly):
    list_display = (
        "id",
        "patient_id",
        "instrument_id",
        "instrument_version",
        "total",
        "severity",
        "risk",
        "administered_at",
    )
    list_filter = ("instrument_id",)
    list_select_related = ()


@admin.register(Alert)
class AlertAdmin(_ReadOnly):
    list_display = ("id", "patient_id", "kind", "level", "rule", "source", "raised_at", "acknowledged_at")
    list_filter = ("kind", "level")
