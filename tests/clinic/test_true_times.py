"""Times that are true: a reading's time left blank is the moment it is saved (server side), never the page load.

The server's clock is injected by patching ``django.utils.timezone.now`` (what ``records.views._edge.now`` and the
measurement views read): the page is opened at ``T``, the reading saved at ``T + 2 min``, and the stored time is the
save time. Times in the future, or out of order with the dose, are refused naming the field. Adverse events are
resolved by choosing one of the session's open events, never by typing an id.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest

from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinic.records.models import AdverseEvent, Session, SessionRating, VitalSign
from ketamine_trd.clinic.records.services import session_writes
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.inputs.charting import DoseInput, EventInput, ResolveEventInput, VitalsInput
from ketamine_trd.errors import InputError
from tests.clinic.builders import make_course, make_patient, make_session, make_treated_course, ready_to_dose

T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SAVED = T + dt.timedelta(minutes=2)
TIME_FIELDS = {"checklist": "checked_at", "dose": "dosed_at", "vitals": "taken_at", "rating": "rated_at",
               "event": "noted_at", "discharge": "monitoring_completed_at"}  # fmt: skip


@contextmanager
def clock(at: dt.datetime) -> Iterator[None]:
    """The server's clock reads ``at`` (every ``timezone.now()``: the views, the services, the idle timeout)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


@pytest.fixture
def session(people) -> Session:  # type: ignore[no-untyped-def]
    people.clinic.time_zone = "UTC"
    people.clinic.save()
    course = make_treated_course(make_patient(people.clinic, sex="female"), people.prescriber)  # past the gate
    return make_session(course, scheduled_at=T - dt.timedelta(minutes=20))


def _post(client: Any, session: Session, part: str, data: dict[str, Any]) -> Any:
    return client.post(f"/sessions/{session.pk}/{part}/", {f"{part}-{k}": v for k, v in data.items()})


def _value_of(html: str, name: str) -> str | None:
    """The ``value`` attribute of the input named ``name`` (``None`` when it has none)."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag is not None, f"no input {name}"
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


def test_no_time_field_of_the_chart_is_filled_from_the_page_load(people, session) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    pages = []
    with clock(T):  # each part is on its step of the chart
        for step in ("before", "dosing", "monitoring", "discharge"):
            pages.append(nurse.get(f"/sessions/{session.pk}/?step={step}").content.decode())
    page = "\n".join(pages)
    for part, name in TIME_FIELDS.items():
        assert _value_of(page, f"{part}-{name}") in (None, ""), f"{part}-{name} is pre-filled"
    assert page.count("Leave blank for now") >= len(TIME_FIELDS)


def test_a_reading_saved_two_minutes_after_page_load_is_stored_with_the_save_time(people, session) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    with clock(T):
        page = nurse.get(f"/sessions/{session.pk}/").content.decode()
    blank = _value_of(page, "vitals-taken_at") or ""  # what the browser sends back: the field as the page gave it
    with clock(SAVED):
        response = _post(nurse, session, "vitals", {"taken_at": blank, "timepoint": "other", "systolic_mmhg": "128",
                                                    "diastolic_mmhg": "80"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert VitalSign.objects.get(session=session).taken_at == SAVED


def test_every_part_left_blank_is_stamped_with_its_own_save_time(people, session) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("checklist", {"rems_enrolled": "true", "concomitant_reviewed": "on"}),
        ("dose", {"dose_mg": "56", "lot_number": "L-1", "devices_used": "2"}),
        ("rating", {"instrument_id": "moaas", "value": "5"}),
        ("event", {"kind": "nausea", "severity": "mild"}),
        ("discharge", {}),
    ]
    # the blood pressure the pre-dose checks need before the dose (charted with its own time)
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(T, 128, 80, timepoint="predose"), now=T)
    for minutes, (part, data) in enumerate(steps, start=1):
        with clock(T + dt.timedelta(minutes=minutes)):
            response = _post(nurse, session, part, {TIME_FIELDS[part]: "", **data})
        assert response.status_code == 302, (part, response.content.decode()[-2000:])
    row = Session.objects.get(pk=session.pk)
    assert row.checklist["checked_at"] == (T + dt.timedelta(minutes=1)).isoformat()
    assert row.dosed_at == T + dt.timedelta(minutes=2)
    assert SessionRating.objects.get(session=session).taken_at == T + dt.timedelta(minutes=3)
    event = AdverseEvent.objects.get(session=session)
    assert event.noted_at == T + dt.timedelta(minutes=4)
    assert row.monitoring_completed_at == T + dt.timedelta(minutes=5)
    with clock(T + dt.timedelta(minutes=9)):
        assert _post(nurse, session, "resolve", {"event_id": str(event.pk), "resolved_at": ""}).status_code == 302
    assert AdverseEvent.objects.get(pk=event.pk).resolved_at == T + dt.timedelta(minutes=9)


def test_a_time_the_nurse_enters_is_kept(people, session) -> None:  # type: ignore[no-untyped-def]
    with clock(SAVED):
        response = _post(
            people.client("nurse"),
            session,
            "vitals",
            {"taken_at": "2026-03-02T08:55", "systolic_mmhg": "128", "diastolic_mmhg": "80"},
        )
    assert response.status_code == 302
    assert VitalSign.objects.get(session=session).taken_at == dt.datetime(2026, 3, 2, 8, 55, tzinfo=dt.UTC)


def test_a_time_in_the_future_is_refused_naming_the_field_on_the_form_and_the_api(people, session) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    with clock(T):
        page = _post(nurse, session, "vitals", {"taken_at": "2026-03-02T10:00", "systolic_mmhg": "128",
                                                 "diastolic_mmhg": "80"})  # fmt: skip
        api = nurse.post(f"/api/sessions/{session.pk}/vitals", json.dumps(
            {"taken_at": "2026-03-02T10:00:00+00:00", "systolic_mmhg": 128, "diastolic_mmhg": 80}),
            content_type="application/json")  # fmt: skip
        skew = nurse.post(f"/api/sessions/{session.pk}/vitals", json.dumps(
            {"taken_at": "2026-03-02T09:04:00+00:00", "systolic_mmhg": 128, "diastolic_mmhg": 80}),
            content_type="application/json")  # fmt: skip
    assert page.status_code == 422
    assert "a time not after now" in page.content.decode()
    assert api.status_code == 422 and api.json()["message"].startswith("taken_at:"), api.content
    assert skew.status_code == 200  # a device clock a few minutes fast is allowed
    assert VitalSign.objects.filter(session=session).count() == 1


def test_the_api_takes_a_missing_time_as_the_save_time(people, session) -> None:  # type: ignore[no-untyped-def]
    with clock(SAVED):
        response = people.client("nurse").post(
            f"/api/sessions/{session.pk}/vitals",
            json.dumps({"systolic_mmhg": 128, "diastolic_mmhg": 80, "timepoint": "predose"}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["vitals"][0]["taken_at"].startswith("2026-03-02T09:02:00")


def test_the_services_stamp_a_blank_time_with_their_now(people, session) -> None:  # type: ignore[no-untyped-def]
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(None, 128, 80), now=SAVED)
    assert VitalSign.objects.get(session=session).taken_at == SAVED
    with pytest.raises(InputError) as refused:
        session_writes.add_vitals(people.nurse, session.pk, VitalsInput(SAVED + dt.timedelta(hours=1), 128, 80),
                                  now=SAVED)  # fmt: skip
    assert refused.value.field == "taken_at"


def test_readings_before_and_after_dosing_must_be_in_order_with_the_dose(people, session) -> None:  # type: ignore[no-untyped-def]
    now = T + dt.timedelta(hours=1)
    ready_to_dose(people.nurse, session, T)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(T, Decimal(56), "L-1", devices_used=2), now=now)
    for timepoint, at in (("predose", T + dt.timedelta(minutes=5)), ("post-40", T - dt.timedelta(minutes=5)),
                          ("discharge", T - dt.timedelta(minutes=1))):  # fmt: skip
        with pytest.raises(InputError) as refused:
            session_writes.add_vitals(people.nurse, session.pk, VitalsInput(at, 128, 80, timepoint=timepoint), now=now)
        assert refused.value.field == "taken_at"
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(T - dt.timedelta(minutes=5), 128, 80,
                                                                    timepoint="predose"), now=now)  # fmt: skip
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(None, 130, 80, timepoint="post-40"), now=now)
    assert VitalSign.objects.filter(session=session).count() == 3  # with ready_to_dose's reading


def test_an_assessment_left_without_a_time_is_given_now(people, session) -> None:  # type: ignore[no-untyped-def]
    nurse = people.client("nurse")
    patient = session.patient
    with clock(T):
        page = nurse.get(f"/patients/{patient.pk}/assessments/new/?instrument=phq9").content.decode()
    assert _value_of(page, "administered_at") in (None, "")
    answers = {f"item_{item.id}": "1" for item in instruments.get("phq9").items}
    with clock(SAVED):
        response = nurse.post(f"/patients/{patient.pk}/assessments/new/", {"instrument": "phq9", **answers,
                                                                           "administered_at": ""})  # fmt: skip
        future = nurse.post(
            f"/patients/{patient.pk}/assessments/new/",
            {"instrument": "phq9", **answers, "administered_at": "2026-03-02T12:00"},
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Assessment.objects.get(patient=patient).administered_at == SAVED
    assert future.status_code == 400 and "a time not after now" in future.content.decode()


# ---------------------------------------------------------------- resolving an adverse event by choosing it


def _event(people, session: Session, kind: str, minutes: int, resolved: int | None = None) -> AdverseEvent:  # type: ignore[no-untyped-def]
    at = T + dt.timedelta(minutes=minutes)
    back = T + dt.timedelta(minutes=resolved) if resolved is not None else None
    session_writes.add_adverse_event(people.nurse, session.pk, EventInput(kind, at, back, severity="moderate"),
                                     now=T + dt.timedelta(hours=1))  # fmt: skip
    return AdverseEvent.objects.filter(session=session).latest("id")


def test_the_resolve_form_offers_the_open_events_by_kind_severity_and_time(people, session) -> None:  # type: ignore[no-untyped-def]
    open_one = _event(people, session, "nausea", 20)
    closed = _event(people, session, "headache", 10, resolved=15)
    with clock(T + dt.timedelta(hours=1)):
        page = people.client("nurse").get(f"/sessions/{session.pk}/?step=monitoring").content.decode()
    select = re.search(r'<select[^>]*name="resolve-event_id"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, "the event is chosen from a list, not typed"
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options == [(str(open_one.pk), "Nausea, moderate, noted 09:20")], options
    assert not re.search(r'<input[^>]*name="resolve-event_id"', page)
    assert str(closed.pk) not in [value for value, _ in options]


def test_an_event_not_offered_is_refused_by_the_form(people, session) -> None:  # type: ignore[no-untyped-def]
    closed = _event(people, session, "headache", 10, resolved=15)
    with clock(T + dt.timedelta(hours=1)):
        response = _post(people.client("nurse"), session, "resolve", {"event_id": str(closed.pk), "resolved_at": ""})
    assert response.status_code == 422
    assert AdverseEvent.objects.get(pk=closed.pk).resolved_at == T + dt.timedelta(minutes=15)


def test_the_api_resolves_by_id_and_refuses_another_sessions_or_clinics_event_naming_event_id(people, session) -> None:  # type: ignore[no-untyped-def]
    mine = _event(people, session, "nausea", 20)
    other_session = make_session(session.course, scheduled_at=T - dt.timedelta(minutes=10))
    theirs = _event(people, other_session, "nausea", 20)
    foreign_session = make_session(make_course(make_patient(people.outsider.clinic)), scheduled_at=T)
    session_writes.add_adverse_event(people.outsider, foreign_session.pk, EventInput("nausea", T, None),
                                     now=T + dt.timedelta(hours=1))  # fmt: skip
    foreign = AdverseEvent.objects.get(session=foreign_session)
    nurse = people.client("nurse")

    def resolve(session_id: int, event_id: int) -> Any:
        body = json.dumps({"event_id": event_id, "resolved_at": None})
        with clock(T + dt.timedelta(hours=1)):
            return nurse.post(f"/api/sessions/{session_id}/adverse-events/resolve", body,
                              content_type="application/json")  # fmt: skip

    for event_id in (theirs.pk, foreign.pk, 999_999):
        refused = resolve(session.pk, event_id)
        assert refused.status_code == 422 and refused.json()["message"].startswith("event_id:"), refused.content
    assert resolve(foreign_session.pk, foreign.pk).status_code == 404  # another clinic's session is not found
    done = resolve(session.pk, mine.pk)
    assert done.status_code == 200, done.content
    assert AdverseEvent.objects.get(pk=mine.pk).resolved_at == T + dt.timedelta(hours=1)
    again = resolve(session.pk, mine.pk)
    assert again.status_code == 422 and again.json()["message"].startswith("event_id:")
    assert AdverseEvent.objects.get(pk=theirs.pk).resolved_at is None
    assert AdverseEvent.objects.get(pk=foreign.pk).resolved_at is None


def test_resolve_input_refuses_a_resolution_before_the_event_was_noted(people, session) -> None:  # type: ignore[no-untyped-def]
    event = _event(people, session, "nausea", 20)
    with pytest.raises(InputError) as refused:
        session_writes.resolve_adverse_event(people.nurse, session.pk, ResolveEventInput(event.pk, T),
                                             now=T + dt.timedelta(hours=1))  # fmt: skip
    assert refused.value.field == "resolved_at"
