"""URLs of the records app (included by the root urls at ``""``)."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.records.views import courses, intake, patients, rems, sessions

app_name = "records"

urlpatterns = [
    path("patients/", patients.patient_list, name="patient_list"),
    path("patients/new/", patients.patient_register, name="patient_register"),
    path("patients/<int:patient_id>/", patients.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", patients.patient_edit, name="patient_edit"),
    path("patients/<int:patient_id>/intake/trd/", intake.trd_new, name="intake_trd"),
    path("patients/<int:patient_id>/intake/screening/", intake.screening_new, name="intake_screening"),
    path("intake/<int:intake_id>/sign-off/", intake.intake_sign_off, name="intake_sign_off"),
    path("intake/<int:intake_id>/override/", intake.intake_override, name="intake_override"),
    path("patients/<int:patient_id>/courses/new/", courses.course_new, name="course_new"),
    path("courses/<int:course_id>/", courses.course_detail, name="course_detail"),
    path("courses/<int:course_id>/phase/", courses.course_phase, name="course_phase"),
    path("courses/<int:course_id>/sessions/new/", sessions.session_schedule, name="session_schedule"),
    path("sessions/today/", sessions.session_today, name="session_today"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/<str:part>/", sessions.session_record, name="session_record"),
    path("rems/", rems.rems_list, name="rems_list"),
    path("rems/export.csv", rems.rems_csv, name="rems_csv"),
    path("rems/<int:record_id>/", rems.rems_detail, name="rems_detail"),
    path("rems/<int:record_id>/submitted/", rems.rems_submitted, name="rems_submitted"),
    path("rems/<int:record_id>.pdf", rems.rems_pdf, name="rems_pdf"),
]
