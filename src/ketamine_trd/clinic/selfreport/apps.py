"""Django app configuration of the patient self-report app (label ``selfreport``)."""

from __future__ import annotations

from django.apps import AppConfig


class SelfReportConfig(AppConfig):
    name = "ketamine_trd.clinic.selfreport"
    label = "selfreport"
    verbose_name = "Patient self-report"
    default_auto_field = "django.db.models.BigAutoField"
