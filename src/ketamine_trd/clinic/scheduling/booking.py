"""Booking a course's planned calendar into sessions with a chair and a time, moving and cancelling one booking.

The course plan (``clinical.courses``) gives the dates; the clinic's closed days (its weekdays without opening hours
and its closed dates) are skipped by the core's own placing rule (``clinical.scheduling.place``, with the plan's
minimum gap); the chair block comes from ``clinical.chair_time`` with the course's monitoring profile. A booking
holds one :class:`ChairSlot` per slot: the database's unique constraint on (chair, slot start) refuses a double
booking even when two clerks press "Book" at the same moment (docs/adr/0017-chair-booking.md); the check before
the insert only explains the conflict in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.records.models import Course, Phase, Session, SessionStatus
from ketamine_trd.clinic.records.services._scope import course_for
from ketamine_trd.clinic.scheduling.calendar import ClinicCalendar, calendar_of
from ketamine_trd.clinic.scheduling.models import Booking, BookingChange, Chair, ChairSlot
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.chair_time import IV_INFUSION_MINUTES, ChairBlock, chair_block, slot_starts
from ketamine_trd.clinical.inputs.scheduling import BookCourseInput, CancelInput, MoveInput, clock_time
from ketamine_trd.clinical.monitoring_profiles import default_profile, get_profile
from ketamine_trd.clinical.scheduling import place
from ketamine_trd.errors import ConflictError, InputError, KtrdError, NotFoundError

MAX_AHEAD = dt.timedelta(days=400)


@dataclass(frozen=True, slots=True)
class ProposedSession:
    """One planned session as it would be booked: its plan number, local date, UTC times, and what stands in its way."""

    number: int
    planned_on: dt.date
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    problem: str

    @property
    def moved(self) -> bool:
        return self.day != self.planned_on


@dataclass(frozen=True, slots=True)
class BookingPlan:
    """What "Book" would do: the chair, the block, each session with its problem ('' when free)."""

    course: Course
    chair: Chair
    block: ChairBlock
    sessions: tuple[ProposedSession, ...]
    already_booked: int

    @property
    def conflicts(self) -> tuple[ProposedSession, ...]:
        return tuple(s for s in self.sessions if s.problem)


def block_for(course: Course, on: dt.date) -> ChairBlock:
    """The chair block of one session of ``course``: its monitoring profile's observation (+ a 40-min infusion, IV)."""
    try:
        profile = get_profile(course.monitoring_profile, on=on) if course.monitoring_profile else None
    except KtrdError:  # an id (or version) no longer in effect that day: the product's default gives the block
        profile = None
    profile = profile or default_profile(course.product, on=on)
    infusion = IV_INFUSION_MINUTES if course.product == "ketamine-iv" else 0
    observed = profile.minimum_observation_minutes
    if observed is None:  # a profile without an observation time: the chair time cannot be derived, never guessed
        raise InputError("course", course.pk, f"a course whose monitoring profile ({profile.id}) states an "
                         "observation time")  # fmt: skip
    return chair_block(observation_minutes=int(observed.value), infusion_minutes=infusion)


def chair_for(user: Any, chair_id: int, *, field: str = "chair_id") -> Chair:
    """An active chair of the user's clinic, else an input error naming ``field``."""
    chair = Chair.objects.filter(pk=chair_id, clinic_id=user.clinic_id, active=True).first()
    if chair is None:
        raise InputError(field, chair_id, "an active chair of this clinic")
    return chair


def _taken(chair: Chair, starts: tuple[dt.datetime, ...], *, ignore: int | None = None) -> list[Booking]:
    """The live bookings of ``chair`` that hold any of ``starts`` (those of cancelled sessions are released first)."""
    _release_cancelled(chair)
    rows = ChairSlot.objects.filter(chair=chair, starts_at__in=starts).exclude(booking_id=ignore)
    ids = set(rows.values_list("booking_id", flat=True))
    return list(Booking.objects.filter(pk__in=ids).select_related("session__patient"))


def _release_cancelled(chair: Chair) -> None:
    """Free the slots of bookings whose session was cancelled elsewhere (an ended course cancels its sessions)."""
    ChairSlot.objects.filter(chair=chair, booking__session__status=SessionStatus.CANCELLED).delete()


def _conflict_words(found: list[Booking]) -> str:
    return "; ".join(f"{b.chair.name} is booked {b.starts_at:%Y-%m-%d %H:%M} UTC for {b.session.patient.mrn}"
                     for b in found)  # fmt: skip


def _hold(booking: Booking, starts: tuple[dt.datetime, ...]) -> None:
    """Insert the booking's slots; the unique constraint refuses a slot that another booking holds."""
    try:
        with transaction.atomic():  # a savepoint: the refusal leaves the outer transaction usable on PostgreSQL
            ChairSlot.objects.bulk_create(
                [ChairSlot(chair=booking.chair, starts_at=s, booking=booking) for s in starts]
            )
    except IntegrityError:
        when = f"{booking.starts_at:%Y-%m-%d %H:%M} UTC"
        raise ConflictError(f"{booking.chair.name} was booked by someone else at {when}: choose another time") from None


def _proposal(user: Any, course: Course, data: BookCourseInput, calendar: ClinicCalendar) -> BookingPlan:
    chair = chair_for(user, int(data.chair_id))
    if not calendar.hours:
        raise InputError(
            "chair_id", chair.name, "a clinic with opening hours (an admin sets them in Scheduling settings)"
        )
    booked = set(Booking.objects.filter(session__course=course, plan_number__isnull=False)
                 .exclude(session__status=SessionStatus.CANCELLED).values_list("plan_number", flat=True))  # fmt: skip
    planned = [p for p in course.plan_data.get("sessions", []) if p["number"] not in booked
               and (data.sessions == "all" or p["phase"] == "induction")]  # fmt: skip
    if not planned:
        raise InputError("sessions", data.sessions, "planned sessions not booked yet (every one is booked)")
    days = place([dt.date.fromisoformat(p["date"]) for p in planned],
                 min_gap_days=int(course.plan_data.get("min_gap_days", 1)), closed=calendar.closed())  # fmt: skip
    clock, out = clock_time(data.start_time), []
    for p, day in zip(planned, days, strict=True):
        block = block_for(course, day)
        start = calendar.at(day, clock)
        starts = slot_starts(start, block)
        end = start + dt.timedelta(minutes=block.minutes)
        problem = calendar.fits(start, end) or _conflict_words(_taken(chair, starts))
        out.append(ProposedSession(p["number"], dt.date.fromisoformat(p["date"]), day, start, end, problem))
    return BookingPlan(course, chair, block_for(course, days[0]), tuple(out), len(booked))


def preview_course_booking(actor: Actor, course_id: int, data: BookCourseInput, *, now: dt.datetime) -> BookingPlan:
    """What booking the course would do, with every conflict in words (a ``read``)."""
    user = authorize(actor, "schedule.book")
    with reading():
        course = course_for(user, course_id)
        plan = _proposal(user, course, data, calendar_of(course.patient.clinic))
    record(actor, "read", obj=course, detail="booking preview", now=now)
    return plan


def book_course(actor: Actor, course_id: int, data: BookCourseInput, *, now: dt.datetime) -> list[Booking]:
    """Book the course's planned sessions (all or none): one session, one booking and its slots each, audited."""
    user = authorize(actor, "schedule.book")
    with writing():
        course = course_for(user, course_id, lock=True)
        if course.phase == Phase.ENDED:
            raise ConflictError(f"course {course_id} has ended: no new sessions")
        plan = _proposal(user, course, data, calendar_of(course.patient.clinic))
        if plan.conflicts:
            first = plan.conflicts[0]
            raise InputError("start_time", data.start_time, f"a time free for every session (session {first.number} "
                             f"on {first.day.isoformat()}: {first.problem})")  # fmt: skip
        if any(abs(s.starts_at - now) > MAX_AHEAD for s in plan.sessions):
            raise InputError("sessions", data.sessions, "sessions within 400 days of today")
        made = [_book_one(actor, user, course, plan.chair, s, now) for s in plan.sessions]
    return made


def _book_one(actor: Actor, user: Any, course: Course, chair: Chair, s: ProposedSession, now: dt.datetime) -> Booking:
    session = Session.objects.create(
        course=course, patient_id=course.patient_id, scheduled_at=s.starts_at, chair=chair.name,
        setting="outpatient", monitoring_profile=course.monitoring_profile, created_at=now, updated_at=now,
    )  # fmt: skip
    booking = Booking.objects.create(session=session, chair=chair, starts_at=s.starts_at, ends_at=s.ends_at,
                                     plan_number=s.number, created_by=user, created_at=now)  # fmt: skip
    _hold(booking, slot_starts(s.starts_at, block_for(course, s.day)))
    record(actor, "create", obj=session, changed_fields=["scheduled_at", "chair"], now=now,
           detail=f"booked from the plan: session {s.number}, {chair.name}")  # fmt: skip
    return booking


def booking_for(user: Any, booking_id: int, *, lock: bool = False) -> Booking:
    """A booking of the user's clinic, or ``NotFoundError``."""
    rows = Booking.objects.select_related("session__patient", "session__course", "chair").filter(
        pk=booking_id, session__patient__clinic_id=user.clinic_id)  # fmt: skip
    booking = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if booking is None:
        raise NotFoundError(f"booking {booking_id} not found")
    return booking


def _changeable(booking: Booking) -> None:
    if booking.cancelled_at is not None or booking.session.status != SessionStatus.PLANNED:
        raise ConflictError("only a planned session can be moved or cancelled (this one has started, ended or was "
                            "cancelled)")  # fmt: skip


def move_booking(actor: Actor, booking_id: int, data: MoveInput, *, now: dt.datetime) -> Booking:
    """Move one planned session to ``data.starts_at`` in ``data.chair_id``; the reason is kept and audited."""
    user = authorize(actor, "schedule.book")
    with writing():
        booking = booking_for(user, booking_id, lock=True)
        _changeable(booking)
        chair = chair_for(user, int(data.chair_id))
        if abs(data.starts_at - now) > MAX_AHEAD:
            raise InputError("starts_at", data.starts_at.isoformat(timespec="minutes"), "within 400 days of today")
        calendar = calendar_of(booking.session.patient.clinic)
        block = block_for(booking.session.course, data.starts_at.date())
        starts = slot_starts(data.starts_at, block)
        end = data.starts_at + dt.timedelta(minutes=block.minutes)
        problem = calendar.fits(data.starts_at, end) or _conflict_words(_taken(chair, starts, ignore=booking.pk))
        if problem:
            raise InputError("starts_at", data.starts_at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M"),
                             f"a free time within the opening hours ({problem})")  # fmt: skip
        BookingChange.objects.create(booking=booking, kind="move", from_chair=booking.chair,
                                     from_starts_at=booking.starts_at, to_chair=chair, to_starts_at=data.starts_at,
                                     reason=data.reason, changed_by=user, changed_at=now)  # fmt: skip
        booking.slots.all().delete()
        booking.chair, booking.starts_at, booking.ends_at = chair, data.starts_at, end
        booking.reminded_at = None
        booking.save(update_fields=["chair", "starts_at", "ends_at", "reminded_at"])
        _hold(booking, starts)
        session = booking.session
        session.scheduled_at, session.chair, session.updated_at = data.starts_at, chair.name, now
        session.version += 1
        session.save(update_fields=["scheduled_at", "chair", "updated_at", "version"])
        record(actor, "update", obj=session, changed_fields=("scheduled_at", "chair"), now=now,
               detail=f"moved: {data.reason}"[:500])  # fmt: skip
    return booking


def cancel_booking(actor: Actor, booking_id: int, data: CancelInput, *, now: dt.datetime) -> Booking:
    """Cancel one planned session and free its chair; the reason is kept and audited."""
    user = authorize(actor, "schedule.book")
    with writing():
        booking = booking_for(user, booking_id, lock=True)
        _changeable(booking)
        BookingChange.objects.create(booking=booking, kind="cancel", from_chair=booking.chair,
                                     from_starts_at=booking.starts_at, reason=data.reason, changed_by=user,
                                     changed_at=now)  # fmt: skip
        booking.slots.all().delete()
        booking.cancelled_at = now
        booking.save(update_fields=["cancelled_at"])
        session = booking.session
        session.status, session.updated_at = SessionStatus.CANCELLED, now
        session.version += 1
        session.save(update_fields=["status", "updated_at", "version"])
        record(actor, "update", obj=session, changed_fields=("status",), now=now,
               detail=f"cancelled: {data.reason}"[:500])  # fmt: skip
    return booking


def booking_page(actor: Actor, booking_id: int, *, now: dt.datetime) -> tuple[Booking, list[Chair]]:
    """One booking (a ``read`` of its session) and the clinic's active chairs, for the move and cancel pages."""
    user = authorize(actor, "schedule.book")
    with reading():
        found = booking_for(user, booking_id)
        chairs = list(Chair.objects.filter(clinic_id=user.clinic_id, active=True))
    record(actor, "read", obj=found.session, now=now)
    return found, chairs


def active_chairs(actor: Actor) -> list[Chair]:
    """The clinic's chairs in service (no patient data)."""
    user = authorize(actor, "schedule.view")
    with reading():
        return list(Chair.objects.filter(clinic_id=user.clinic_id, active=True))


def book_planned_session(actor: Actor, course_id: int, *, number: int, chair_id: int, starts_at: dt.datetime,
                         now: dt.datetime) -> Booking:  # fmt: skip
    """Book one planned session (its plan ``number``) at ``starts_at`` in a chair: within the hours and free."""
    user = authorize(actor, "schedule.book")
    with writing():
        course = course_for(user, course_id, lock=True)
        if course.phase == Phase.ENDED:
            raise ConflictError(f"course {course_id} has ended: no new sessions")
        planned = {p["number"]: p for p in course.plan_data.get("sessions", [])}
        if number not in planned:
            raise InputError("number", number, "a session number of the course plan")
        chair, calendar = chair_for(user, chair_id), calendar_of(course.patient.clinic)
        local_day = starts_at.astimezone(calendar.zone).date()
        block = block_for(course, local_day)
        end = starts_at + dt.timedelta(minutes=block.minutes)
        problem = calendar.fits(starts_at, end) or _conflict_words(_taken(chair, slot_starts(starts_at, block)))
        if problem:
            raise InputError("starts_at", starts_at.isoformat(timespec="minutes"), f"a free time ({problem})")
        s = ProposedSession(number, dt.date.fromisoformat(planned[number]["date"]), local_day, starts_at, end, "")
        return _book_one(actor, user, course, chair, s, now)


def course_booking_page(actor: Actor, course_id: int, *, now: dt.datetime) -> tuple[Course, list[Chair]]:
    """The course to book (of the user's clinic, else not found; a ``read``) and the clinic's chairs in service."""
    user = authorize(actor, "schedule.book")
    with reading():
        course = course_for(user, course_id)
        chairs = list(Chair.objects.filter(clinic_id=user.clinic_id, active=True))
    record(actor, "read", obj=course, now=now)
    return course, chairs
