"""The admin for scheduling: chairs, opening hours and closed days of the admin's own clinic (audited).

Bookings are not in the admin: they change only through the booking service (slots, reasons, audit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ketamine_trd.clinic.admin_scope import ClinicScopedAdmin
from ketamine_trd.clinic.scheduling.models import Chair, ClosedDay, OpeningHours


class _OwnClinic(ClinicScopedAdmin):
    app_action = "schedule.configure"

    def clinic_scope(self, clinic_id: int) -> dict[str, Any] | None:
        return {"clinic_id": clinic_id}


@admin.register(Chair)
class ChairAdmin(_OwnClinic):
    list_display = ("name", "kind", "active")
    fields = ("clinic", "name", "kind", "active", "created_at")
    readonly_fields = ("created_at",)

    def save_model(self, request: Any, obj: Chair, form: Any, change: bool) -> None:
        from django.utils import timezone

        obj.created_at = obj.created_at or timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(OpeningHours)
class OpeningHoursAdmin(_OwnClinic):
    list_display = ("weekday", "opens", "closes")


@admin.register(ClosedDay)
class ClosedDayAdmin(_OwnClinic):
    list_display = ("day", "reason")
