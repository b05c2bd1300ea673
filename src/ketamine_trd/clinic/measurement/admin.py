"""A read-only admin for assessments and alerts: clinical records change through the services only."""

from __future__ import annotations

from django.contrib import admin

from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.records.interface import ReadOnlyAdmin


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    app_action = "measurement.view"
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
class AlertAdmin(ReadOnlyAdmin):
    app_action = "measurement.view"
    list_display = ("id", "patient_id", "kind", "level", "rule", "source", "raised_at", "acknowledged_at")
    list_filter = ("kind", "level")
