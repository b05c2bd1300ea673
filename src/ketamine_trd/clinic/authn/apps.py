"""Django app configuration of authentication hardening."""

from __future__ import annotations

from django.apps import AppConfig


class AuthnConfig(AppConfig):
    name = "ketamine_trd.clinic.authn"
    label = "authn"
    verbose_name = "Authentication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ketamine_trd.clinic.authn import checks  # noqa: F401  (registers the system checks)
