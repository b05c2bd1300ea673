"""URLs of the records app (included by the root urls at ``""``)."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.records import views

app_name = "records"

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("sessions/today/", views.session_today, name="session_today"),
    path("rems/", views.rems_list, name="rems_list"),
]
