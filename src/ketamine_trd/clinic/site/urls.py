"""URLs of the site app (included by the root urls at ``""``)."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.site import views

app_name = "site"

urlpatterns = [
    path("site/settings/", views.settings_page, name="settings"),
    path("site/consent/", views.consent_documents, name="consent_documents"),
    path("patients/<int:patient_id>/consent/", views.patient_consent, name="patient_consent"),
    path("courses/<int:course_id>/consent-override/", views.consent_override, name="consent_override"),
    path("sessions/<int:session_id>/discharge-instructions.pdf", views.discharge_pdf, name="discharge_pdf"),
]
