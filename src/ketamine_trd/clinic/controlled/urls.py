"""URLs of the controlled-substance log (included by the root urls at ``controlled/``)."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.controlled import views

app_name = "controlled"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("receive/", views.receive, name="receive"),
    path("lots/<int:lot_id>/", views.lot_detail, name="lot_detail"),
    path("lots/<int:lot_id>/waste/", views.waste, name="waste"),
    path("lots/<int:lot_id>/correct/", views.correct, name="correct"),
    path("reconcile/", views.reconcile, name="reconcile"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("report.pdf", views.report_pdf_view, name="report_pdf"),
]
