"""The Django admin site, held to the application's rules: one clinic, the app's roles, every access audited.

Every model admin of the clinic derives from :class:`ClinicScopedAdmin`:

- **Who**: only an active staff user whose role is ``admin`` and who belongs to a clinic; a superuser flag
  grants nothing more (the demo and the documented set-up create no superuser). On top of Django's model
  permissions, a model is shown only when the application would show it to that role (``app_action``, an
  action of ``clinic.access.ALLOWED``): the admin role sees patients' demographics, users, its clinic and the
  audit trail, never intake results, courses, sessions, REMS records, assessments or alerts.
- **What**: every queryset is filtered to the admin's clinic (``clinic_lookup``); an object of another clinic is
  "not found"; foreign-key choices offer only rows of that clinic; a user created or edited here always
  belongs to the admin's clinic and never becomes a superuser.
- **Audit**: every list and every object page read writes a ``read`` event, every addition, change and deletion
  a ``create``/``update``/``delete`` event, through the same hash chain as the application (``audit.record``),
  besides Django's own ``django_admin_log``. Field names only, never values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from ketamine_trd.clinic import access

__all__ = ["ADMIN_PERMISSIONS", "ClinicScopedAdmin", "clinic_filter", "grant_admin_permissions", "is_clinic_admin"]

#: the explicit model permissions of the app's admin role (``app_label.codename``); no superuser
ADMIN_PERMISSIONS: tuple[str, ...] = (
    "accounts.view_clinic",
    "accounts.change_clinic",
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "records.view_patient",
    "audit.view_auditevent",
    # scheduling settings (clinic.scheduling): chairs, opening hours, closed days
    *(f"scheduling.{verb}_{m}" for m in ("chair", "openinghours", "closedday") for verb in ("view", "add", "change")),
)

#: how each model reaches its clinic id (models absent here have a ``patient`` and go through it)
_CLINIC_LOOKUPS: dict[str, str] = {
    "accounts.clinic": "pk",
    "accounts.user": "clinic_id",
    "records.patient": "clinic_id",
    "records.remsrecord": "clinic_id",
}


def clinic_filter(model: Any, clinic_id: int) -> dict[str, Any] | None:
    """The filter that keeps ``model``'s rows of one clinic, or None when the model has no clinic."""
    label = model._meta.label_lower
    if label in _CLINIC_LOOKUPS:
        return {_CLINIC_LOOKUPS[label]: clinic_id}
    if any(f.name == "patient" for f in model._meta.get_fields()):
        return {"patient__clinic_id": clinic_id}
    return None


def is_clinic_admin(user: Any) -> bool:
    """An active staff user with the app's admin role in a clinic (the only users the admin site serves)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and getattr(user, "role", "") == access.ADMIN
        and getattr(user, "clinic_id", None) is not None
    )


def grant_admin_permissions(user: Any) -> None:
    """Give ``user`` (role admin, staff) exactly the admin role's model permissions."""
    from django.contrib.auth.models import Permission

    wanted = [name.split(".", 1) for name in ADMIN_PERMISSIONS]
    rows = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in wanted]
    user.user_permissions.set(rows)


class ClinicScopedAdmin(admin.ModelAdmin):  # type: ignore[misc]
    """A model admin scoped to the signed-in admin's clinic, allowed only what the app allows, audited."""

    #: the application's action the role must be allowed (None: the admin role's own pages)
    app_action: str | None = None

    # ---- who
    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        return is_clinic_admin(user) and (self.app_action is None or access.can(user, self.app_action))

    def _in_clinic(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) and bool(super().has_module_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self._allowed(request) and bool(super().has_view_permission(request, obj))
        return allowed and self._in_clinic(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request) and bool(super().has_add_permission(request, *args))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self._allowed(request) and bool(super().has_change_permission(request, obj))
        return allowed and self._in_clinic(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self._allowed(request) and bool(super().has_delete_permission(request, obj))
        return allowed and self._in_clinic(request, obj)

    # ---- what
    def get_queryset(self, request: HttpRequest) -> Any:
        rows = super().get_queryset(request)
        if not is_clinic_admin(request.user):
            return rows.none()
        scope = self.clinic_scope(request.user.clinic_id)
        return rows.none() if scope is None else rows.filter(**scope)

    def clinic_scope(self, clinic_id: int) -> dict[str, Any] | None:
        """The filter of this model's rows of ``clinic_id`` (override where the model reaches it otherwise)."""
        return clinic_filter(self.model, clinic_id)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if not is_clinic_admin(request.user):
            kwargs["queryset"] = related._default_manager.none()
        elif (scope := clinic_filter(related, request.user.clinic_id)) is not None:
            kwargs["queryset"] = related._default_manager.filter(**scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # ---- audit
    def _label(self) -> str:
        return f"admin.{self.model._meta.label_lower}"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from ketamine_trd.clinic.audit.service import record

        response: HttpResponse = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record(request, "read", object_type=self._label(), detail="admin list")
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        from ketamine_trd.clinic.audit.service import record

        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record(request, "read", obj=obj, detail="admin page")
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        from ketamine_trd.clinic.audit.service import record

        response = super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and response.status_code == 200:
            record(request, "read", obj=obj, detail="admin history")
        return response

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        from ketamine_trd.clinic.audit.service import record

        record(request, "create", obj=obj, changed_fields=_fields_of(message), detail="admin")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        from ketamine_trd.clinic.audit.service import record

        record(request, "update", obj=obj, changed_fields=_fields_of(message), detail="admin")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        from ketamine_trd.clinic.audit.service import record

        for obj in queryset:
            record(request, "delete", obj=obj, detail="admin")
        return super().log_deletions(request, queryset)


def _fields_of(message: Any) -> list[str]:
    """The changed field names in a Django admin change message (a list of {"changed": {"fields": [...]}})."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for entry in part.values() if isinstance(part, dict) else []:
            if isinstance(entry, dict):
                names += [str(f) for f in entry.get("fields", [])]
    return names
