from __future__ import annotations

from django.apps import AppConfig


class ControlledConfig(AppConfig):
    name = "ketamine_trd.clinic.controlled"
    label = "controlled"
    verbose_name = "Controlled-substance log"
    default_auto_field = "django.db.models.BigAutoField"
