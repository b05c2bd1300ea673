"""The chair view (issue 12): one step per phase, product-specific fields, bound forms, errors where the eye is,
the safety header, timers and flagged readings."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.records.models import Session, SessionStatus
from ketamine_trd.clinic.records.services import courses, session_writes, sessions
from ketamine_trd.clinic.records.services.session_writes import (
    ChecklistInput,
    DischargeInput,
    DoseInput,
    VitalsInput,
)
from ketamine_trd.clinical.monitoring.chart import SessionState
from ketamine_trd.errors import InputError
from tests.clinic.builders import make_eligible, make_patient, make_session, make_treated_course, ready_to_dose


def _local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def esk(people: Any) -> tuple[Session, dt.datetime]:
    t0 = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=50)
    course = make_treated_course(make_patient(people.clinic, sex="female"), people.prescriber)  # past the gate
    return make_session(course, scheduled_at=t0), t0


@pytest.fixture
def iv(people: Any) -> Session:
    patient = make_patient(people.clinic, weight_kg=Decimal("81.6"))
    make_eligible(patient, people.prescriber, "ketamine-iv")
    course = courses.plan_new_course(people.prescriber, patient.pk, courses.CourseInput(
        product="ketamine-iv", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    return make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))


def _names(page: str, part: str) -> set[str]:
    return set(re.findall(rf'name="{part}-([a-z_]+)"', page))


def test_each_product_is_asked_only_its_own_fields(people: Any, esk: tuple[Session, dt.datetime], iv: Session) -> None:
    nurse = people.client("nurse")
    esk_dose = _names(nurse.get(f"/sessions/{esk[0].pk}/?step=dosing").content.decode(), "dose")
    iv_dose = _names(nurse.get(f"/sessions/{iv.pk}/?step=dosing").content.decode(), "dose")
    assert "devices_used" in esk_dose and not esk_dose & {"mg_per_kg", "infusion_rate_ml_per_h", "infusion_ended_at"}
    assert {"mg_per_kg", "infusion_rate_ml_per_h", "infusion_duration_min"} <= iv_dose and "devices_used" not in iv_dose
    esk_before = _names(nurse.get(f"/sessions/{esk[0].pk}/?step=before").content.decode(), "checklist")
    iv_before = _names(nurse.get(f"/sessions/{iv.pk}/?step=before").content.decode(), "checklist")
    assert {"rems_enrolled", "nasal_medicine_at"} <= esk_before
    assert not iv_before & {"rems_enrolled", "nasal_medicine_at"} and "last_food_at" in iv_before
    iv_discharge = _names(nurse.get(f"/sessions/{iv.pk}/?step=discharge").content.decode(), "discharge")
    assert "ready_to_leave_minutes" not in iv_discharge and "clinically_stable" in iv_discharge


def test_the_service_refuses_a_field_of_another_product(
    people: Any, esk: tuple[Session, dt.datetime], iv: Session
) -> None:
    session, t0 = esk
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L1", devices_used=2,
                                   mg_per_kg=Decimal("0.8")), now=timezone.now())  # fmt: skip
    assert refused.value.field == "mg_per_kg"
    with pytest.raises(InputError) as refused:
        session_writes.record_checklist(people.nurse, iv.pk, ChecklistInput(timezone.now(), rems_enrolled=True),
                                        now=timezone.now())  # fmt: skip
    assert refused.value.field == "rems_enrolled"
    assert Session.objects.get(pk=session.pk).dose_mg is None and Session.objects.get(pk=iv.pk).checklist == {}


def test_forms_show_what_is_saved_and_a_resave_keeps_the_rest(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    nurse = people.client("nurse")
    url = f"/sessions/{session.pk}/?step=before"
    answers = {"part": "checklist", "checklist-checked_at": _local(t0 - dt.timedelta(minutes=5)),
               "checklist-rems_enrolled": "true", "checklist-first_treatment": "false",
               "checklist-concomitant_reviewed": "on", "checklist-safe_departure_arranged": "true"}  # fmt: skip
    assert nurse.post(url, answers).status_code == 302
    page = nurse.get(url).content.decode()
    assert re.search(r'name="checklist-rems_enrolled"[^>]*>.*?<option value="true" selected>', page, re.S)
    assert 'name="checklist-concomitant_reviewed"' in page and re.search(
        r'<input type="checkbox" name="checklist-concomitant_reviewed"[^>]*checked', page)
    # the browser sends back what the form shows, plus the one new answer
    resave = answers | {"checklist-last_food_at": _local(t0 - dt.timedelta(hours=3))}
    assert nurse.post(url, resave).status_code == 302
    stored = Session.objects.get(pk=session.pk).checklist
    assert stored["rems_enrolled"] is True and stored["concomitant_reviewed"] is True and stored["last_food_at"]
    view = sessions.chair_view(people.nurse, session.pk, now=timezone.now())
    assert view.predose is not None and "predose-rems" not in " ".join(f.rule_id for f in view.predose.findings)


def test_saving_one_part_never_changes_another(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    now = timezone.now()
    checklist = ChecklistInput(t0 - dt.timedelta(minutes=5), first_treatment=False, rems_enrolled=True,
                               concomitant_reviewed=True, safe_departure_arranged=True)  # fmt: skip
    session_writes.record_checklist(people.nurse, session.pk, checklist, now=now)
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 - dt.timedelta(minutes=5), 124, 78, 70, 98,
                              timepoint="predose"), now=now)  # fmt: skip
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2), now=now)
    before = Session.objects.get(pk=session.pk)
    session_writes.record_discharge(people.nurse, session.pk, DischargeInput(now, clinically_stable=True), now=now)
    after = Session.objects.get(pk=session.pk)
    assert after.checklist == before.checklist and after.dose_mg == Decimal(56) and after.lot_number == "LOT-1"
    session_writes.record_checklist(people.nurse, session.pk, checklist, now=now)
    again = Session.objects.get(pk=session.pk)
    assert again.clinically_stable is True and again.dosed_at == t0 and again.devices_used == 2


def test_a_refused_value_is_summarised_at_the_top_in_plain_words(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    url = f"/sessions/{session.pk}/?step=monitoring"
    response = people.client("nurse").post(url, {"part": "vitals", "vitals-taken_at": _local(t0),
                                                 "vitals-systolic_mmhg": "300", "vitals-diastolic_mmhg": "80"})
    assert response.status_code == 422
    page = response.content.decode()
    summary = page[page.index('data-testid="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert 'href="#id_vitals-systolic_mmhg"' in summary
    assert "Systolic 300 mmHg is outside 50–260 mmHg" in summary
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="vitals-systolic_mmhg"|'
                     r'<input[^>]*name="vitals-systolic_mmhg"[^>]*aria-invalid="true"', page)
    assert 'aria-describedby="id_vitals-systolic_mmhg-error"' in page and 'id="id_vitals-systolic_mmhg-error"' in page
    assert "autofocus" in page
    text = re.sub(r"<[^>]+>", " ", page)  # what is read: no field id anywhere
    assert "systolic_mmhg" not in text and "observations." not in text
    assert 'data-step="monitoring"' in page


def test_a_get_on_a_part_address_opens_its_step(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    response = people.client("nurse").get(f"/sessions/{esk[0].pk}/vitals/")
    assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{esk[0].pk}/?step=monitoring")
    assert people.client("researcher").post(f"/sessions/{esk[0].pk}/", {"part": "vitals"}).status_code == 403


def test_the_step_follows_what_is_charted(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    now = timezone.now()
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    assert view.step == "before"
    session_writes.record_checklist(people.nurse, session.pk, ChecklistInput(
        t0 - dt.timedelta(minutes=10), first_treatment=False, rems_enrolled=True,
        last_food_at=t0 - dt.timedelta(hours=3), last_liquid_at=t0 - dt.timedelta(hours=1), concomitant_reviewed=True,
        safe_departure_arranged=True),
        now=now)  # fmt: skip
    assert sessions.chair_view(people.nurse, session.pk, now=now).step == "before"  # no blood pressure yet: hold
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 - dt.timedelta(minutes=5), 124, 78, 70, 98,
                              timepoint="predose"), now=now)  # fmt: skip
    assert sessions.chair_view(people.nurse, session.pk, now=t0).step == "dosing"
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2), now=now)
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    assert view.step == "monitoring"
    page = people.client("nurse").get(f"/sessions/{session.pk}/").content.decode()
    assert 'data-step="monitoring"' in page and 'aria-current="step"' in page


def test_timers_count_to_the_due_times_the_server_computes(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    ready_to_dose(people.nurse, session, t0)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2),
                               now=timezone.now())  # fmt: skip
    view = sessions.chair_view(people.nurse, session.pk, now=timezone.now())
    due = {t.label: t.due_at for t in view.timers}
    assert t0 + dt.timedelta(minutes=40) in due.values() and t0 + dt.timedelta(minutes=120) in due.values()
    page = people.client("nurse").get(f"/sessions/{session.pk}/").content.decode()
    assert f'data-due="{timezone.localtime(t0 + dt.timedelta(minutes=40)).isoformat()}"' in page
    assert "clinic/chair.js" in page and "<script>" not in page  # the countdown is a static file (CSP)


def test_an_out_of_range_reading_is_flagged_with_words(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    now = timezone.now()
    ready_to_dose(people.nurse, session, t0)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L1", devices_used=2), now=now)
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=40), 184, 96, 70, 91),
                              now=now)  # fmt: skip
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    flagged = [r for r in view.charted_vitals if r.flagged]
    assert len(flagged) == 1 and flagged[0].row.systolic_mmhg == 184 and flagged[0].bp and flagged[0].spo2
    page = people.client("nurse").get(f"/sessions/{session.pk}/?step=monitoring").content.decode()
    row = page[page.index('data-testid="flagged-reading"'):]
    row = row[:row.index("</tr>")]
    assert "out-of-range" in row and "Critical" in row and "SpO2" in row


def test_the_safety_header_is_on_every_step(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    Alert.objects.create(patient=session.patient, course=session.course, session=session, kind="monitoring",
                         level="critical", rule="test-critical", source="S1", message="SpO2 89%.",
                         object_key=f"session:{session.pk}:x", raised_at=timezone.now())  # fmt: skip
    for step in ("before", "dosing", "monitoring", "discharge"):
        page = people.client("nurse").get(f"/sessions/{session.pk}/?step={step}").content.decode()
        header = page[page.index('data-testid="safety-header"'):page.index("</header>", page.index("safety-header"))]
        assert session.patient.mrn in header and "Esketamine nasal spray (SPRAVATO)" in header
        assert "Critical alert not acknowledged:" in header and "SpO2 89%." in header and 'class="icon-stop"' in header
        assert "Dosing weight" in header and "Plan" in header


def test_labels_carry_units_and_statuses_are_words(people: Any, iv: Session) -> None:
    page = people.client("nurse").get(f"/sessions/{iv.pk}/?step=monitoring").content.decode()
    assert "Systolic (mmHg)" in page and "Heart rate (beats/min)" in page
    dose = people.client("nurse").get(f"/sessions/{iv.pk}/?step=dosing").content.decode()
    assert "Dose per kg (mg/kg)" in dose and "Infusion rate (mL/h)" in dose and "(IV)" not in dose
    assert {s.value for s in SessionState} == set(SessionStatus.values)


def test_a_time_after_dosing_is_not_shown_as_negative_minutes(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    session, t0 = esk
    now = timezone.now()
    session_writes.record_checklist(people.nurse, session.pk, ChecklistInput(
        t0 - dt.timedelta(minutes=10), last_food_at=now - dt.timedelta(minutes=1)), now=now)  # fmt: skip
    view = sessions.chair_view(people.nurse, session.pk, now=t0)
    messages = " ".join(f.message for f in view.predose.findings) if view.predose else ""
    assert "after the time of dosing" in messages and "-" not in re.sub(r"[A-Za-z]-[A-Za-z]", "", messages)


def test_a_low_moaas_is_flagged_in_the_ratings(people: Any, esk: tuple[Session, dt.datetime]) -> None:
    from ketamine_trd.clinic.records.services.session_writes import RatingInput

    session, t0 = esk
    now = timezone.now()
    ready_to_dose(people.nurse, session, t0)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "L1", devices_used=2), now=now)
    session_writes.add_rating(people.nurse, session.pk, RatingInput("moaas", 2, t0 + dt.timedelta(minutes=30)), now=now)
    session_writes.add_rating(people.nurse, session.pk, RatingInput("moaas", 5, t0 + dt.timedelta(minutes=45)), now=now)
    view = sessions.chair_view(people.nurse, session.pk, now=now)
    flags = {row.value: bool(found) for row, found in view.charted_ratings}
    assert flags == {2: True, 5: False}
    page = people.client("nurse").get(f"/sessions/{session.pk}/?step=monitoring").content.decode()
    assert page.count('data-testid="flagged-rating"') == 1
