"""Plain builder functions and named personas for the clinic tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from ketamine_trd.clinic.accounts.models import Clinic, User
from ketamine_trd.clinic.records.models import Course, Patient, Session

_seq = count(1)
PASSWORD = "correct-horse-battery-staple-42"


def make_clinic(**overrides: Any) -> Clinic:
    n = next(_seq)
    values: dict[str, Any] = {"name": f"Clinic {n}", "slug": f"clinic-{n}", "rems_setting_id": f"HCS{n:05d}"}
    values.update(overrides)
    return Clinic.objects.create(**values)


def make_user(role: str, clinic: Clinic | None, **overrides: Any) -> User:
    n = next(_seq)
    values: dict[str, Any] = {"username": f"{role}{n}", "role": role, "clinic": clinic, "first_name": role.title()}
    values.update(overrides)
    user = User(**values)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_patient(clinic: Clinic, **overrides: Any) -> Patient:
    n = next(_seq)
    now = timezone.now()
    values: dict[str, Any] = {
        "clinic": clinic,
        "mrn": f"MRN{n:05d}",
        "given_name": "Alex",
        "family_name": f"Doe{n}",
        "date_of_birth": dt.date(1980, 5, 17),
        "sex": "female",
        "weight_kg": Decimal("70.0"),
        "height_cm": Decimal("170.0"),
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Patient.objects.create(**values)


def make_course(patient: Patient, **overrides: Any) -> Course:
    now = timezone.now()
    values: dict[str, Any] = {
        "patient": patient,
        "product": "esketamine-nasal",
        "route": "nasal",
        "phase": "induction",
        "start_date": now.date() - dt.timedelta(days=7),
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Course.objects.create(**values)


def make_session(course: Course, **overrides: Any) -> Session:
    now = timezone.now()
    values: dict[str, Any] = {
        "course": course,
        "patient": course.patient,
        "scheduled_at": now - dt.timedelta(hours=3),
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Session.objects.create(**values)


def make_eligible(patient: Patient, prescriber: User, *products: str, signed: bool = True) -> None:
    """A TRD verdict and a screening per product, judged by the core and (by default) signed off by ``prescriber``.

    The history has two adequate failed trials (TRD under EU-PEARL, S14); the medical profile has no condition.
    """
    from ketamine_trd.clinic.records.services import intake

    now = timezone.now()
    history = {"episode": {"duration_months": 18, "severity": "severe"}, "trials": [
        {"drug": "sertraline", "daily_dose_mg": 100, "weeks": 8, "improvement_percent": 10},
        {"drug": "venlafaxine", "daily_dose_mg": 225, "weeks": 6, "improvement_percent": 20}]}  # fmt: skip
    results = [intake.record_trd_intake(prescriber, patient.pk, history, profile=None, now=now)]
    for product in products or ("esketamine-nasal",):
        profile = {"sex": patient.sex, "blood_pressure": {"systolic": 124, "diastolic": 78}, "rems_enrolled": True,
                   "pregnant": False, "hepatic_impairment": "none"}  # fmt: skip
        results.append(intake.record_screening_intake(prescriber, patient.pk, profile, product=product,
                                                      bp_profile=None, now=now))  # fmt: skip
    if signed:
        for result in results:
            intake.sign_off_intake(prescriber, result.pk, now=now)


def start_induction(course: Course, prescriber: User, *, reason: str = "", now: dt.datetime | None = None) -> Course:
    """Move a course from evaluation to induction through the service, as a clinic does: the eligibility gate is
    judged (an override needs ``reason``), and only then may a dose be charted on it."""
    from ketamine_trd.clinic.records.services import courses

    courses.change_phase(prescriber, course.pk, phase="induction", now=now or timezone.now(), override_reason=reason)
    return Course.objects.get(pk=course.pk)


def make_treated_course(patient: Patient, prescriber: User, **overrides: Any) -> Course:
    """A course that has passed its eligibility gate: a signed TRD verdict and a signed screening for its product
    (``make_eligible``), booked in evaluation, then moved to induction by ``start_induction``."""
    product = overrides.get("product", "esketamine-nasal")
    if product != "esketamine-nasal":
        overrides.setdefault("route", "iv")
    make_eligible(patient, prescriber, product)
    return start_induction(make_course(patient, **{**overrides, "phase": "evaluation"}), prescriber)


def ready_to_dose(nurse: User, session: Any, dose_at: dt.datetime, *, systolic: int = 128, diastolic: int = 80) -> None:
    """Chart what the dose step requires before ``dose_at`` as a nurse would: a complete pre-dose checklist
    (15 min before) and a blood pressure in the window (10 min before), so that the pre-dose checks proceed.
    ``systolic``/``diastolic`` (mmHg) let a test chart a reading that holds instead."""
    from ketamine_trd.clinic.records.services import session_writes
    from ketamine_trd.clinical.inputs.charting import ChecklistInput, VitalsInput

    pk = getattr(session, "pk", session)
    product = Session.objects.select_related("course").get(pk=pk).course.product
    checklist = ChecklistInput(
        checked_at=dose_at - dt.timedelta(minutes=15), first_treatment=False,
        rems_enrolled=True if product == "esketamine-nasal" else None, concomitant_reviewed=True,
        safe_departure_arranged=True,
    )  # fmt: skip
    session_writes.record_checklist(nurse, pk, checklist, now=dose_at - dt.timedelta(minutes=14))
    reading = VitalsInput(dose_at - dt.timedelta(minutes=10), systolic, diastolic, 76, 98, timepoint="predose")
    session_writes.add_vitals(nurse, pk, reading, now=dose_at - dt.timedelta(minutes=9))
