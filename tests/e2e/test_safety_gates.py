"""The safety gates of issue 11 in a real browser (Playwright driving Debian's chromium), as their users meet them.

1. A contraindicated patient cannot be planned, nor dosed, without a prescriber's written reason.
2. A ten-fold IV dose is refused at the chair; the prescriber's override is recorded and shown.
3. A session whose patient is not ready for discharge cannot be signed.

Every gate page is photographed at the nurse's tablet (820 px) and the prescriber's desktop (1366 px) into
``test-artifacts/``. The records behind each journey are made through the same services the pages use.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _local, _login, page, users  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Stable aneurysm under surveillance; vascular surgery advises benefit outweighs risk"
DOSE_REASON = "Weight re-measured today; I confirm this dose after review"
ANEURYSM = {"sex": "male", "blood_pressure": {"systolic": 124, "diastolic": 78}, "rems_enrolled": True,
            "pregnant": False, "hepatic_impairment": "none", "conditions": ["aneurysmal_vascular_disease"]}  # fmt: skip
WIDTHS = (820, 1366)


def _shoot(j: Journey, name: str) -> None:
    """The page at the tablet and the desktop width (full page each)."""
    for width in WIDTHS:
        j.page.set_viewport_size({"width": width, "height": 1000})
        j.page.screenshot(path=str(ARTIFACTS / f"gates-{j.prefix}-{name}-{width}.png"), full_page=True)
    j.passed.append(name)


def _patient(staff: dict[str, Any], mrn: str, **kw: Any) -> Any:
    from tests.clinic.builders import make_patient

    values = {"given_name": "Carl", "family_name": "Contra", "sex": "male"} | kw
    return make_patient(staff["prescriber"].clinic, mrn=mrn, **values)


def _intake(staff: dict[str, Any], patient: Any, product: str, profile: dict[str, Any]) -> None:
    from ketamine_trd.clinic.records.services import intake
    from tests.clinic.builders import make_eligible

    make_eligible(patient, staff["prescriber"], "ketamine-iv" if product == "esketamine-nasal" else product)
    if product == "esketamine-nasal":
        result = intake.record_screening_intake(staff["prescriber"], patient.pk, profile, product=product,
                                                bp_profile=None, now=timezone.now())  # fmt: skip
        intake.sign_off_intake(staff["prescriber"], result.pk, now=timezone.now())


def test_a_contraindicated_patient_is_not_planned_or_dosed_without_a_reason(page: Any, users: dict[str, Any]) -> None:  # noqa: F811, E501
    from ketamine_trd.clinic.records.models import Course
    from tests.clinic.builders import make_course, make_eligible, make_session, start_induction

    j = Journey(page, "contraindication")
    patient = _patient(users, "E2E-CI-1")
    _intake(users, patient, "esketamine-nasal", ANEURYSM)
    _login(j, "journey-prescriber")

    # the patient page names each product's screening; the esketamine one is "not eligible"
    page.goto(f"/patients/{patient.pk}/")
    esk = page.locator("[data-testid='intake-screening'][data-product='esketamine-nasal']")
    assert "esketamine nasal spray" in esk.inner_text() and "not_eligible" in esk.inner_text()
    assert page.locator("[data-testid='intake-screening'][data-product='ketamine-iv']").count() == 1
    _shoot(j, "patient-screenings")

    # planning without a reason is refused, and the page says why
    page.goto(f"/patients/{patient.pk}/courses/new/")
    gate = page.locator("[data-testid='gate-esketamine-nasal']")
    assert "not established" in gate.inner_text() and "Aneurysmal vascular disease" in gate.inner_text()
    j.fill({"product": "esketamine-nasal", "start_date": dt.date.today().isoformat()})
    j.submit()
    assert "/courses/new/" in page.url and "Eligibility is not established." in page.content()
    assert not Course.objects.filter(patient=patient).exists()
    _shoot(j, "plan-refused")

    # with a reason and the password the prescriber goes ahead; the course says so
    j.fill({"product": "esketamine-nasal", "start_date": dt.date.today().isoformat(), "override_reason": REASON,
            "password": PASSWORD})  # fmt: skip
    j.submit()
    assert re.search(r"/courses/\d+/$", page.url), page.content()[:2000]
    assert REASON in page.locator("[data-testid='course-gate-override']").inner_text()
    _shoot(j, "course-overridden")

    # a course that passed its gate before the contraindication was found: the chair holds and refuses the dose
    other = _patient(users, "E2E-CI-2")
    make_eligible(other, users["prescriber"], "esketamine-nasal")
    course = start_induction(make_course(other, phase="evaluation", plan_data={"indication": "trd", "sessions": [
        {"number": 1, "dose_mg": 56, "mg_per_kg": None, "phase": "induction"}]}), users["prescriber"])  # fmt: skip
    _intake(users, other, "esketamine-nasal", ANEURYSM)
    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    session = make_session(course, scheduled_at=t0)
    nurse = Journey(page.context.new_page(), "contraindication-nurse")
    _login(nurse, "journey-nurse")
    npage = nurse.page
    npage.goto(f"/sessions/{session.pk}/")
    assert "Contraindication" in npage.locator("[data-testid='session-screening']").inner_text()
    form = npage.locator("[data-testid='form-checklist']")
    for name, value in {"checklist-checked_at": _local(t0), "checklist-last_food_at": _local(t0 - dt.timedelta(
            hours=4)), "checklist-last_liquid_at": _local(t0 - dt.timedelta(hours=1))}.items():  # fmt: skip
        form.locator(f"[name='{name}']").fill(value)
    for name in ("checklist-rems_enrolled", "checklist-safe_departure_arranged"):
        form.locator(f"[name='{name}']").select_option("true")
    form.locator("[name='checklist-concomitant_reviewed']").set_checked(True)
    form.locator("button[type=submit]").click()
    npage.wait_for_load_state()
    vitals = npage.locator("[data-testid='form-vitals']")
    vitals.locator("[name='vitals-taken_at']").fill(_local(t0 + dt.timedelta(minutes=2)))
    vitals.locator("[name='vitals-timepoint']").select_option("predose")
    for name, value in (("systolic_mmhg", "126"), ("diastolic_mmhg", "80"), ("spo2_percent", "98")):
        vitals.locator(f"[name='vitals-{name}']").fill(value)
    vitals.locator("button[type=submit]").click()
    npage.wait_for_load_state()
    assert npage.locator("[data-testid='predose-decision']").inner_text() == "Hold: do not dose"
    npage.locator("[data-testid='step-dosing']").click()  # the dosing step, from the step bar
    npage.wait_for_load_state()
    dose = npage.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-dosed_at']").fill(_local(t0 + dt.timedelta(minutes=10)))
    dose.locator("[name='dose-lot_number']").fill("LOT-CI")
    assert dose.locator("[name='dose-dose_mg']").input_value() == "56"  # pre-filled from the plan
    dose.locator("button[type=submit]").click()
    npage.wait_for_load_state()
    assert "Contraindication on the screening, not overridden" in npage.content()
    assert not npage.locator("[data-testid='dose-given']").count()
    _shoot(nurse, "dose-refused")
    assert len(j.passed) == 3 and len(nurse.passed) == 1


def _iv_session(staff: dict[str, Any]) -> Any:
    from ketamine_trd.clinic.records.services import courses
    from tests.clinic.builders import make_session, start_induction

    patient = _patient(staff, "E2E-IV-1", weight_kg=Decimal("81.6"), given_name="Ivy")
    _intake(staff, patient, "ketamine-iv", {})
    course = courses.plan_new_course(staff["prescriber"], patient.pk, courses.CourseInput(
        product="ketamine-iv", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    course = start_induction(course, staff["prescriber"])  # no dose on a course still in evaluation
    return make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))


def test_a_ten_fold_dose_is_refused_and_an_override_is_recorded(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.records.models import Session

    session = _iv_session(users)
    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15)).replace(second=0, microsecond=0)
    nurse = Journey(page, "ten-fold")
    _login(nurse, "journey-nurse")
    page.goto(f"/sessions/{session.pk}/?step=dosing")
    assert "Planned for session 1: 40.8 mg (0.5 mg/kg × 81.6 kg)" in page.locator(
        "[data-testid='planned-dose']").inner_text()  # fmt: skip
    dose = page.locator("[data-testid='form-dose']")
    assert dose.locator("[name='dose-dose_mg']").input_value() == "40.8"
    dose.locator("[name='dose-dosed_at']").fill(_local(t0))
    dose.locator("[name='dose-dose_mg']").fill("408")
    dose.locator("[name='dose-mg_per_kg']").fill("")
    dose.locator("[name='dose-lot_number']").fill("LOT-IV-1")
    dose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    text = page.content()
    assert "10.0 x the planned 40.8 mg" in text and "outside the studied 0.1-1.0 mg/kg" in text
    assert Session.objects.get(pk=session.pk).dose_mg is None
    _shoot(nurse, "nurse-refused")
    # a nurse's reason is not a prescriber's
    dose = page.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-override_reason']").fill(DOSE_REASON)
    dose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Only a prescriber can give a reason" in page.content()
    assert Session.objects.get(pk=session.pk).dose_mg is None

    prescriber = Journey(page.context.browser.new_context(base_url=page.url.split("/sessions")[0]).new_page(),
                         "ten-fold-prescriber")  # fmt: skip
    _login(prescriber, "journey-prescriber")
    ppage = prescriber.page
    ppage.goto(f"/sessions/{session.pk}/?step=dosing")
    dose = ppage.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-dosed_at']").fill(_local(t0))
    dose.locator("[name='dose-dose_mg']").fill("408")
    dose.locator("[name='dose-mg_per_kg']").fill("")
    dose.locator("[name='dose-lot_number']").fill("LOT-IV-1")
    dose.locator("[name='dose-override_reason']").fill(DOSE_REASON)
    dose.locator("button[type=submit]").click()
    ppage.wait_for_load_state()
    override = ppage.locator("[data-testid='dose-override']")
    assert DOSE_REASON in override.inner_text() and "10.0 x the planned 40.8 mg" in override.inner_text()
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_mg == Decimal(408) and stored.dose_override_reason == DOSE_REASON
    _shoot(prescriber, "prescriber-override")
    ppage.goto(f"/courses/{stored.course_id}/")
    assert "dose overridden" in ppage.locator("[data-testid='course-sessions']").inner_text()
    _shoot(prescriber, "course-shows-override")


def test_a_session_not_ready_for_discharge_cannot_be_signed(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.records.models import Session
    from tests.clinic.test_safety_gates import _charted_not_ready

    class People:  # the shape the service-level builder expects
        nurse, prescriber = users["nurse"], users["prescriber"]
        clinic = users["prescriber"].clinic

    session, _ = _charted_not_ready(People)
    nurse = Journey(page, "not-ready")
    _login(nurse, "journey-nurse")
    page.goto(f"/sessions/{session.pk}/")
    assert page.locator("[data-testid='discharge-ready']").inner_text() == "no"
    blocked = page.locator("[data-testid='missing']")
    assert "Discharge readiness is 'not ready': Last MOAA/S" in blocked.inner_text()
    assert page.locator("[data-testid='sign']").is_disabled()  # a nurse cannot sign it
    _shoot(nurse, "nurse-cannot-sign")

    prescriber = Journey(page.context.browser.new_context(base_url=page.url.split("/sessions")[0]).new_page(),
                         "not-ready-prescriber")  # fmt: skip
    _login(prescriber, "journey-prescriber")
    ppage = prescriber.page
    ppage.goto(f"/sessions/{session.pk}/")
    ppage.locator("[data-testid='sign']").click()
    ppage.wait_for_load_state()
    prescriber.reauthenticate_if_asked()
    assert "Not signed." in ppage.content() and Session.objects.get(pk=session.pk).status != "signed"
    _shoot(prescriber, "prescriber-refused")
    ppage.locator("[name='sign-override_reason']").fill("Patient transferred to the emergency department")
    ppage.locator("[data-testid='sign']").click()
    ppage.wait_for_load_state()
    stored = Session.objects.get(pk=session.pk)
    assert stored.status == "signed" and stored.sign_override_reason.startswith("Patient transferred")
    assert "Signed while not ready for discharge" in ppage.content()
    _shoot(prescriber, "signed-with-reason")


def test_the_demo_clinic_shows_its_overrides_as_such(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.demo import CONTRAINDICATION_REASON, DOSE_REASON, ensure_demo_clinic, password_for
    from ketamine_trd.clinic.records.models import Course, Session

    ensure_demo_clinic(seed=7, patients=10)
    j = Journey(page, "demo")
    page.goto("/accounts/login/")
    page.fill("[name='username']", "demo-prescriber")
    page.fill("[name='password']", password_for("prescriber"))
    j.submit()
    course = Course.objects.get(gate_override_reason=CONTRAINDICATION_REASON)
    page.goto(f"/courses/{course.pk}/")
    assert CONTRAINDICATION_REASON in page.locator("[data-testid='course-gate-override']").inner_text()
    _shoot(j, "course-contraindication-overridden")
    session = Session.objects.get(dose_override_reason=DOSE_REASON)
    page.goto(f"/sessions/{session.pk}/")
    assert DOSE_REASON in page.locator("[data-testid='header-dose-override']").inner_text()  # on every step
    page.goto(f"/sessions/{session.pk}/?step=dosing")
    assert DOSE_REASON in page.locator("[data-testid='dose-override']").inner_text()
    _shoot(j, "session-dose-overridden")


def test_a_dose_is_not_charted_while_the_predose_checks_say_hold(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    """A hypertensive-crisis reading before dosing (IV v3 profile): the page says "Hold", the dose form refuses the
    nurse's dose where the eye is, and the prescriber's written reason is recorded and shown on the dosing step."""
    from ketamine_trd.clinic.records.models import Session
    from tests.clinic.builders import ready_to_dose

    session = _iv_session(users)
    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    ready_to_dose(users["nurse"], session, t0, systolic=196, diastolic=124)
    nurse = Journey(page, "predose-hold")
    _login(nurse, "journey-nurse")
    page.goto(f"/sessions/{session.pk}/?step=dosing")
    assert "Hold" in page.locator("[data-testid='predose-decision']").inner_text()
    dose = page.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-dosed_at']").fill(_local(t0))
    dose.locator("[name='dose-lot_number']").fill("LOT-IV-1")
    dose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("[data-testid='error-summary']")
    assert "pre-dose checks say 'hold'" in summary.inner_text() and "196/124" in summary.inner_text()
    assert Session.objects.get(pk=session.pk).dose_mg is None
    _shoot(nurse, "nurse-refused")

    prescriber = Journey(page.context.browser.new_context(base_url=page.url.split("/sessions")[0]).new_page(),
                         "predose-hold-prescriber")  # fmt: skip
    _login(prescriber, "journey-prescriber")
    ppage = prescriber.page
    ppage.goto(f"/sessions/{session.pk}/?step=dosing")
    dose = ppage.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-dosed_at']").fill(_local(t0))
    dose.locator("[name='dose-lot_number']").fill("LOT-IV-1")
    dose.locator("[name='dose-override_reason']").fill("BP rechecked twice; cardiology cleared dosing today")
    dose.locator("button[type=submit]").click()
    ppage.wait_for_load_state()
    ppage.goto(f"/sessions/{session.pk}/?step=dosing")
    held = ppage.locator("[data-testid='dose-over-hold']")
    assert "196/124" in held.first.inner_text()
    assert Session.objects.get(pk=session.pk).dose_check["predose_hold"]["reason"].startswith("BP rechecked")
    _shoot(prescriber, "prescriber-recorded")
