"""One phase per dose (issue 11, item 5): a session keeps the phase its dose was given in, and outcomes, exposure
and exports read that, never the course's current phase. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from ketamine_trd.clinic.fhir_bridge import patient_export
from ketamine_trd.clinic.measurement import safety, trajectory
from ketamine_trd.clinic.records.models import Course, Session
from ketamine_trd.clinic.records.services import courses, session_writes, sessions
from ketamine_trd.clinic.records.services.session_writes import DoseInput
from ketamine_trd.interop.fhir.care import encounter
from ketamine_trd.interop.fhir.ids import Ids
from tests.clinic.builders import make_course, make_eligible, make_patient, make_session, ready_to_dose

pytestmark = pytest.mark.django_db
DAY0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
INDUCTION_DAYS = (0, 3, 7, 10)
MAINTENANCE_DAYS = (35, 49, 63)
MOVED_ON_DAY = 28


def day(n: int, hour: int = 9) -> dt.datetime:
    return DAY0 + dt.timedelta(days=n, hours=hour - 9)


def _dose(people: Any, course: Course, n: int) -> Session:
    """Book, dose (2 devices, 56 mg) and sign-off-mark a session on day ``n``, charted at the time of dosing."""
    session = sessions.schedule_session(people.nurse, course.pk, scheduled_at=day(n), chair="Chair 1", now=day(n, 8))
    dose = DoseInput(day(n), Decimal(56), f"LOT-{n}", devices_used=2)
    ready_to_dose(people.nurse, session, day(n))
    session_writes.record_dose(people.nurse, session.pk, dose, now=day(n, 10))
    Session.objects.filter(pk=session.pk).update(status="signed")  # signing itself is tested in test_sessions
    return Session.objects.get(pk=session.pk)


def _course_that_moved_on(people: Any) -> Course:
    """Induction doses on INDUCTION_DAYS, the course moved to maintenance on day 28, then MAINTENANCE_DAYS."""
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")  # moving to induction needs eligibility (issue 11)
    course = make_course(patient, phase="evaluation", start_date=DAY0.date())
    courses.change_phase(people.prescriber, course.pk, phase="induction", now=day(-1))
    for n in INDUCTION_DAYS:
        _dose(people, course, n)
    courses.change_phase(people.prescriber, course.pk, phase="maintenance", now=day(MOVED_ON_DAY))
    for n in MAINTENANCE_DAYS:
        _dose(people, course, n)
    return Course.objects.get(pk=course.pk)


EXPECTED = ["induction"] * len(INDUCTION_DAYS) + ["maintenance"] * len(MAINTENANCE_DAYS)


def test_induction_doses_stay_induction_after_the_course_moves_on(people: Any) -> None:
    course = _course_that_moved_on(people)
    assert course.phase == "maintenance"
    stored = list(course.sessions.order_by("dosed_at").values_list("phase", flat=True))
    assert stored == EXPECTED
    assert [phase for _, _, phase in trajectory.dose_records(course.patient)] == EXPECTED
    assert [d.phase for d in safety._doses(course.patient)] == EXPECTED
    courses.change_phase(people.prescriber, course.pk, phase="ended", reason="Completed the course", now=day(70))
    assert [phase for _, _, phase in trajectory.dose_records(course.patient)] == EXPECTED


def test_durability_counts_from_the_last_induction_dose(people: Any) -> None:
    course = _course_that_moved_on(people)
    # MADRS: baseline 34, response and remission, then two scores of 22 or more 7 days apart (SUSTAIN-1 relapse)
    rows = [(day(-1), 34), (day(14), 14), (day(28), 10), (day(70), 24), (day(77), 26)]
    report = trajectory.evaluate("madrs", rows, trajectory.dose_records(course.patient))
    assert report is not None
    relapse = next(e for e in report.events if e.type == "relapse")
    assert report.durability_days == (relapse.date - day(INDUCTION_DAYS[-1]).date()).days
    # what the course's current phase would have said: no induction dose at all, so no durability
    as_course_phase = [(at, mg, course.phase) for at, mg, _ in trajectory.dose_records(course.patient)]
    assert trajectory.evaluate("madrs", rows, as_course_phase).durability_days is None  # type: ignore[union-attr]


def test_fhir_encounters_carry_the_phase_of_the_dose(people: Any) -> None:
    course = _course_that_moved_on(people)
    exported = patient_export(course.patient)
    assert [s.phase for s in exported.sessions] == EXPECTED
    resource = encounter(exported.sessions[0], Ids("test-clinic"), "Patient/1")
    assert resource["type"][0]["coding"][0]["code"] == "induction"


def test_research_export_reads_the_phase_of_the_dose(people: Any) -> None:
    from ketamine_trd.clinic.research_rows import RowBuilder

    course = _course_that_moved_on(people)
    builder = RowBuilder.__new__(RowBuilder)  # only _phase is exercised: it needs no export state
    phases = [builder._phase(course, s) for s in course.sessions.order_by("dosed_at")]
    assert phases == EXPECTED


def _fill(session_ids: list[int]) -> list[str]:
    migration = importlib.import_module(
        "ketamine_trd.clinic.records.migrations.0007_fill_session_phase_from_course_history"
    )
    Session.objects.filter(pk__in=session_ids).update(phase="")
    migration.fill_session_phase(apps, None, "dosed_at")  # today's models: 0010 renamed the column
    return list(Session.objects.filter(pk__in=session_ids).order_by("dosed_at").values_list("phase", flat=True))


def test_migration_fills_the_phase_from_the_course_history(people: Any) -> None:
    course = _course_that_moved_on(people)
    ids = list(course.sessions.values_list("pk", flat=True))
    assert _fill(ids) == EXPECTED  # from the audit trail's phase moves
    courses.change_phase(people.prescriber, course.pk, phase="ended", reason="Completed the course", now=day(70))
    assert _fill(ids) == EXPECTED  # ended since: the path evaluation -> induction -> maintenance -> ended


def test_migration_falls_back_to_the_calendar_without_a_history(people: Any) -> None:
    # seeded directly (no audit events): induction up to the end-of-induction review day, maintenance after it
    course = make_course(make_patient(people.clinic), phase="maintenance", start_date=DAY0.date())
    Course.objects.filter(pk=course.pk).update(review_due_on=day(27).date())
    ids = [make_session(course, scheduled_at=day(n), dosed_at=day(n), status="signed").pk for n in (0, 14, 27, 35)]
    assert _fill(ids) == ["induction", "induction", "induction", "maintenance"]


def test_migration_leaves_sessions_without_a_dose_alone(people: Any) -> None:
    course = make_course(make_patient(people.clinic), phase="induction")
    planned = make_session(course, scheduled_at=day(3))
    _fill([planned.pk])
    planned.refresh_from_db()
    assert planned.phase == ""
