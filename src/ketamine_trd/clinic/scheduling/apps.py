"""Django app configuration of the scheduling app (label ``scheduling``)."""

from __future__ import annotations

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "ketamine_trd.clinic.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling: chairs, hours and bookings"
    default_auto_field = "django.db.models.BigAutoField"
