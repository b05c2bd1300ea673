"""Site settings in force are read (issue 14): the screen intervals and grace by the screens-due list and the
overdue-screen warnings, the closed weekdays and dates by course planning and booking. A later version changes
later readings only: a course already planned keeps its stored calendar. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ketamine_trd.clinic.measurement import due, refresh
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.records.services import courses
from ketamine_trd.clinic.scheduling import agenda, booking
from ketamine_trd.clinic.site import settings_service
from ketamine_trd.clinical.alert_vocabulary import AlertKind
from ketamine_trd.clinical.inputs.scheduling import BookCourseInput
from ketamine_trd.clinical.inputs.site import DEFAULT_VALUES, SiteSettingsInput
from tests.clinic.builders import make_course, make_eligible, make_patient, make_session
from tests.clinic.scheduling_builders import make_chairs

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)  # a Wednesday
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The dashboard caches its screens-due rows per clinic and day."""
    cache.clear()


def _save(people: Any, reason: str, **changes: Any) -> int:
    data = SiteSettingsInput(**{**DEFAULT_VALUES, **changes})
    return settings_service.save_settings(people.admin, data, reason, now=NOW).number


def _treated(people: Any, days_ago: int, now: dt.datetime = NOW) -> Any:
    """A patient in induction whose first signed dose was ``days_ago`` days before ``now``."""
    person = make_patient(people.clinic, family_name=f"Dosed{days_ago}")
    first = now - dt.timedelta(days=days_ago)
    course = make_course(person, phase="induction", start_date=first.date())
    make_session(course, scheduled_at=first, status="signed", dosed_at=first, dose_mg=56)
    return person


def _screens(people: Any, today: dt.date | None = None) -> list[str]:
    rows = due.screens_due_list(people.clinic.pk, today=today or NOW.date())
    return [s.screen for r in rows for s in r.screens]


def test_changing_a_screen_interval_changes_what_is_due(people: Any) -> None:
    """On the pages' own clock (the dashboard and the due page read today's date): the patient was first dosed 40
    days before the moment the test runs, so "overdue 10 days" holds on any day (it held only on NOW's before)."""
    now = timezone.now()
    person = _treated(people, 40, now)
    assert _screens(people, now.date()) == ["blood_pressure_review"]  # shipped: BP review every 30 days, bladder 90
    client = people.client("nurse")
    board = client.get(reverse("measurement:dashboard")).content.decode()
    assert "blood pressure review (overdue 10 days)" in board  # now cached for the day
    assert settings_service.surveillance_config(people.clinic.pk).name == "site-default-2026.1"
    number = _save(people, "monthly bladder screens, BP review every 60 days", bladder_interval_days=30,
                   blood_pressure_review_interval_days=60)  # fmt: skip
    assert _screens(people, now.date()) == ["bladder"]
    page = client.get(reverse("measurement:screens_due")).content.decode()
    assert "bladder (overdue 10 days)" in page and "blood pressure review" not in page
    board = client.get(reverse("measurement:dashboard")).content.decode()  # the cache is keyed by the profile
    assert "bladder (overdue 10 days)" in board and "blood pressure review" not in board
    _save(people, "no grace", bladder_interval_days=30, blood_pressure_review_interval_days=60,
          screen_overdue_grace_days=0)  # fmt: skip
    refresh.refresh_patient_alerts(people.nurse, person, now=now)
    (warning,) = Alert.objects.filter(patient=person, kind=AlertKind.SCREEN_OVERDUE)
    assert warning.data["screen"] == "bladder" and warning.data["profile"] == f"site-settings-v{number + 1}"
    assert "every 30 days" in warning.message


def _plan(people: Any, start: dt.date) -> Any:
    patient = make_patient(people.clinic, weight_kg=70)
    make_eligible(patient, people.prescriber, "ketamine-iv")
    data = courses.CourseInput(product="ketamine-iv", start_date=start, per_week=2, infusions=4)
    return courses.plan_new_course(people.prescriber, patient.pk, data, now=NOW)


def _days(course: Any) -> list[dt.date]:
    return [dt.date.fromisoformat(p["date"]) for p in course.plan_data["sessions"]]


def test_a_closed_weekday_moves_the_planned_calendar_and_the_booking_preview(people: Any) -> None:
    (chair,) = make_chairs(people.clinic)
    before = _plan(people, MONDAY)
    assert [d.weekday() for d in _days(before)] == [0, 3, 0, 3]  # twice weekly, Monday and Thursday
    assert before.plan_data["site_settings_version"] == 0
    number = _save(people, "closed on Mondays", closed_weekdays=["mon", "sat", "sun"])
    after = _plan(people, MONDAY)
    assert 0 not in {d.weekday() for d in _days(after)} and _days(after)[0] == MONDAY + dt.timedelta(days=1)
    assert after.plan_data["site_settings_version"] == number
    page = people.client("prescriber").get(reverse("records:course_detail", args=[after.pk])).content.decode()
    assert (MONDAY + dt.timedelta(days=1)).isoformat() in page and f"(site settings version {number}): Mondays" in page
    before.refresh_from_db()
    assert [d.weekday() for d in _days(before)] == [0, 3, 0, 3]  # a course already planned keeps its calendar
    data = BookCourseInput(chair_id=str(chair.pk), start_time="09:00", sessions="all")
    preview = booking.preview_course_booking(people.front_desk, before.pk, data, now=NOW)
    assert [s.day.weekday() for s in preview.sessions] == [1, 3, 1, 3] and preview.sessions[0].moved
    assert not preview.conflicts
    query = {"chair_id": chair.pk, "start_time": "09:00", "sessions": "all"}
    page = people.client("front_desk").get(reverse("scheduling:book", args=[before.pk]), query)
    assert page.status_code == 200 and (MONDAY + dt.timedelta(days=1)).isoformat() in page.content.decode()


def test_a_closed_date_of_the_site_settings_is_skipped_and_shown_on_the_agenda(people: Any) -> None:
    (chair,) = make_chairs(people.clinic)
    course = _plan(people, MONDAY)
    thursday = MONDAY + dt.timedelta(days=3)
    _save(people, "staff training", closed_dates=thursday.isoformat())
    data = BookCourseInput(chair_id=str(chair.pk), start_time="09:00", sessions="all")
    preview = booking.preview_course_booking(people.front_desk, course.pk, data, now=NOW)
    assert preview.sessions[1].planned_on == thursday and preview.sessions[1].day == thursday + dt.timedelta(days=1)
    week = agenda.chair_agenda(people.front_desk, chair.pk, MONDAY, 7, now=NOW)
    assert "closed in the site settings (version 2)" in week.days[3].closed_reason


def test_a_move_onto_a_weekday_the_site_settings_close_is_refused_saying_so(people: Any) -> None:
    from ketamine_trd.clinical.inputs.scheduling import MoveInput
    from ketamine_trd.errors import InputError

    (chair,) = make_chairs(people.clinic)
    course = _plan(people, MONDAY)
    made = booking.book_course(people.front_desk, course.pk, BookCourseInput(chair_id=str(chair.pk),
                               start_time="09:00", sessions="all"), now=NOW)  # fmt: skip
    _save(people, "closed on Wednesdays", closed_weekdays=["wed", "sat", "sun"])
    wednesday = dt.datetime.combine(MONDAY + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
    with pytest.raises(InputError) as caught:
        booking.move_booking(people.nurse, made[0].pk, MoveInput(chair_id=str(chair.pk), starts_at=wednesday,
                             reason="Try a closed weekday"), now=NOW)  # fmt: skip
    assert caught.value.field == "starts_at" and "Wednesdays (site settings)" in str(caught.value)


def test_the_consent_override_page_shows_only_the_clinics_own_course(people: Any) -> None:
    course = _plan(people, MONDAY)
    url = reverse("site:consent_override", args=[course.pk])
    assert people.client("prescriber").get(url).status_code == 200
    assert people.client("outsider").get(url).status_code == 404
