"""Intake stored with rule and profile versions; sign-off and override; courses planned by the core; phases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ketamine_trd.clinic.records.models import Course, IntakeResult
from ketamine_trd.clinic.records.services import courses, intake
from ketamine_trd.clinical.trd import RULE_VERSION
from ketamine_trd.errors import ConflictError, InputError, PermissionDenied
from tests.clinic.builders import make_eligible, make_patient

# Two adequate, failed trials in the current episode (sertraline 100 mg x 8 wk, <25% improvement; venlafaxine
# 225 mg x 6 wk): TRD under the EU-PEARL definition, >=2 failed treatments each <25% improvement (S14).
HISTORY = {"episode": {"duration_months": 18, "severity": "severe"}, "trials": [
    {"drug": "sertraline", "daily_dose_mg": 100, "weeks": 8, "improvement_percent": 10},
    {"drug": "Effexor XR", "daily_dose_mg": 225, "weeks": 6, "improvement_percent": 20}]}  # fmt: skip

TRD_FORM = {
    "profile": "EU_PEARL_2022", "duration_months": "18", "severity": "severe", "diagnosis": "unipolar",
    "ect_courses": "0", "ect_failed_bilateral": "unknown",
    "trial_0_drug": "sertraline", "trial_0_daily_dose_mg": "100", "trial_0_weeks": "8",
    "trial_0_improvement_percent": "10", "trial_0_stopped_for": "inefficacy", "trial_0_adherence": "good",
    "trial_0_episode": "current",
    "trial_1_drug": "Effexor XR", "trial_1_daily_dose_mg": "225", "trial_1_weeks": "6",
    "trial_1_improvement_percent": "20", "trial_1_stopped_for": "inefficacy", "trial_1_adherence": "good",
    "trial_1_episode": "current",
}  # fmt: skip
for _i in range(2, 5):
    TRD_FORM |= {
        f"trial_{_i}_stopped_for": "other",
        f"trial_{_i}_adherence": "unknown",
        f"trial_{_i}_episode": "current",
    }


def test_trd_intake_is_stored_with_rule_and_profile_versions(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    result = intake.record_trd_intake(people.nurse, patient.pk, HISTORY, profile=None, now=timezone.now())
    assert (result.verdict, result.profile_id, result.rule_version) == ("trd", "EU_PEARL_2022", RULE_VERSION)
    assert result.result_data["failed_adequate_trials"] == 2 and result.input_data == HISTORY


def test_trd_form_posts_through_to_the_verdict(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    response = people.client("nurse").post(f"/patients/{patient.pk}/intake/trd/", TRD_FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert IntakeResult.objects.get(patient=patient).verdict == "trd"


def test_trd_form_error_names_the_trial_row_field(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    response = people.client("nurse").post(f"/patients/{patient.pk}/intake/trd/", TRD_FORM | {"trial_1_weeks": "900"})
    assert response.status_code == 422 and "trial_1_weeks" in response.content.decode()
    assert not IntakeResult.objects.exists()


def test_screening_uses_age_from_date_of_birth_and_cites_sources(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, date_of_birth=dt.date(1970, 1, 1), sex="female")
    profile = {"sex": "female", "conditions": ["arteriovenous_malformation"], "rems_enrolled": True,
               "pregnant": False, "hepatic_impairment": "none"}  # fmt: skip
    result = intake.record_screening_intake(
        people.nurse, patient.pk, profile, product="esketamine-nasal", bp_profile=None, now=timezone.now()
    )
    # arteriovenous malformation is a SPRAVATO label contraindication (S1)
    assert result.verdict == "not_eligible"
    assert result.result_data["findings"][0]["source"] == "S1" and result.input_data["age"] >= 55


def test_screening_form_refuses_bp_300_over_20(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    form = {"product": "esketamine-nasal", "sex": "female", "systolic_mmhg": "300", "diastolic_mmhg": "20",
            "hepatic_impairment": "none", "rems_enrolled": "true", "pregnant": "no"}  # fmt: skip
    response = people.client("nurse").post(f"/patients/{patient.pk}/intake/screening/", form)
    text = response.content.decode()
    assert response.status_code == 422 and "systolic_mmhg" in text and "260" in text
    assert not IntakeResult.objects.exists()


def test_sign_off_is_for_prescribers_and_happens_once(people) -> None:  # type: ignore[no-untyped-def]
    result = intake.record_trd_intake(people.nurse, make_patient(people.clinic).pk, HISTORY, profile=None,
                                      now=timezone.now())  # fmt: skip
    with pytest.raises(PermissionDenied):
        intake.sign_off_intake(people.nurse, result.pk, now=timezone.now())
    intake.sign_off_intake(people.prescriber, result.pk, now=timezone.now())
    with pytest.raises(ConflictError):
        intake.sign_off_intake(people.prescriber, result.pk, now=timezone.now())


def test_override_needs_a_written_reason_and_keeps_the_core_verdict(people) -> None:  # type: ignore[no-untyped-def]
    result = intake.record_trd_intake(people.nurse, make_patient(people.clinic).pk, HISTORY, profile=None,
                                      now=timezone.now())  # fmt: skip
    with pytest.raises(InputError, match="override_reason"):
        intake.override_intake(people.prescriber, result.pk, verdict="not_trd", reason="no", now=timezone.now())
    reason = "Second trial was at a subtherapeutic level per records."
    done = intake.override_intake(people.prescriber, result.pk, verdict="not_trd", reason=reason, now=timezone.now())
    assert (done.verdict, done.effective_verdict, done.overridden_by) == ("trd", "not_trd", people.prescriber)


def test_override_page_shows_the_core_verdict_and_is_clinic_scoped(people) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from tests.clinic.builders import make_clinic, make_user

    result = intake.record_trd_intake(people.nurse, make_patient(people.clinic).pk, HISTORY, profile=None,
                                      now=timezone.now())  # fmt: skip
    url = reverse("records:intake_override", args=[result.pk])
    page = people.client("prescriber").get(url)
    assert page.status_code == 200 and "verdict <strong>trd</strong>" in page.content.decode()
    outsider = make_user("prescriber", make_clinic(name="Elsewhere"))
    from django.test import Client

    client = Client()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_esketamine_course_follows_the_label_phases(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    start = dt.date(2026, 1, 5)
    course = courses.plan_new_course(people.prescriber, patient.pk,
                                     courses.CourseInput(product="esketamine-nasal", start_date=start, total_weeks=8),
                                     now=dt.datetime(2026, 1, 2, 9, tzinfo=dt.UTC))  # fmt: skip
    # weeks 1-4 twice weekly, weeks 5-8 weekly (spravato-hcp-dosing): 12 sessions, induction review on 2026-01-29
    assert len(course.plan_data["sessions"]) == 12
    assert course.review_due_on == dt.date(2026, 1, 29) and course.phase == "evaluation"


def test_iv_course_uses_the_recorded_weight(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, weight_kg=80)
    make_eligible(patient, people.prescriber, "ketamine-iv")
    course = courses.plan_new_course(people.prescriber, patient.pk,
                                     courses.CourseInput(product="ketamine-iv", start_date=timezone.now().date()),
                                     now=timezone.now())  # fmt: skip
    first = course.plan_data["sessions"][0]
    # 0.5 mg/kg (ELEKT-D, S26) x 80 kg = 40 mg
    assert first["mg_per_kg"] == 0.5 and first["dose_mg"] == pytest.approx(40)


def test_phases_move_forward_and_ending_needs_a_reason(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    course = courses.plan_new_course(people.prescriber, patient.pk,
                                     courses.CourseInput(product="esketamine-nasal", start_date=timezone.now().date()),
                                     now=timezone.now())  # fmt: skip
    with pytest.raises(InputError, match="phase"):
        courses.change_phase(people.prescriber, course.pk, phase="maintenance", now=timezone.now())
    courses.change_phase(people.prescriber, course.pk, phase="induction", now=timezone.now())
    with pytest.raises(InputError, match="end_reason"):
        courses.change_phase(people.prescriber, course.pk, phase="ended", reason="", now=timezone.now())
    courses.change_phase(
        people.prescriber, course.pk, phase="ended", reason="Non-response at week 4", now=timezone.now()
    )
    ended = Course.objects.get(pk=course.pk)
    assert ended.phase == "ended" and ended.end_reason == "Non-response at week 4"
    with pytest.raises(ConflictError):
        from ketamine_trd.clinic.records.services.sessions import schedule_session

        schedule_session(people.nurse, course.pk, scheduled_at=timezone.now(), chair="", now=timezone.now())


def test_ending_a_course_cancels_its_planned_sessions_only(people) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.audit.models import AuditEvent
    from ketamine_trd.clinic.records.models import Session
    from tests.clinic.builders import make_course, make_session

    course = make_course(make_patient(people.clinic), phase="maintenance")
    planned = make_session(course, scheduled_at=timezone.now() + dt.timedelta(days=1))
    started = make_session(course, status="in_progress")
    signed = make_session(course, status="signed", scheduled_at=timezone.now() - dt.timedelta(days=7))
    courses.change_phase(people.prescriber, course.pk, phase="ended", reason="Patient choice", now=timezone.now())
    status = dict(Session.objects.filter(course=course).values_list("pk", "status"))
    assert status == {planned.pk: "cancelled", started.pk: "in_progress", signed.pk: "signed"}
    assert AuditEvent.objects.filter(action="update", object_id=str(planned.pk), object_type__icontains="session")


def test_one_open_course_at_a_time(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    data = courses.CourseInput(product="esketamine-nasal", start_date=timezone.now().date())
    courses.plan_new_course(people.prescriber, patient.pk, data, now=timezone.now())
    with pytest.raises(ConflictError):
        courses.plan_new_course(people.prescriber, patient.pk, data, now=timezone.now())


def test_course_form_and_pages_render(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    client = people.client("prescriber")
    response = client.post(f"/patients/{patient.pk}/courses/new/", {
        "product": "esketamine-nasal", "start_date": timezone.now().date().isoformat(), "indication": "trd",
        "total_weeks": "16", "from_week9": "every-2-weeks", "mg_per_kg": "0.5", "infusions": "6", "per_week": "2",
        "maintenance": "none", "maintenance_sessions": "0"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    course = Course.objects.get(patient=patient)
    page = client.get(f"/courses/{course.pk}/")
    assert page.status_code == 200 and b"Planned calendar" in page.content
    assert client.get(f"/patients/{patient.pk}/").status_code == 200
