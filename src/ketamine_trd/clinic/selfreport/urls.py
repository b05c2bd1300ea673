"""URLs of patient self-report, included by the root urls at ``""``."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.selfreport import views

app_name = "selfreport"

urlpatterns = [
    path("r/<str:token>/", views.report_start, name="start"),
    path("r/<str:token>/answer/", views.report_answer, name="answer"),
    path("tablet/", views.tablet, name="tablet"),
    path("patients/<int:patient_id>/self-report/", views.patient_links, name="patient_links"),
    path("patients/<int:patient_id>/self-report/<int:link_id>/revoke/", views.revoke, name="revoke"),
    path("patients/<int:patient_id>/self-report/tablet/", views.tablet_unlock, name="tablet_unlock"),
]
