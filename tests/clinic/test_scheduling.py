"""Scheduling: booking a course's planned calendar in one step, conflicts, closed days, move and cancel (a reason)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.records.models import Session
from ketamine_trd.clinic.scheduling import booking, config
from ketamine_trd.clinic.scheduling.models import Booking, BookingChange, ChairSlot, ClosedDay
from ketamine_trd.clinical.inputs.scheduling import BookCourseInput, CancelInput, ClosedDayInput, MoveInput
from ketamine_trd.errors import ConflictError, InputError, PermissionDenied
from tests.clinic.builders import make_patient
from tests.clinic.scheduling_builders import make_chairs, make_iv_course

pytestmark = pytest.mark.django_db


def _book(people, course, chair, at="09:00", who="front_desk"):  # type: ignore[no-untyped-def]
    data = BookCourseInput(chair_id=str(chair.pk), start_time=at)
    return booking.book_course(getattr(people, who), course.pk, data, now=timezone.now())


def test_a_six_infusion_induction_is_booked_in_one_step_with_its_chair_block(people) -> None:  # type: ignore[no-untyped-def]
    (chair,) = make_chairs(people.clinic)
    course = make_iv_course(make_patient(people.clinic))
    made = _book(people, course, chair)
    assert len(made) == 6 and Session.objects.filter(course=course).count() == 6
    first = made[0]
    assert first.ends_at - first.starts_at == dt.timedelta(minutes=135)  # 15 check-in + max(40 infusion, 120 obs.)
    assert ChairSlot.objects.filter(booking=first).count() == 9
    assert first.session.chair == chair.name
    assert AuditEvent.objects.filter(action="create", object_type="records.session").count() >= 6
    with pytest.raises(InputError) as caught:  # every planned session is booked: nothing is booked twice
        _book(people, course, chair, "13:00")
    assert caught.value.field == "sessions"


def test_closed_day_is_skipped_by_the_core_placing_rule(people) -> None:  # type: ignore[no-untyped-def]
    (chair,) = make_chairs(people.clinic)
    course = make_iv_course(make_patient(people.clinic))
    first_day = dt.date.fromisoformat(course.plan_data["sessions"][0]["date"])
    config.add_closed_day(people.admin, ClosedDayInput(day=first_day.isoformat(), reason="Holiday"), now=timezone.now())
    plan = booking.preview_course_booking(people.nurse, course.pk, BookCourseInput(chair_id=str(chair.pk),
                                          start_time="09:00"), now=timezone.now())  # fmt: skip
    assert plan.sessions[0].day == first_day + dt.timedelta(days=1) and plan.sessions[0].moved
    assert not plan.conflicts


def test_conflicts_are_shown_before_booking_and_nothing_is_half_saved(people) -> None:  # type: ignore[no-untyped-def]
    (chair,) = make_chairs(people.clinic)
    one, two = make_iv_course(make_patient(people.clinic)), make_iv_course(make_patient(people.clinic))
    _book(people, one, chair, "09:00")
    plan = booking.preview_course_booking(people.nurse, two.pk, BookCourseInput(chair_id=str(chair.pk),
                                          start_time="10:00"), now=timezone.now())  # fmt: skip
    assert len(plan.conflicts) == 6 and "is booked" in plan.conflicts[0].problem
    with pytest.raises(InputError) as caught:
        _book(people, two, chair, "10:00")
    assert caught.value.field == "start_time"
    assert Session.objects.filter(course=two).count() == 0
    late = booking.preview_course_booking(people.nurse, two.pk, BookCourseInput(chair_id=str(chair.pk),
                                          start_time="17:00"), now=timezone.now())  # fmt: skip
    assert "outside the opening hours" in late.conflicts[0].problem
    assert len(_book(people, two, chair, "11:15")) == 6  # 09:00 + 135 min ends 11:15: the next block may start then


def test_move_and_cancel_keep_their_reason_and_free_the_chair(people) -> None:  # type: ignore[no-untyped-def]
    chair, other = make_chairs(people.clinic, "Chair A", "Chair B")
    made = _book(people, make_iv_course(make_patient(people.clinic)), chair)
    target = made[0].starts_at + dt.timedelta(hours=3)
    moved = booking.move_booking(people.nurse, made[0].pk, MoveInput(chair_id=str(other.pk), starts_at=target,
                                 reason="Patient asked for the afternoon"), now=timezone.now())  # fmt: skip
    assert moved.chair == other and moved.session.scheduled_at == target
    assert ChairSlot.objects.filter(chair=chair, booking=moved).count() == 0
    change = BookingChange.objects.get(booking=moved)
    assert change.reason == "Patient asked for the afternoon" and change.from_chair == chair
    assert AuditEvent.objects.filter(detail__startswith="moved: Patient asked").exists()
    with pytest.raises(InputError) as caught:
        booking.move_booking(people.nurse, made[1].pk, MoveInput(chair_id=str(other.pk), starts_at=target,
                             reason="Try the same slot"), now=timezone.now())  # fmt: skip
    assert caught.value.field == "starts_at"
    booking.cancel_booking(people.nurse, made[1].pk, CancelInput(reason="Unwell today"), now=timezone.now())
    assert Session.objects.get(pk=made[1].session_id).status == "cancelled"
    assert not ChairSlot.objects.filter(booking=made[1]).exists()
    with pytest.raises(ConflictError):
        booking.cancel_booking(people.nurse, made[1].pk, CancelInput(reason="Twice over"), now=timezone.now())
    with pytest.raises(InputError) as short:
        CancelInput(reason="no")
    assert short.value.field == "reason"


def test_roles_and_clinics(people) -> None:  # type: ignore[no-untyped-def]
    (chair,) = make_chairs(people.clinic)
    course = make_iv_course(make_patient(people.clinic))
    with pytest.raises(PermissionDenied):
        _book(people, course, chair, who="researcher")
    with pytest.raises(PermissionDenied):
        config.add_closed_day(people.nurse, ClosedDayInput(day="2030-01-01"), now=timezone.now())
    with pytest.raises(InputError) as caught:  # another clinic's chair is not a chair of this clinic
        other = make_chairs(people.outsider.clinic, "Theirs")[0]
        _book(people, course, other)
    assert caught.value.field == "chair_id"
    assert not ClosedDay.objects.exists() and not Booking.objects.exists()


def test_reminders_go_out_once_by_e_mail_and_are_audited(people) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail
    from django.core.management import call_command

    from ketamine_trd.clinic.scheduling.reminders import send_reminders

    (chair,) = make_chairs(people.clinic)
    made = _book(people, make_iv_course(make_patient(people.clinic, email="alex@example.org")), chair)
    at = made[0].starts_at - dt.timedelta(hours=2)
    assert send_reminders(now=at).sent == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alex@example.org"] and chair.name in mail.outbox[0].body
    assert send_reminders(now=at).sent == 0  # once per booking
    assert AuditEvent.objects.filter(action="export", detail="e-mail reminder").count() == 1
    call_command("send_reminders", "--hours", "1")


def test_the_demo_clinic_has_chairs_a_closed_day_and_a_week_of_bookings(db) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.demo import ensure_demo_clinic
    from ketamine_trd.clinic.scheduling.models import Chair

    ensure_demo_clinic(seed=7, patients=12)
    assert Chair.objects.count() == 5 and ClosedDay.objects.count() == 1
    booked = Booking.objects.all()
    assert booked.exists() and all(b.starts_at > timezone.now() for b in booked)
    assert max(b.starts_at for b in booked) <= timezone.now() + dt.timedelta(days=8)


def test_a_move_onto_a_closed_day_or_outside_the_hours_is_refused_naming_the_time(people) -> None:  # type: ignore[no-untyped-def]
    (chair,) = make_chairs(people.clinic)
    made = _book(people, make_iv_course(make_patient(people.clinic)), chair)
    day = made[0].starts_at.date() + dt.timedelta(days=1)
    config.add_closed_day(people.admin, ClosedDayInput(day=day.isoformat(), reason="Holiday"), now=timezone.now())
    for target in (dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), made[0].starts_at.replace(hour=17)):
        with pytest.raises(InputError) as caught:
            booking.move_booking(people.nurse, made[0].pk, MoveInput(chair_id=str(chair.pk), starts_at=target,
                                 reason="Try a closed time"), now=timezone.now())  # fmt: skip
        assert caught.value.field == "starts_at"
    assert not BookingChange.objects.exists()
