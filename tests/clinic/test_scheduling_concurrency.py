"""Concurrent bookings of one chair never double-book: the unique (chair, slot start) constraint decides, not Python.

Run on SQLite and on PostgreSQL (``DATABASE_URL``). The service's check before the insert is switched off here, so
that what refuses the second booking is the database's constraint alone.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.utils import timezone

from ketamine_trd.clinic.scheduling import booking
from ketamine_trd.clinic.scheduling.models import Booking, ChairSlot
from ketamine_trd.clinical.inputs.scheduling import BookCourseInput
from ketamine_trd.errors import ConflictError
from tests.clinic.builders import make_patient, make_session
from tests.clinic.scheduling_builders import make_chairs, make_iv_course

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = 6


def _race(work: Any) -> list[Any]:
    """Run ``work(i)`` in WRITERS threads released together; each result or exception is returned."""
    barrier, results = threading.Barrier(WRITERS), [None] * WRITERS

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the outcome of each writer is what the test checks
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_the_constraint_refuses_a_second_slot_of_a_chair() -> None:
    from ketamine_trd.clinic.accounts.models import User
    from tests.clinic.builders import make_clinic, make_user

    clinic = make_clinic()
    (chair,) = make_chairs(clinic)
    user: User = make_user("nurse", clinic)
    course = make_iv_course(make_patient(clinic))
    at = timezone.now().replace(minute=0, second=0, microsecond=0)
    rows = [Booking.objects.create(session=make_session(course), chair=chair, starts_at=at, ends_at=at, created_by=user,
                                   created_at=at) for _ in range(2)]  # fmt: skip
    ChairSlot.objects.create(chair=chair, starts_at=at, booking=rows[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ChairSlot.objects.create(chair=chair, starts_at=at, booking=rows[1])


def test_raw_concurrent_slot_inserts_keep_one_booking_per_slot() -> None:
    """Six transactions insert overlapping slots at once (no application lock at all): exactly one commits."""
    from tests.clinic.builders import make_clinic, make_user

    clinic = make_clinic()
    (chair,) = make_chairs(clinic)
    user = make_user("nurse", clinic)
    course = make_iv_course(make_patient(clinic))
    at = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    rows = [Booking.objects.create(session=make_session(course), chair=chair, starts_at=at, ends_at=at, created_by=user,
                                   created_at=at) for _ in range(WRITERS)]  # fmt: skip
    step = dt.timedelta(minutes=15)

    def insert(i: int) -> str:
        for _ in range(200):  # SQLite refuses a second writer as busy ("table is locked"): try again, as run_write does
            try:
                with transaction.atomic():
                    slots = [
                        ChairSlot(chair=chair, starts_at=at + step * (i % 2 + k), booking=rows[i]) for k in range(4)
                    ]
                    ChairSlot.objects.bulk_create(slots)
                return "ok"
            except OperationalError:
                time.sleep(0.01)
        return "busy"

    results = _race(insert)
    assert results.count("ok") == 1, results
    assert sum(isinstance(r, IntegrityError) for r in results) == WRITERS - 1, results
    assert ChairSlot.objects.filter(chair=chair).values("booking").distinct().count() == 1


def test_concurrent_course_bookings_of_one_chair_never_double_book(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Six clerks book six courses into the same chair at the same time of day, the pre-check switched off."""
    monkeypatch.setattr(booking, "_taken", lambda chair, starts, ignore=None: [])
    (chair,) = make_chairs(people.clinic)
    courses = [make_iv_course(make_patient(people.clinic)) for _ in range(WRITERS)]
    data = BookCourseInput(chair_id=str(chair.pk), start_time="09:00")
    results = _race(lambda i: booking.book_course(people.front_desk, courses[i].pk, data, now=timezone.now()))
    won = [r for r in results if isinstance(r, list)]
    assert len(won) == 1 and all(isinstance(r, ConflictError) for r in results if not isinstance(r, list)), results
    assert Booking.objects.count() == 6  # one course's six sessions; the others left nothing behind
    assert ChairSlot.objects.count() == 6 * 9
    per_slot = ChairSlot.objects.values("chair", "starts_at").distinct().count()
    assert per_slot == ChairSlot.objects.count()
    assert connection.vendor in ("sqlite", "postgresql")
