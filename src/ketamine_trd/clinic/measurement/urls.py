"""URLs of the measurement app, included by the root urls at ``""``."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.measurement import views

app_name = "measurement"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
