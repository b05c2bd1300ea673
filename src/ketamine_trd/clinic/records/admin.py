"""A read-mostly admin for set-up and support: clinical fields are read-only (changes go through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ketamine_trd.clinic.records.models import Course, IntakeResult, Patient, RemsRecord, Session


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[misc]
    """Lists and shows rows; adding, changing and deleting clinical records happens in the application."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Patient)
class PatientAdmin(ReadOnlyAdmin):
    list_display = ("mrn", "family_name", "given_name", "clinic", "synthetic")
    list_filter = ("clinic", "synthetic")
    search_fields = ("mrn", "family_name")


@admin.register(IntakeResult)
class IntakeResultAdmin(ReadOnlyAdmin):
    list_display = ("patient", "kind", "verdict", "override_verdict", "rule_version", "created_at")
    list_filter = ("kind",)


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("patient", "product", "phase", "start_date", "review_due_on")
    list_filter = ("product", "phase")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("patient", "scheduled_at", "status", "chair")
    list_filter = ("status",)


@admin.register(RemsRecord)
class RemsRecordAdmin(ReadOnlyAdmin):
    list_display = ("patient", "due_at", "status", "form_version")
    list_filter = ("status",)
