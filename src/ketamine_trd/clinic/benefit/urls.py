"""URLs of the benefit pages, included by the root urls at ``""``."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.benefit import views

app_name = "benefit"

urlpatterns = [
    path("benefit-model/calibration/", views.calibration, name="calibration"),
]
