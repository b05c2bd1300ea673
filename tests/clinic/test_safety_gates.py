"""The safety gates in the clinic (issue 11): eligibility before a course, dose checks at the chair for the form AND
the API, signing that means it, the REMS contact from one person. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.records.models import Course, Session
from ketamine_trd.clinic.records.services import courses, gates, intake, session_writes, sessions, signing
from ketamine_trd.clinic.records.services.session_writes import (
    ChecklistInput,
    DischargeInput,
    DoseInput,
    RatingInput,
    VitalsInput,
)
from ketamine_trd.errors import InputError
from tests.clinic.builders import (
    make_course,
    make_eligible,
    make_patient,
    make_session,
    make_treated_course,
    make_user,
    start_induction,
)

REASON = "benefit outweighs the risk after a vascular surgery review"
DOSE_REASON = "weight re-measured today; prescriber confirms this dose"
ANEURYSM = {"sex": "male", "blood_pressure": {"systolic": 124, "diastolic": 78}, "rems_enrolled": True,
            "pregnant": False, "hepatic_impairment": "none", "conditions": ["aneurysmal_vascular_disease"]}  # fmt: skip


def _json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _contraindicated(people: Any) -> Any:
    """A patient with a signed TRD verdict and a signed esketamine screening that is not eligible (aneurysm, S1)."""
    patient = make_patient(people.clinic, sex="male")
    make_eligible(patient, people.prescriber, "ketamine-iv")
    now = timezone.now()
    result = intake.record_screening_intake(people.prescriber, patient.pk, ANEURYSM, product="esketamine-nasal",
                                            bp_profile=None, now=now)  # fmt: skip
    assert result.verdict == "not_eligible"
    intake.sign_off_intake(people.prescriber, result.pk, now=now)
    return patient


# --- 1. eligibility gates ---------------------------------------------------------------------------------------


def test_planning_needs_a_signed_trd_verdict_and_a_screening_for_that_product(people: Any) -> None:
    patient = make_patient(people.clinic)
    data = courses.CourseInput(product="esketamine-nasal", start_date=timezone.now().date())
    with pytest.raises(InputError) as refused:
        courses.plan_new_course(people.prescriber, patient.pk, data, now=timezone.now())
    assert refused.value.field == "override_reason"
    assert "No treatment-history (TRD) verdict" in str(refused.value)
    assert "No medical screening recorded for esketamine nasal spray" in str(refused.value)
    make_eligible(patient, people.prescriber, "ketamine-iv")  # signed, but for IV ketamine only
    with pytest.raises(InputError, match="No medical screening recorded for esketamine"):
        courses.plan_new_course(people.prescriber, patient.pk, data, now=timezone.now())
    assert not Course.objects.filter(patient=patient).exists()


def test_unsigned_results_do_not_open_the_gate(people: Any) -> None:
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal", signed=False)
    data = courses.CourseInput(product="esketamine-nasal", start_date=timezone.now().date())
    with pytest.raises(InputError, match="not signed off"):
        courses.plan_new_course(people.prescriber, patient.pk, data, now=timezone.now())


def test_a_not_eligible_screening_needs_an_override_recorded_on_the_course(people: Any) -> None:
    patient = _contraindicated(people)
    data = courses.CourseInput(product="esketamine-nasal", start_date=timezone.now().date())
    with pytest.raises(InputError, match="Aneurysmal vascular disease"):
        courses.plan_new_course(people.prescriber, patient.pk, data, now=timezone.now())
    with pytest.raises(InputError):  # a few characters are not a reason
        courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
            product="esketamine-nasal", start_date=timezone.now().date(), override_reason="ok"), now=timezone.now())
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="esketamine-nasal", start_date=timezone.now().date(), override_reason=REASON), now=timezone.now())
    course.refresh_from_db()
    assert course.gate_override_reason == REASON and course.gate_overridden_by == people.prescriber
    assert [f["rule_id"] for f in course.gate_findings["findings"]] == ["gate-screening-not-eligible"]
    audit = AuditEvent.objects.filter(action="create", object_id=str(course.pk), object_type__icontains="course")
    assert audit.exists() and "gate_override_reason" in audit.get().changed_fields
    # moving to induction: the override covers the same findings
    courses.change_phase(people.prescriber, course.pk, phase="induction", now=timezone.now())
    assert Course.objects.get(pk=course.pk).phase == "induction"


def test_induction_judges_the_gate_again(people: Any) -> None:
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="esketamine-nasal", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    # a newer screening finds a contraindication: induction now needs a reason
    result = intake.record_screening_intake(people.nurse, patient.pk, ANEURYSM, product="esketamine-nasal",
                                            bp_profile=None, now=timezone.now())  # fmt: skip
    intake.sign_off_intake(people.prescriber, result.pk, now=timezone.now())
    with pytest.raises(InputError, match="not eligible"):
        courses.change_phase(people.prescriber, course.pk, phase="induction", now=timezone.now())
    courses.change_phase(people.prescriber, course.pk, phase="induction", now=timezone.now(), override_reason=REASON)
    assert Course.objects.get(pk=course.pk).gate_override_reason == REASON


def test_the_form_asks_for_a_reason_and_the_password(people: Any) -> None:
    from ketamine_trd.clinic.authn.reauth import SESSION_KEY

    patient = _contraindicated(people)
    client = people.client("prescriber", recent_auth=False)
    page = client.get(f"/patients/{patient.pk}/courses/new/")
    text = page.content.decode()
    assert "Eligibility for esketamine nasal spray" in text and "Aneurysmal vascular disease" in text
    form = {"product": "esketamine-nasal", "start_date": timezone.now().date().isoformat(), "indication": "trd",
            "total_weeks": "16", "from_week9": "every-2-weeks", "mg_per_kg": "0.5", "infusions": "6",
            "per_week": "2", "maintenance": "none", "maintenance_sessions": "0"}  # fmt: skip
    assert client.post(f"/patients/{patient.pk}/courses/new/", form).status_code == 422
    no_password = client.post(f"/patients/{patient.pk}/courses/new/", form | {"override_reason": REASON})
    assert no_password.status_code == 422 and b"Enter your password" in no_password.content
    wrong = client.post(f"/patients/{patient.pk}/courses/new/", form | {"override_reason": REASON, "password": "x"})
    assert wrong.status_code == 422 and not Course.objects.filter(patient=patient).exists()
    from tests.clinic.builders import PASSWORD

    done = client.post(f"/patients/{patient.pk}/courses/new/", form | {"override_reason": REASON,
                                                                       "password": PASSWORD})  # fmt: skip
    assert done.status_code == 302 and SESSION_KEY in client.session
    course = Course.objects.get(patient=patient)
    detail = client.get(f"/courses/{course.pk}/").content.decode()
    assert "Eligibility overridden" in detail and REASON in detail


def test_the_api_refuses_a_course_without_eligibility(people: Any) -> None:
    patient = _contraindicated(people)
    client = people.client("prescriber")
    body = {"product": "esketamine-nasal", "start_date": timezone.now().date().isoformat()}
    refused = _json(client, f"/api/patients/{patient.pk}/courses", body)
    assert refused.status_code == 422 and refused.json()["field"] == "override_reason"
    stale = people.client("prescriber", recent_auth=False)
    assert _json(stale, f"/api/patients/{patient.pk}/courses", body | {"override_reason": REASON}).status_code == 403
    done = _json(client, f"/api/patients/{patient.pk}/courses", body | {"override_reason": REASON})
    assert done.status_code == 201, done.content


def test_patient_page_shows_the_latest_screening_per_product_naming_it(people: Any) -> None:
    patient = _contraindicated(people)
    text = people.client("prescriber").get(f"/patients/{patient.pk}/").content.decode()
    assert "Medical screening for esketamine nasal spray (SPRAVATO)" in text and "not_eligible" in text
    assert "Medical screening for racemic ketamine IV" in text


def _esk_session(people: Any, patient: Any, *, gate_reason: str = "") -> Session:
    """A session on an esketamine course moved to induction through the gate (overridden by ``gate_reason``)."""
    course = make_course(patient, phase="evaluation", plan_data={
        "indication": "trd", "sessions": [
            {"number": 1, "dose_mg": 56, "mg_per_kg": None, "phase": "induction"},
            {"number": 2, "dose_mg": 56, "mg_per_kg": None, "phase": "induction"}]})  # fmt: skip
    return make_session(start_induction(course, people.prescriber, reason=gate_reason))


def _eligible_esk_session(people: Any, **patient: Any) -> Session:
    """An eligible patient (signed TRD verdict and esketamine screening) and a session of a course in induction."""
    person = make_patient(people.clinic, **patient)
    make_eligible(person, people.prescriber, "esketamine-nasal")
    return _esk_session(people, person)


def _found_later(people: Any, patient: Any) -> None:
    """A newer signed esketamine screening that finds aneurysmal vascular disease (S1)."""
    found = intake.record_screening_intake(people.prescriber, patient.pk, ANEURYSM, product="esketamine-nasal",
                                           bp_profile=None, now=timezone.now())  # fmt: skip
    intake.sign_off_intake(people.prescriber, found.pk, now=timezone.now())


def _checklist(people: Any, session: Session, t0: dt.datetime) -> None:
    esketamine = session.course.product == "esketamine-nasal"  # REMS enrolment is asked for esketamine only
    session_writes.record_checklist(people.nurse, session.pk, ChecklistInput(
        checked_at=t0 - dt.timedelta(minutes=20), first_treatment=False, rems_enrolled=True if esketamine else None,
        last_food_at=t0 - dt.timedelta(hours=4), last_liquid_at=t0 - dt.timedelta(hours=1),
        concomitant_reviewed=True, safe_departure_arranged=True), now=t0)  # fmt: skip
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 - dt.timedelta(minutes=10), 128, 80, 72, 98,
                              timepoint="predose"), now=t0)  # fmt: skip


def test_a_contraindication_follows_the_patient_to_the_chair(people: Any) -> None:
    session = _eligible_esk_session(people, sex="male")  # induction passed the gate; the screening came later
    _found_later(people, session.patient)
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    _checklist(people, session, t0)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "hold"
    assert view.predose.findings[0].rule_id == "screening-esk-ci-aneurysm"
    assert [n.rule for n in view.screening.contraindications] == ["esk-ci-aneurysm"]  # type: ignore[union-attr]
    # dosing is refused without a prescriber's reason, and a nurse's reason does not count
    with pytest.raises(InputError, match="Contraindication on the screening"):
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2),
                                   now=t0)  # fmt: skip
    with pytest.raises(InputError) as nurse:
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2,
                                   override_reason=DOSE_REASON), now=t0)  # fmt: skip
    assert nurse.value.field == "override_reason"
    session_writes.record_dose(people.prescriber, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2,
                               override_reason=DOSE_REASON), now=t0)  # fmt: skip
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_override_reason == DOSE_REASON and stored.dose_overridden_by == people.prescriber
    assert stored.dose_check["overridden"] is True


def test_an_eligibility_override_lifts_the_predose_hold(people: Any) -> None:
    patient = _contraindicated(people)
    session = _esk_session(people, patient, gate_reason=REASON)
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    _checklist(people, session, t0)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "proceed_with_cautions"
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2), now=t0)
    page = people.client("nurse").get(f"/sessions/{session.pk}/").content.decode()
    assert "Eligibility overridden" in page and REASON in page and "Contraindication (overridden)" in page


def test_an_override_for_other_findings_does_not_lift_a_later_contraindication(people: Any) -> None:
    """A course overridden before the TRD verdict was signed keeps its reason, but a contraindication that a later
    screening finds holds the dose and needs a prescriber's reason of its own (the reason covers only its findings).
    """
    patient = make_patient(people.clinic, sex="male")
    no_trd = gates.judge_gate(patient, "esketamine-nasal", REASON)
    assert no_trd.overridden and "screening-esk-ci-aneurysm" not in no_trd.rule_ids
    session = _esk_session(people, patient, gate_reason=REASON)  # induction overridden: no TRD, no screening yet
    course = session.course
    assert course.gate_override_reason == REASON
    make_eligible(patient, people.prescriber, "ketamine-iv")
    _found_later(people, patient)
    assert gates.standing_override(course) == ""
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    _checklist(people, session, t0)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "hold"
    with pytest.raises(InputError, match="Contraindication on the screening"):
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2),
                                   now=t0)  # fmt: skip


# --- 2. dose checks at the chair: the same for the form and the API ----------------------------------------------


def _iv_session(people: Any) -> Session:
    patient = make_patient(people.clinic, weight_kg=Decimal("81.6"))
    make_eligible(patient, people.prescriber, "ketamine-iv")
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="ketamine-iv", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    course = start_induction(course, people.prescriber)  # the eligibility gate, judged again, as a clinic does
    return make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))


def test_a_ten_fold_iv_dose_is_refused_on_the_form_and_on_the_api(people: Any) -> None:
    session = _iv_session(people)
    _checklist(people, session, timezone.now() - dt.timedelta(minutes=5))
    at = timezone.localtime(timezone.now() - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    nurse = people.client("nurse")
    form = nurse.post(f"/sessions/{session.pk}/dose/", {"dose-dosed_at": at, "dose-dose_mg": "408",
                                                        "dose-lot_number": "LOT-IV"})  # fmt: skip
    assert form.status_code == 422 and "10.0 x the planned 40.8 mg" in form.content.decode()
    api = _json(nurse, f"/api/sessions/{session.pk}/dose", {
        "dosed_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(), "dose_mg": "408", "lot_number": "LOT-IV"})
    assert api.status_code == 422 and api.json()["field"] == "dose_mg" and "40.8 mg" in api.json()["message"]
    assert Session.objects.get(pk=session.pk).dose_mg is None
    # inconsistent entries: both fields named, on the form and on the API
    bad = {"dosed_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(), "dose_mg": "40.8",
           "lot_number": "LOT-IV", "mg_per_kg": "2.0"}  # fmt: skip
    api_bad = _json(nurse, f"/api/sessions/{session.pk}/dose", bad)
    assert api_bad.status_code == 422 and "mg/kg 2" in api_bad.json()["message"]
    # a prescriber's reason records the override
    done = _json(people.client("prescriber"), f"/api/sessions/{session.pk}/dose", {
        "dosed_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(), "dose_mg": "408", "lot_number": "LOT-IV",
        "override_reason": DOSE_REASON})  # fmt: skip
    assert done.status_code == 200, done.content
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_mg == Decimal(408) and stored.dose_override_reason == DOSE_REASON
    assert {f["rule_id"] for f in stored.dose_check["findings"]} == {"dose-off-plan", "iv-outside-studied-range"}


def test_the_dose_field_is_pre_filled_from_the_plan(people: Any) -> None:
    session = _iv_session(people)
    page = people.client("nurse").get(f"/sessions/{session.pk}/?step=dosing").content.decode()
    assert 'name="dose-dose_mg" value="40.8"' in page and 'name="dose-mg_per_kg" value="0.5"' in page
    assert "Planned for session 1: 40.8 mg (0.5 mg/kg × 81.6 kg)" in page


def test_a_dose_time_outside_the_session_window_is_refused(people: Any) -> None:
    session = _iv_session(people)
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.prescriber, session.pk, DoseInput(
            dt.datetime(2020, 1, 1, 9, tzinfo=dt.UTC), Decimal("40.8"), "LOT-IV", override_reason=DOSE_REASON),
            now=timezone.now())  # fmt: skip
    assert refused.value.field == "dosed_at"


def test_esketamine_doses_follow_the_label_at_the_chair(people: Any) -> None:
    session = _eligible_esk_session(people)
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    with pytest.raises(InputError, match="cannot be given with 28-mg devices"):  # the walk's 500 mg
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(500), "L", devices_used=2), now=t0)
    with pytest.raises(InputError) as devices:
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L", devices_used=3), now=t0)
    assert devices.value.field == "dose_mg" and "devices used 3" in str(devices.value)
    with pytest.raises(InputError, match="not a label dose at session 1"):
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(84), "L", devices_used=3), now=t0)


# --- 3. signing that means it --------------------------------------------------------------------------------------


def _charted_not_ready(people: Any) -> tuple[Session, dt.datetime]:
    """An esketamine session charted completely except that the last MOAA/S is 3 (not ready for discharge)."""
    people.nurse.first_name, people.nurse.last_name, people.nurse.email = "Nina", "Example", "nina@example.org"
    people.nurse.save()
    session = _eligible_esk_session(people)
    t0 = timezone.now() - dt.timedelta(hours=2, minutes=20)
    Session.objects.filter(pk=session.pk).update(scheduled_at=t0 - dt.timedelta(minutes=30))
    now = t0 + dt.timedelta(hours=2, minutes=10)
    _checklist(people, session, t0)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2), now=now)
    for minutes, timepoint in ((40, "post-40"), (115, "discharge")):
        session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=minutes), 126, 80,
                                  70, 98, timepoint=timepoint), now=now)  # fmt: skip
    session_writes.add_rating(people.nurse, session.pk, RatingInput("moaas", 3, t0 + dt.timedelta(minutes=118)),
                              now=now)  # fmt: skip
    session_writes.record_discharge(people.nurse, session.pk, DischargeInput(
        monitoring_completed_at=t0 + dt.timedelta(minutes=125), ready_to_leave_minutes=90,
        vitals_ok_before_administration=True, vitals_ok_before_completion=True, sedation_observed=True,
        dissociation_observed=False, respiratory_depression_observed=False, clinically_stable=True,
        safe_departure_arranged=True, monitoring_hcp_id=people.nurse.pk), now=now)  # fmt: skip
    return Session.objects.get(pk=session.pk), now


def test_a_session_not_ready_for_discharge_cannot_be_signed_without_a_reason(people: Any) -> None:
    session, now = _charted_not_ready(people)
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    assert view.discharge is not None and not view.discharge.ready
    assert [m.field for m in view.missing] == ["discharge"] and not view.can_sign  # the page agrees
    outcome = signing.sign_session(people.nurse, session.pk, now=now)
    assert not outcome.signed and [m.field for m in outcome.missing] == ["discharge"]
    with pytest.raises(InputError) as nurse:
        signing.sign_session(people.nurse, session.pk, now=now, override_reason="patient left against advice")
    assert nurse.value.field == "override_reason"
    done = signing.sign_session(people.prescriber, session.pk, now=now, override_reason="patient left against advice")
    assert done.signed
    stored = Session.objects.get(pk=session.pk)
    assert stored.sign_override_reason == "patient left against advice" and stored.discharge_ready is False
    assert AuditEvent.objects.filter(action="sign", object_id=str(session.pk), detail__icontains="not ready").exists()


def test_an_unacknowledged_critical_alert_blocks_the_signature(people: Any) -> None:
    session, now = _charted_not_ready(people)
    session_writes.add_rating(people.nurse, session.pk, RatingInput("moaas", 5, now - dt.timedelta(minutes=5)),
                              now=now)  # fmt: skip
    alert = Alert.objects.create(patient=session.patient, course=session.course, session=session, kind="monitoring",
                                 level="critical", rule="test-critical", source="S1", message="SpO2 89%.",
                                 object_key=f"session:{session.pk}:x", raised_at=now)  # fmt: skip
    outcome = signing.sign_session(people.prescriber, session.pk, now=now, override_reason="a reason long enough")
    assert not outcome.signed and [m.field for m in outcome.missing] == ["alerts"]
    page = people.client("nurse").get(f"/sessions/{session.pk}/").content.decode()
    assert "Critical alert not acknowledged: SpO2 89%." in page and 'data-testid="open-critical"' in page
    Alert.objects.filter(pk=alert.pk).update(acknowledged_at=now, acknowledged_by=people.nurse)
    assert signing.sign_session(people.prescriber, session.pk, now=now).signed


def test_the_sign_form_and_api_carry_the_reason(people: Any) -> None:
    session, _ = _charted_not_ready(people)
    prescriber = people.client("prescriber")
    page = prescriber.get(f"/sessions/{session.pk}/").content.decode()
    assert "Reason to sign although the patient is not ready for discharge" in page
    assert "Discharge readiness is &#x27;not ready&#x27;: Last MOAA/S" in page
    refused = _json(prescriber, f"/api/sessions/{session.pk}/sign", {})
    assert refused.status_code == 200 and refused.json()["signed"] is False
    signed = _json(prescriber, f"/api/sessions/{session.pk}/sign", {"override_reason": "transferred to the ED"})
    assert signed.json()["signed"] is True


# --- 6. REMS record from one person --------------------------------------------------------------------------------


def test_the_monitoring_provider_is_a_user_of_this_clinic(people: Any) -> None:
    session = _eligible_esk_session(people)
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    other_clinic_nurse = make_user("nurse", people.outsider.clinic)
    data = DischargeInput(t0, None, None, None, None, None, None, None, None, monitoring_hcp_id=other_clinic_nurse.pk)
    with pytest.raises(InputError) as refused:
        session_writes.record_discharge(people.nurse, session.pk, data, now=t0)
    assert refused.value.field == "monitoring_hcp_id"
    front_desk = DischargeInput(t0, None, None, None, None, None, None, None, None,
                                monitoring_hcp_id=people.front_desk.pk)  # fmt: skip
    with pytest.raises(InputError):
        session_writes.record_discharge(people.nurse, session.pk, front_desk, now=t0)


def test_the_pmf_contact_is_one_person(people: Any) -> None:
    from ketamine_trd.clinic.records.services.rems import pmf_contact

    session, _ = _charted_not_ready(people)
    people.nurse.phone = "555-0142"
    people.nurse.save()
    people.prescriber.email = "prescriber@example.org"
    people.prescriber.save()
    session.refresh_from_db()
    contact = pmf_contact(session, people.prescriber)
    assert (contact.hcp_name, contact.hcp_phone, contact.hcp_email) == ("Nina Example", "555-0142", "nina@example.org")
    Session.objects.filter(pk=session.pk).update(monitoring_hcp=None)
    session.refresh_from_db()
    assert pmf_contact(session, people.prescriber).hcp_email == "prescriber@example.org"


def test_the_plan_tolerance_is_a_site_setting(people: Any, settings: Any) -> None:
    from ketamine_trd.clinic.records.services.gates import dose_rules

    assert dose_rules().plan_tolerance_percent.value == Decimal(10)
    settings.KTRD_DOSE_PLAN_TOLERANCE_PERCENT = 5
    rules = dose_rules()
    assert rules.plan_tolerance_percent.value == Decimal(5) and rules.plan_tolerance_percent.source == "site-decision"
    session = _iv_session(people)
    with pytest.raises(InputError, match="more than 5% from the plan"):  # 43.5 mg is within 10 % of 40.8, not 5 %
        session_writes.record_dose(people.nurse, session.pk, DoseInput(timezone.now() - dt.timedelta(minutes=5),
                                   Decimal("43.5"), "LOT-IV"), now=timezone.now())  # fmt: skip


def test_the_phase_form_takes_an_override_reason_with_the_password(people: Any) -> None:
    from tests.clinic.builders import PASSWORD

    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="esketamine-nasal", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    result = intake.record_screening_intake(people.nurse, patient.pk, ANEURYSM, product="esketamine-nasal",
                                            bp_profile=None, now=timezone.now())  # fmt: skip
    intake.sign_off_intake(people.prescriber, result.pk, now=timezone.now())
    client = people.client("prescriber", recent_auth=False)
    page = client.get(f"/courses/{course.pk}/").content.decode()
    assert "Reason to start induction although eligibility is not established" in page
    refused = client.post(f"/courses/{course.pk}/phase/", {"phase": "induction"}, follow=True).content.decode()
    assert "Eligibility is not established." in refused and Course.objects.get(pk=course.pk).phase == "evaluation"
    client.post(f"/courses/{course.pk}/phase/", {"phase": "induction", "override_reason": REASON,
                                                 "password": PASSWORD})  # fmt: skip
    moved = Course.objects.get(pk=course.pk)
    assert moved.phase == "induction" and moved.gate_override_reason == REASON


def test_an_old_override_does_not_cover_a_new_finding(people: Any) -> None:
    patient = _contraindicated(people)
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="esketamine-nasal", start_date=timezone.now().date(), override_reason=REASON), now=timezone.now())
    # a newer TRD result, not yet signed: a finding the override did not cover
    intake.record_trd_intake(people.nurse, patient.pk, {"episode": {"duration_months": 18, "severity": "severe"},
                             "trials": []}, profile=None, now=timezone.now())  # fmt: skip
    page = courses.course_page(people.prescriber, course.pk, now=timezone.now())
    assert page.gate is not None and not page.gate.accepted
    assert {"gate-trd-unsigned", "gate-trd-not-trd"} <= set(page.gate.rule_ids)
    with pytest.raises(InputError, match="not signed off"):
        courses.change_phase(people.prescriber, course.pk, phase="induction", now=timezone.now())


# --- 7. what the core knows gates what the clinic does (review of issue 11) ------------------------------------------


def test_no_dose_on_a_course_still_in_evaluation_form_api_and_chart(people: Any) -> None:
    """A course planned but not moved to induction has not passed the induction gate: the dose is refused with its
    reason and source on the service, the form and the API, and the chart holds; after induction it is charted."""
    patient = make_patient(people.clinic, weight_kg=Decimal("81.6"))
    make_eligible(patient, people.prescriber, "ketamine-iv")
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="ketamine-iv", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    assert course.phase == "evaluation"
    session = make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))
    t0 = timezone.now() - dt.timedelta(minutes=5)
    dose = DoseInput(t0, Decimal("40.8"), "LOT-IV", mg_per_kg=Decimal("0.5"))
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.prescriber, session.pk, replace(dose, override_reason=DOSE_REASON),
                                   now=timezone.now())  # fmt: skip
    assert refused.value.field == "dose_mg" and "still in evaluation" in str(refused.value)
    assert "platform-defined" in str(refused.value)
    nurse = people.client("nurse")
    form = nurse.post(f"/sessions/{session.pk}/dose/", {"dose-dosed_at": timezone.localtime(t0).strftime(
        "%Y-%m-%dT%H:%M"), "dose-dose_mg": "40.8", "dose-mg_per_kg": "0.5", "dose-lot_number": "LOT-IV"})
    assert form.status_code == 422 and "still in evaluation" in form.content.decode()
    api = _json(nurse, f"/api/sessions/{session.pk}/dose", {"dosed_at": t0.isoformat(), "dose_mg": "40.8",
                                                             "lot_number": "LOT-IV"})  # fmt: skip
    assert api.status_code == 422 and api.json()["field"] == "dose_mg" and "evaluation" in api.json()["message"]
    assert Session.objects.get(pk=session.pk).dose_mg is None
    _checklist(people, session, t0)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "hold"
    assert view.predose.findings[0].rule_id == "gate-course-in-evaluation"
    start_induction(course, people.prescriber)
    session_writes.record_dose(people.nurse, session.pk, dose, now=timezone.now())
    assert Session.objects.get(pk=session.pk).phase == "induction"


def test_a_later_not_trd_verdict_refuses_the_dose_with_its_source(people: Any) -> None:
    session = _eligible_esk_session(people)
    later = intake.record_trd_intake(people.prescriber, session.patient_id, {"episode": {
        "duration_months": 18, "severity": "severe"}, "trials": []}, profile=None, now=timezone.now())  # fmt: skip
    intake.sign_off_intake(people.prescriber, later.pk, now=timezone.now())
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.prescriber, session.pk, DoseInput(t0, Decimal(56), "L", devices_used=2,
                                   override_reason=DOSE_REASON), now=t0)  # fmt: skip
    assert "does not meet the TRD definition" in str(refused.value) and "(source: S1)" in str(refused.value)


def test_an_intake_override_to_not_eligible_holds_at_the_chair(people: Any) -> None:
    """The clinician's "not eligible" at intake, without a contraindication on the screening, holds the dose
    (chart and dose check) with its reason; it never lifts anything."""
    session = _eligible_esk_session(people)
    newer = intake.record_screening_intake(people.nurse, session.patient_id, {
        "sex": "female", "blood_pressure": {"systolic": 124, "diastolic": 78}, "rems_enrolled": True,
        "pregnant": False, "hepatic_impairment": "none"}, product="esketamine-nasal", bp_profile=None,
        now=timezone.now())  # fmt: skip
    intake.sign_off_intake(people.prescriber, newer.pk, now=timezone.now())
    why = "severe aortic stenosis found on echocardiogram"
    intake.override_intake(people.prescriber, newer.pk, verdict="not_eligible", reason=why, now=timezone.now())
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    _checklist(people, session, t0)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "hold"
    held = next(f for f in view.predose.findings if f.rule_id == "screening-screening-judged-not-eligible")
    assert why in held.message
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L", devices_used=2), now=t0)
    assert "judged the patient not eligible at intake" in str(refused.value) and why in str(refused.value)
    page = people.client("nurse").get(f"/sessions/{session.pk}/").content.decode()
    assert why in page


def test_an_intake_override_towards_eligible_lifts_the_contraindication_with_its_reason(people: Any) -> None:
    session = _eligible_esk_session(people, sex="male")
    _found_later(people, session.patient)
    found = gates.latest_results(session.patient)[1]["esketamine-nasal"]
    why = "aneurysm repaired in 2024, vascular surgeon agrees"
    intake.override_intake(people.prescriber, found.pk, verdict="eligible_with_cautions", reason=why,
                           now=timezone.now())  # fmt: skip
    t0 = session.scheduled_at + dt.timedelta(minutes=30)
    _checklist(people, session, t0)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "proceed_with_cautions"
    lifted = next(f for f in view.predose.findings if f.rule_id == "screening-esk-ci-aneurysm")
    assert lifted.level.value == "caution" and why in lifted.message
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L", devices_used=2), now=t0)


# --- 8. the screening form: unknown is unknown ---------------------------------------------------------------------

SCREENING_FORM = {"product": "esketamine-nasal", "systolic_mmhg": "124", "diastolic_mmhg": "78",
                  "rems_enrolled": "true"}  # fmt: skip


def test_the_screening_form_chooses_nothing_for_the_clinician(people: Any) -> None:
    """An unknown sex is not "female" and hepatic impairment is not "none": both start at "— choose —", and the
    screening refuses to judge until they (and a female patient's pregnancy) are answered, in clinical words."""
    from ketamine_trd.clinic.records.models import IntakeResult

    patient = make_patient(people.clinic, sex="unknown")
    nurse = people.client("nurse")
    page = nurse.get(f"/patients/{patient.pk}/intake/screening/").content.decode()
    for name in ("sex", "hepatic_impairment", "pregnant"):
        select = page[page.index(f'name="{name}"'):]
        select = select[:select.index("</select>")]
        assert '<option value="" selected>— choose —</option>' in select, name
    refused = nurse.post(f"/patients/{patient.pk}/intake/screening/", SCREENING_FORM)
    text = refused.content.decode()
    assert refused.status_code == 422 and not IntakeResult.objects.exists()
    assert "Not answered: Sex (the pregnancy and reproductive-potential rules depend on it)" in text
    assert "Not answered: Hepatic impairment (Child-Pugh" in text
    female = nurse.post(f"/patients/{patient.pk}/intake/screening/", SCREENING_FORM | {
        "sex": "female", "hepatic_impairment": "unknown"})  # fmt: skip
    assert female.status_code == 422 and "Not answered: Pregnancy status of a female patient" in female.content.decode()
    done = nurse.post(f"/patients/{patient.pk}/intake/screening/", SCREENING_FORM | {
        "sex": "female", "hepatic_impairment": "unknown", "pregnant": "unknown"})  # fmt: skip
    assert done.status_code == 302
    rules = {f["rule"] for f in IntakeResult.objects.get(patient=patient).result_data["findings"]}
    assert {"hepatic-unknown", "pregnancy-unknown"} <= rules


def test_bp_400_over_20_gives_one_right_message_per_field(people: Any) -> None:
    patient = make_patient(people.clinic)
    form = SCREENING_FORM | {"sex": "male", "hepatic_impairment": "none", "systolic_mmhg": "400",
                             "diastolic_mmhg": "20"}  # fmt: skip
    response = people.client("nurse").post(f"/patients/{patient.pk}/intake/screening/", form)
    text = response.content.decode()
    assert response.status_code == 422
    assert text.count("Systolic blood pressure must be 50 to 260 mmHg") == 1
    assert "give both" not in text.lower() and "value too" not in text
    one_missing = people.client("nurse").post(f"/patients/{patient.pk}/intake/screening/", form | {
        "systolic_mmhg": "130", "diastolic_mmhg": ""})  # fmt: skip
    assert "Give the diastolic value too" in one_missing.content.decode()


def test_the_eu_28_mg_step_rule_holds_at_the_chair(people: Any) -> None:
    """EU/UK label at 65 or over (profile eu-age65, S12): after 28 mg, 84 mg skips a step; the chair's dose check
    reads the previous dose given on the course and asks a prescriber for a reason."""
    patient = make_patient(people.clinic, date_of_birth=dt.date(1950, 1, 1))
    course = make_treated_course(patient, people.prescriber, plan_data={"indication": "trd", "profile": "eu-age65",
        "sessions": [{"number": 1, "dose_mg": 28, "mg_per_kg": None, "phase": "induction"},
                     {"number": 2, "dose_mg": 84, "mg_per_kg": None, "phase": "induction"}]})  # fmt: skip
    first = make_session(course, scheduled_at=timezone.now() - dt.timedelta(days=3))
    t1 = first.scheduled_at + dt.timedelta(minutes=20)
    _checklist(people, first, t1)
    session_writes.record_dose(people.nurse, first.pk, DoseInput(t1, Decimal(28), "L1", devices_used=1), now=t1)
    second = make_session(course, scheduled_at=timezone.now() - dt.timedelta(hours=1))
    t2 = second.scheduled_at + dt.timedelta(minutes=20)
    _checklist(people, second, t2)
    with pytest.raises(InputError, match="28 to 56 mg after 28 mg"):
        session_writes.record_dose(people.nurse, second.pk, DoseInput(t2, Decimal(84), "L2", devices_used=3), now=t2)
    session_writes.record_dose(people.prescriber, second.pk, DoseInput(t2, Decimal(84), "L2", devices_used=3,
                               override_reason=DOSE_REASON), now=t2)  # fmt: skip
    stored = Session.objects.get(pk=second.pk)
    assert [f["rule_id"] for f in stored.dose_check["findings"]] == ["esk-dose-step"]
