"""Django app configuration of authentication hardening."""

from __future__ import annotations

from django.apps import AppConfig


class AuthnConfig(AppConfig):
    name = "ketamine_trd.clinic.authn"
    label = "authn"
    verbose_name = "Authentication"
    default_auto_field = "django.db.models.BigAutoField"
