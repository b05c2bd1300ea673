from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ketamine_trd.clinic.accounts"
    label = "accounts"
    verbose_name = "Clinics and users"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ketamine_trd.clinic import checks  # noqa: F401  (registers the system checks)
