"""Django app configuration of the measurement app (label ``measurement``)."""

from __future__ import annotations

from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "ketamine_trd.clinic.measurement"
    label = "measurement"
    verbose_name = "Measurement-based care"
    default_auto_field = "django.db.models.BigAutoField"
