"""URLs of the chart notes app (included by the root urls at ``""``)."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.chartnotes import views

app_name = "chartnotes"

urlpatterns = [
    path("patients/<int:patient_id>/chart/", views.chart, name="chart"),
    path("patients/<int:patient_id>/notes/new/", views.note_new, name="note_new"),
    path("notes/<int:note_id>/", views.note, name="note"),
]
