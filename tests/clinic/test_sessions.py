"""Chair-side charting to a signed session and its REMS record (S8 fields), bad input, alerts, locking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.records.models import Patient, RemsRecord, Session, VitalSign
from ketamine_trd.clinic.records.services import rems, session_writes, sessions, signing
from ketamine_trd.clinic.records.services.session_writes import (
    ChecklistInput,
    DischargeInput,
    DoseInput,
    RatingInput,
    VitalsInput,
)
from ketamine_trd.errors import ConflictError, InputError
from tests.clinic.builders import make_course, make_patient, make_session, make_treated_course, ready_to_dose


def _chart_complete_esketamine_session(people, session: Session, t0: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    nurse, now = people.nurse, t0 + dt.timedelta(hours=2, minutes=10)
    nurse.first_name, nurse.last_name, nurse.email, nurse.phone = "Nina", "Example", "nina@example.org", "555-0142"
    nurse.save()
    session_writes.record_checklist(nurse, session.pk, ChecklistInput(
        checked_at=t0 - dt.timedelta(minutes=20), first_treatment=False, rems_enrolled=True,
        last_food_at=t0 - dt.timedelta(hours=4), last_liquid_at=t0 - dt.timedelta(hours=1),
        concomitant_reviewed=True, safe_departure_arranged=True), now=now)  # fmt: skip
    session_writes.add_vitals(nurse, session.pk, VitalsInput(t0 - dt.timedelta(minutes=10), 128, 80, 72, 98,
                              timepoint="predose"), now=now)  # fmt: skip
    session_writes.record_dose(nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-123", devices_used=2), now=now)
    session_writes.add_vitals(nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=40), 134, 84, 76, 97,
                              timepoint="post-40"), now=now)  # fmt: skip
    session_writes.add_rating(nurse, session.pk, RatingInput("moaas", 5, t0 + dt.timedelta(minutes=45)), now=now)
    session_writes.add_rating(nurse, session.pk, RatingInput("cadss-23", 4, t0 + dt.timedelta(minutes=45)), now=now)
    session_writes.add_vitals(nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=115), 126, 80, 70, 98,
                              timepoint="discharge"), now=now)  # fmt: skip
    session_writes.record_discharge(nurse, session.pk, DischargeInput(
        monitoring_completed_at=t0 + dt.timedelta(minutes=125), ready_to_leave_minutes=90,
        vitals_ok_before_administration=True, vitals_ok_before_completion=True, sedation_observed=False,
        dissociation_observed=True, respiratory_depression_observed=False, clinically_stable=True,
        safe_departure_arranged=True, monitoring_hcp_id=nurse.pk), now=now)  # fmt: skip


@pytest.fixture
def esk_session(people):  # type: ignore[no-untyped-def]
    people.clinic.address, people.clinic.phone = "1 Harbour Road, Springfield", "555-0100"
    people.clinic.save()
    people.prescriber.email = "prescriber@example.org"
    people.prescriber.save()
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2, minutes=15)
    course = make_treated_course(make_patient(people.clinic, sex="female"), people.prescriber)
    return make_session(course, scheduled_at=t0 - dt.timedelta(minutes=30)), t0


def test_signing_is_refused_with_the_missing_fields_then_succeeds_and_makes_the_rems_record(
    people, esk_session
) -> None:  # type: ignore[no-untyped-def]
    session, t0 = esk_session
    now = t0 + dt.timedelta(hours=2, minutes=10)
    outcome = signing.sign_session(people.prescriber, session.pk, now=now)
    assert not outcome.signed and {"dose_mg", "lot_number", "predose"} <= {m.field for m in outcome.missing}
    assert Session.objects.get(pk=session.pk).status == "planned" and not RemsRecord.objects.exists()

    _chart_complete_esketamine_session(people, session, t0)
    outcome = signing.sign_session(people.prescriber, session.pk, now=now)
    assert outcome.signed, outcome.missing
    row = RemsRecord.objects.get(session=session)
    # the PMF's submission window: 7 days from completion of monitoring in the 2024 REMS version (S6, S8)
    assert row.due_at == t0 + dt.timedelta(minutes=125) + dt.timedelta(days=7)
    f = row.fields
    assert (f["dose_administered"], f["lot_number"], f["treatment_duration_minutes"]) == ("56 mg", "LOT-123", 125)
    assert f["bp_predose"]["systolic_mmhg"] == 128 and f["bp_before_completion"]["systolic_mmhg"] == 126
    assert f["dissociation"] is True and f["patient_enrolled"] is True
    _, status, problems = rems.get_record(people.nurse, row.pk, now=now)
    assert status == "due" and problems == ()
    # the monitoring provider on the form is one person: the nurse chosen at discharge, not the prescriber who signed
    assert (f["contact"]["hcp_name"], f["contact"]["hcp_phone"], f["contact"]["hcp_email"]) == (
        "Nina Example", "555-0142", "nina@example.org")  # fmt: skip


def test_a_signed_session_cannot_change(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, t0 = esk_session
    _chart_complete_esketamine_session(people, session, t0)
    now = t0 + dt.timedelta(hours=2, minutes=10)
    assert signing.sign_session(people.prescriber, session.pk, now=now).signed
    with pytest.raises(ConflictError):
        session_writes.add_vitals(people.nurse, session.pk, VitalsInput(now, 120, 80), now=now)
    with pytest.raises(ConflictError):
        signing.sign_session(people.prescriber, session.pk, now=now)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "field"),
    [(300, 20, "systolic_mmhg"), (120, 10, "diastolic_mmhg"), (110, 120, "diastolic_mmhg")],
)
def test_implausible_blood_pressure_is_refused_naming_the_field(
    people, esk_session, systolic, diastolic, field
) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    now = timezone.now()
    with pytest.raises(InputError) as caught:
        session_writes.add_vitals(people.nurse, session.pk, VitalsInput(now, systolic, diastolic), now=now)
    assert caught.value.field == field
    assert not VitalSign.objects.exists()


def test_bp_300_over_20_on_the_form_names_the_field_and_range(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    local = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    data = {"vitals-taken_at": local, "vitals-timepoint": "predose", "vitals-systolic_mmhg": "300",
            "vitals-diastolic_mmhg": "20"}  # fmt: skip
    response = people.client("nurse").post(f"/sessions/{session.pk}/vitals/", data)
    assert response.status_code == 422
    text = response.content.decode()
    assert "systolic_mmhg" in text and "260" in text
    assert not VitalSign.objects.exists()


def test_a_future_time_for_a_past_event_is_refused(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    now = timezone.now()
    with pytest.raises(InputError) as caught:
        session_writes.add_vitals(people.nurse, session.pk, VitalsInput(now + dt.timedelta(days=1), 120, 80), now=now)
    assert caught.value.field == "taken_at"
    with pytest.raises(InputError):
        session_writes.record_dose(
            people.nurse, session.pk, DoseInput(now + dt.timedelta(hours=3), Decimal(56), "L1", devices_used=2), now=now
        )


def test_high_blood_pressure_after_dosing_raises_a_worklist_alert_once(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, t0 = esk_session
    now = t0 + dt.timedelta(minutes=50)
    ready_to_dose(people.nurse, session, t0)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L1", devices_used=2), now=now)
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=40), 184, 96), now=now)
    rules = set(Alert.objects.filter(session=session).values_list("rule", flat=True))
    assert "bp-outlier-table6" in rules  # SPRAVATO label Table 6 outlier marker (S2)
    count = Alert.objects.count()
    session_writes.add_rating(people.nurse, session.pk, RatingInput("moaas", 5, now), now=now)
    assert Alert.objects.filter(rule="bp-outlier-table6").count() == 1 and Alert.objects.count() >= count


def test_chair_view_lists_what_is_missing(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    first = people.client("nurse").get(f"/sessions/{session.pk}/")  # a new session opens before dosing
    assert first.status_code == 200 and b'data-step="before"' in first.content
    page = people.client("nurse").get(f"/sessions/{session.pk}/?step=discharge")  # the signature is on the last step
    assert page.status_code == 200
    assert b"lot_number" in page.content and b"Sign session" in page.content
    view = sessions.chair_view(people.nurse, session.pk, now=timezone.now())
    assert not view.can_sign


def test_front_desk_and_researchers_cannot_open_the_chart(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    assert people.client("front_desk").get(f"/sessions/{session.pk}/").status_code == 403
    assert people.client("researcher").post(f"/sessions/{session.pk}/vitals/", {}).status_code == 403
    assert people.client("outsider").get(f"/sessions/{session.pk}/").status_code == 404


def test_signing_on_the_page_asks_for_the_password_again_when_not_recent(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, t0 = esk_session
    _chart_complete_esketamine_session(people, session, t0)
    stale = people.client("prescriber", recent_auth=False).post(f"/sessions/{session.pk}/sign/")
    assert stale.status_code == 302 and "/accounts/reauth/" in stale["Location"]
    assert Session.objects.get(pk=session.pk).status != "signed"
    fresh = people.client("prescriber").post(f"/sessions/{session.pk}/sign/")
    assert fresh.status_code == 302
    assert Session.objects.get(pk=session.pk).status == "signed" and RemsRecord.objects.filter(session=session).exists()


def test_the_page_says_which_fields_block_signing(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    client = people.client("prescriber")
    response = client.post(f"/sessions/{session.pk}/sign/", follow=True)
    text = response.content.decode()
    assert "Not signed." in text and "Lot number not recorded." in text
    assert Session.objects.get(pk=session.pk).status != "signed"


def test_predose_decision_comes_from_the_checklist_rules(people, esk_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = esk_session
    now = timezone.now().replace(microsecond=0)
    checklist = ChecklistInput(checked_at=now - dt.timedelta(minutes=10), rems_enrolled=True, first_treatment=False,
                               last_food_at=now - dt.timedelta(hours=3), last_liquid_at=now - dt.timedelta(hours=1),
                               concomitant_reviewed=True, safe_departure_arranged=True)  # fmt: skip
    session_writes.record_checklist(people.nurse, session.pk, checklist, now=now)
    # no blood pressure yet: hold, BP is assessed before every dose (S1)
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    assert view.predose is not None and view.predose.decision.value == "hold"
    assert "predose-bp-missing" in {f.rule_id for f in view.predose.findings}
    reading = VitalsInput(now - dt.timedelta(minutes=5), 124, 78, 70, 98)
    session_writes.add_vitals(people.nurse, session.pk, reading, now=now)
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    assert view.predose is not None and view.predose.decision.value == "proceed"


def test_an_unknown_sex_is_listed_as_a_problem_of_the_rems_record(people) -> None:  # type: ignore[no-untyped-def]
    people.clinic.address, people.clinic.phone = "1 Harbour Road", "555-0100"
    people.clinic.save()
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2, minutes=15)
    course = make_treated_course(make_patient(people.clinic, sex="female"), people.prescriber)
    Patient.objects.filter(pk=course.patient_id).update(sex="unknown")  # the record lost its sex after screening
    session = make_session(course, scheduled_at=t0)
    _chart_complete_esketamine_session(people, session, t0)
    outcome = signing.sign_session(people.prescriber, session.pk, now=t0 + dt.timedelta(hours=2, minutes=10))
    assert outcome.signed and outcome.rems_record is not None
    _, _, problems = rems.get_record(people.nurse, outcome.rems_record.pk, now=timezone.now())
    assert any("sex" in p.field for p in problems)  # the PMF patient block asks for it (S8)


def test_a_route_without_a_monitoring_profile_is_shown_not_guessed(people) -> None:  # type: ignore[no-untyped-def]
    course = make_course(make_patient(people.clinic), product="ketamine-im", route="im")
    view = sessions.chair_view(people.nurse, make_session(course).pk, now=timezone.now())
    assert view.problem and "product" in view.problem and not view.can_sign


def test_todays_list_shows_only_this_clinics_sessions_of_today(people) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    mine = make_session(make_course(make_patient(people.clinic)), scheduled_at=now)
    make_session(make_course(make_patient(people.outsider.clinic)), scheduled_at=now)
    make_session(make_course(make_patient(people.clinic)), scheduled_at=now - dt.timedelta(days=2))
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    found = sessions.sessions_on(people.front_desk, start, start + dt.timedelta(days=1), now=now)
    assert [s.pk for s in found] == [mine.pk]
    assert people.client("nurse").get("/sessions/today/").status_code == 200
