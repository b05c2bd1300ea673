"""Django app configuration of the site app (label ``site``)."""

from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "ketamine_trd.clinic.site"
    label = "site"
    verbose_name = "Site settings and consent"
    default_auto_field = "django.db.models.BigAutoField"
