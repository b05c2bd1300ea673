"""Builders and personas for the measurement tests (plain functions; imported by the other test files)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
_seq = itertools.count(1)


def make_clinic(**overrides: Any) -> Any:
    from ketamine_trd.clinic.accounts.models import Clinic

    n = next(_seq)
    fields = {"name": f"Clinic {n}", "slug": f"clinic-{n}", "time_zone": "Europe/London"}
    return Clinic.objects.create(**{**fields, **overrides})


def make_user(role: str, clinic: Any, **overrides: Any) -> Any:
    from ketamine_trd.clinic.accounts.models import User

    n = next(_seq)
    fields = {"username": f"{role}{n}", "role": role, "clinic": clinic, "first_name": role.title(), "last_name": "T"}
    user = User(**{**fields, **overrides})
    user.set_password("pw-for-tests-only")
    user.save()
    return user


def make_patient(clinic: Any, **overrides: Any) -> Any:
    from ketamine_trd.clinic.records.models import Patient

    n = next(_seq)
    fields = {
        "clinic": clinic,
        "mrn": f"MRN{n:05d}",
        "given_name": "Alex",
        "family_name": f"Example{n}",
        "date_of_birth": dt.date(1980, 1, 1),
        "weight_kg": Decimal("70.0"),
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Patient.objects.create(**{**fields, **overrides})


def make_course(patient: Any, **overrides: Any) -> Any:
    from ketamine_trd.clinic.records.models import Course

    fields = {
        "patient": patient,
        "product": "spravato",
        "route": "intranasal",
        "phase": "induction",
        "start_date": dt.date(2026, 1, 5),
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Course.objects.create(**{**fields, **overrides})


def make_session(course: Any, **overrides: Any) -> Any:
    from ketamine_trd.clinic.records.models import Session

    fields = {
        "course": course,
        "patient": course.patient,
        "scheduled_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    if overrides.get("dosed_at") is not None and "phase" not in overrides:
        fields["phase"] = course.phase  # as charting the dose does: the phase it was given in
    return Session.objects.create(**{**fields, **overrides})


@pytest.fixture
def clinic(db: Any) -> Any:
    return make_clinic()


@pytest.fixture
def nurse(clinic: Any) -> Any:
    return make_user("nurse", clinic)


@pytest.fixture
def prescriber(clinic: Any) -> Any:
    return make_user("prescriber", clinic)


@pytest.fixture
def front_desk(clinic: Any) -> Any:
    return make_user("front_desk", clinic)


@pytest.fixture
def outsider(db: Any) -> Any:
    """A nurse of another clinic."""
    return make_user("nurse", make_clinic())


@pytest.fixture
def patient(clinic: Any) -> Any:
    return make_patient(clinic)


def phq9(*values: int) -> dict[str, int]:
    """PHQ-9 answers by item id (q1..q9)."""
    return {f"q{i}": v for i, v in enumerate(values, start=1)}
