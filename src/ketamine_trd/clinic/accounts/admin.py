"""Clinic and user administration for the admin role: its own clinic only, no superuser, audited.

``ClinicScopedAdmin`` (``clinic.admin_scope``) filters both lists to the admin's clinic and audits every read
and write through the hash chain. A user created or changed here belongs to the admin's clinic whatever the
form sent, and the superuser flag, groups and per-user permissions are not offered: roles decide access.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from ketamine_trd.clinic.accounts.models import Clinic, User
from ketamine_trd.clinic.admin_scope import ClinicScopedAdmin


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    list_display = ("name", "slug", "time_zone", "rems_setting_id")
    prepopulated_fields = {"slug": ("name",)}

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class ClinicUserAdmin(ClinicScopedAdmin, UserAdmin):  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "role", "clinic", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("role", "clinic", "is_active", "is_staff")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Clinic", {"fields": ("role", "clinic")}))
    readonly_fields = ("last_login", "date_joined")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: audit events keep naming the user

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.clinic_id = request.user.clinic_id  # never another clinic, whatever was posted
        obj.is_superuser = False
        super().save_model(request, obj, form, change)
