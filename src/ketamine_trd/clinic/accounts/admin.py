from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ketamine_trd.clinic.accounts.models import Clinic, User


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "slug", "time_zone", "rems_setting_id")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class ClinicUserAdmin(UserAdmin):  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "role", "clinic", "is_active")
    list_filter = ("role", "clinic", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Clinic", {"fields": ("role", "clinic")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Clinic", {"fields": ("role", "clinic")}))
