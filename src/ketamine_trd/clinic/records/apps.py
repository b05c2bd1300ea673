from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "ketamine_trd.clinic.records"
    label = "records"
    verbose_name = "Clinical records"
    default_auto_field = "django.db.models.BigAutoField"
