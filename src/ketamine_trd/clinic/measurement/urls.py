"""URLs of the measurement app, included by the root urls at ``""``."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.measurement import views

app_name = "measurement"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/", views.worklist, name="worklist"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("screens-due/", views.screens_due, name="screens_due"),
    path("patients/<int:patient_id>/measurement/", views.patient_measurement, name="patient"),
    path("patients/<int:patient_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("patients/<int:patient_id>/progress-report.pdf", views.progress_report_pdf, name="progress_report"),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly_js"),
]
