"""System checks guarding the project's invariants (run by ``check`` and before serving)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def time_zone_is_utc(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Times are stored in UTC; the clinic's zone is applied only for display."""
    errors = []
    if settings.TIME_ZONE != "UTC" or not settings.USE_TZ:
        errors.append(Error("TIME_ZONE must be 'UTC' with USE_TZ=True", id="ktrd.E001"))
    if getattr(settings, "ATOMIC_REQUESTS", False) or settings.DATABASES["default"].get("ATOMIC_REQUESTS"):
        errors.append(Error("ATOMIC_REQUESTS is off by design: services own their transactions", id="ktrd.E002"))
    return errors
