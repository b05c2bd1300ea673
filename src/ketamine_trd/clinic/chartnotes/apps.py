"""Django app configuration of the chart notes app (label ``chartnotes``)."""

from __future__ import annotations

from django.apps import AppConfig


class ChartnotesConfig(AppConfig):
    name = "ketamine_trd.clinic.chartnotes"
    label = "chartnotes"
    verbose_name = "Medications, allergies, problems and notes"
    default_auto_field = "django.db.models.BigAutoField"
