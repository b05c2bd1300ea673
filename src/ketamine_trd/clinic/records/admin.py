"""A read-only admin for support: scoped to the admin's clinic, only what the app shows the role, audited.

Clinical records change through the services only. ``ClinicScopedAdmin`` (``clinic.admin_scope``) keeps every
list and object to the admin's clinic and writes each read to the audit chain; ``app_action`` hides a model
from a role the application refuses it (the admin role sees patients' demographics, no clinical record).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ketamine_trd.clinic.admin_scope import ClinicScopedAdmin
from ketamine_trd.clinic.records.models import Course, IntakeResult, Patient, RemsRecord, Session


class ReadOnlyAdmin(ClinicScopedAdmin):
    """Lists and shows rows; adding, changing and deleting clinical records happens in the application."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Patient)
class PatientAdmin(ReadOnlyAdmin):
    app_action = "patient.view"
    list_display = ("mrn", "family_name", "given_name", "clinic", "synthetic")
    list_filter = ("synthetic",)
    search_fields = ("mrn", "family_name")


@admin.register(IntakeResult)
class IntakeResultAdmin(ReadOnlyAdmin):
    app_action = "intake.view"
    list_display = ("patient", "kind", "verdict", "override_verdict", "rule_version", "created_at")
    list_filter = ("kind",)


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    app_action = "course.view"
    list_display = ("patient", "product", "phase", "start_date", "review_due_on")
    list_filter = ("product", "phase")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    app_action = "session.view"
    list_display = ("patient", "scheduled_at", "status", "chair")
    list_filter = ("status",)


@admin.register(RemsRecord)
class RemsRecordAdmin(ReadOnlyAdmin):
    app_action = "rems.view"
    list_display = ("patient", "due_at", "status", "form_version")
    list_filter = ("status",)
