"""A dose is never charted while the pre-dose checks say "hold" without a prescriber's written reason (the chart
page and the dose step judge the same checklist and reading), and a session dosed under a hold that nobody lifted
cannot be signed as if the checks had passed. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ketamine_trd.clinic.records.models import Course, Session
from ketamine_trd.clinic.records.services import session_writes, sessions
from ketamine_trd.clinic.records.services.session_writes import ChecklistInput, DoseInput, VitalsInput
from ketamine_trd.errors import InputError
from tests.clinic.builders import make_patient, make_session, make_treated_course, ready_to_dose

REASON = "BP rechecked 3 times, cardiology cleared dosing today"


def _iv(people: Any) -> tuple[Session, dt.datetime]:
    course = make_treated_course(make_patient(people.clinic, weight_kg=Decimal(70)), people.prescriber,
                                 product="ketamine-iv", route="iv")  # fmt: skip
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    return make_session(course, scheduled_at=t0 - dt.timedelta(minutes=20)), t0


def _iv_dose(t0: dt.datetime, **change: Any) -> DoseInput:
    return DoseInput(t0, Decimal(35), "LOT-IV", mg_per_kg=Decimal("0.5"), **change)


def _plan_iv(session: Session) -> None:
    Course.objects.filter(pk=session.course_id).update(plan_data={"indication": "trd", "sessions": [
        {"number": 1, "dose_mg": 35, "mg_per_kg": 0.5, "phase": "induction"}]})  # fmt: skip


def test_a_crisis_blood_pressure_holds_the_dose_until_a_prescriber_gives_a_reason(people: Any) -> None:
    session, t0 = _iv(people)
    _plan_iv(session)
    ready_to_dose(people.nurse, session, t0, systolic=196, diastolic=124)  # hypertensive crisis (acc-aha-2017-htn)
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    assert view.predose is not None and view.predose.decision.value == "hold" and view.step == "before"
    with pytest.raises(InputError) as nurse:
        session_writes.record_dose(people.nurse, session.pk, _iv_dose(t0), now=t0)
    assert nurse.value.field == "dose_mg" and "hold" in str(nurse.value) and "196/124" in str(nurse.value)
    with pytest.raises(InputError) as role:  # a nurse's reason does not lift a hold
        session_writes.record_dose(people.nurse, session.pk, _iv_dose(t0, override_reason=REASON), now=t0)
    assert role.value.field == "override_reason"
    with pytest.raises(InputError, match="hold"):  # a prescriber without a reason (or too short a one)
        session_writes.record_dose(people.prescriber, session.pk, _iv_dose(t0, override_reason="ok"), now=t0)
    assert Session.objects.get(pk=session.pk).dose_mg is None  # nothing saved by any refusal
    session_writes.record_dose(people.prescriber, session.pk, _iv_dose(t0, override_reason=REASON), now=t0)
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_override_reason == REASON and stored.dose_overridden_by == people.prescriber
    assert any("196/124" in m for m in stored.dose_check["predose_hold"]["findings"])
    page = people.client("nurse").get(f"/sessions/{session.pk}/?step=dosing").content.decode()
    assert 'data-testid="dose-over-hold"' in page and REASON in page


def test_no_checklist_or_no_blood_pressure_holds_the_dose_on_the_form_and_the_api(people: Any) -> None:
    session, t0 = _iv(people)
    _plan_iv(session)
    nurse = people.client("nurse")
    api = nurse.post(f"/api/sessions/{session.pk}/dose", {"dosed_at": t0.isoformat(), "dose_mg": "35",
                     "mg_per_kg": "0.5", "lot_number": "LOT-IV"}, content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and api.json()["field"] == "dose_mg" and "checklist" in api.json()["message"]
    session_writes.record_checklist(people.nurse, session.pk, ChecklistInput(
        t0 - dt.timedelta(minutes=10), first_treatment=False, concomitant_reviewed=True,
        safe_departure_arranged=True), now=t0)  # fmt: skip
    form = nurse.post(
        f"/sessions/{session.pk}/?step=dosing",
        {
            "part": "dose",
            "dose-dosed_at": timezone.localtime(t0).strftime("%Y-%m-%dT%H:%M"),
            "dose-dose_mg": "35",
            "dose-mg_per_kg": "0.5",
            "dose-lot_number": "LOT-IV",
        },
    )
    assert form.status_code == 422 and "No blood pressure taken" in form.content.decode()
    assert Session.objects.get(pk=session.pk).dose_mg is None
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 - dt.timedelta(minutes=5), 128, 80, 72, 98,
                              timepoint="predose"), now=t0)  # fmt: skip
    session_writes.record_dose(people.nurse, session.pk, _iv_dose(t0), now=t0)
    assert Session.objects.get(pk=session.pk).dose_override_reason == ""


def test_rems_enrolment_not_confirmed_holds_an_esketamine_dose(people: Any) -> None:
    course = make_treated_course(make_patient(people.clinic), people.prescriber)
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    session = make_session(course, scheduled_at=t0 - dt.timedelta(minutes=20))
    session_writes.record_checklist(people.nurse, session.pk, ChecklistInput(
        t0 - dt.timedelta(minutes=10), first_treatment=False, rems_enrolled=False, concomitant_reviewed=True,
        safe_departure_arranged=True), now=t0)  # fmt: skip
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 - dt.timedelta(minutes=5), 128, 80, 72, 98,
                              timepoint="predose"), now=t0)  # fmt: skip
    with pytest.raises(InputError, match="REMS"):
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L1", devices_used=2), now=t0)
    assert Session.objects.get(pk=session.pk).dosed_at is None


def test_a_session_dosed_under_a_hold_nobody_lifted_cannot_be_signed(people: Any) -> None:
    """A record charted before the dose step enforced the hold (the dose saved, no reason): the signature names it."""
    session, t0 = _iv(people)
    _plan_iv(session)
    ready_to_dose(people.nurse, session, t0)
    session_writes.record_dose(people.nurse, session.pk, _iv_dose(t0), now=t0)
    # the pre-dose reading as an older release let it stand: a crisis value, dose kept without a reason
    Session.objects.get(pk=session.pk).vitals.filter(timepoint="predose").update(systolic_mmhg=200,
                                                                                 diastolic_mmhg=125)  # fmt: skip
    view = sessions.chair_view(people.prescriber, session.pk, now=t0 + dt.timedelta(minutes=5))
    assert not view.can_sign and any(m.field == "predose" and "200/125" in m.reason for m in view.missing)
    # a prescriber's written reason at the signature lifts it (and is recorded by signing)
    stored = Session.objects.get(pk=session.pk)
    judged = sessions.assess(stored, sessions.load_rows(stored), t0 + dt.timedelta(minutes=5), override_reason=REASON)
    assert judged["dosed_under_hold"] and not any(m.field == "predose" for m in judged["missing"])


def test_critical_alerts_stay_in_the_header_when_the_checks_cannot_run(people: Any) -> None:
    """A route without a monitoring profile: the checks show their problem, the open critical alerts still show."""
    from ketamine_trd.clinic.measurement.interface import raise_alert
    from ketamine_trd.clinical.alert_vocabulary import AlertLevel
    from tests.clinic.builders import make_course

    course = make_course(make_patient(people.clinic), product="ketamine-im", route="im")
    session = make_session(course)
    raise_alert(session.patient, kind="suicide_item", level=AlertLevel.CRITICAL, rule="test-critical", source="S1",
                message="PHQ-9 item 9 answered 3", object_key=f"test:{session.pk}", now=timezone.now(),
                course=course, session=session, data={}, actor=people.nurse)  # fmt: skip
    view = sessions.chair_view(people.nurse, session.pk, now=timezone.now())
    assert view.problem and [a.message for a in view.open_critical] == ["PHQ-9 item 9 answered 3"]
