"""Database fixtures for the interop tests: two clinics, personas, and one seeded patient."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ketamine_trd.clinic.measurement import services
from ketamine_trd.clinic.records.models import AdverseEvent, Patient, SessionRating, VitalSign
from ketamine_trd.clinical import instruments
from tests.clinic.builders import make_clinic, make_course, make_patient, make_session, make_user

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@dataclass
class Clinics:
    home: Any
    empty: Any
    prescriber: Any
    nurse: Any
    admin: Any
    researcher: Any
    front_desk: Any
    empty_nurse: Any
    patient: Patient

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client


def seed_patient(clinic: Any, nurse: Any) -> Patient:
    """A patient with an IV course, one dosed and signed session (vitals, an event) and four assessments."""
    patient = make_patient(clinic, mrn="MRN-7", given_name="Ada", family_name="Lee", date_of_birth=dt.date(1980, 1, 2))
    course = make_course(patient, product="ketamine-iv", route="iv", start_date=T0.date())
    session = make_session(
        course, scheduled_at=T0, status="signed", dosed_at=T0, dose_mg=Decimal("35.00"),
        mg_per_kg=Decimal("0.500"), lot_number="LOT-1", infusion_rate_ml_per_h=Decimal("52.50"),
        infusion_ended_at=T0 + dt.timedelta(minutes=40), monitoring_completed_at=T0 + dt.timedelta(hours=2),
    )  # fmt: skip
    VitalSign.objects.create(session=session, taken_at=T0, timepoint="predose", systolic_mmhg=128,
                             diastolic_mmhg=82, heart_rate_bpm=71, spo2_percent=98)  # fmt: skip
    SessionRating.objects.create(
        session=session, instrument_id="moaas", value=4, taken_at=T0 + dt.timedelta(minutes=20)
    )
    AdverseEvent.objects.create(session=session, kind="nausea", severity="mild", noted_at=T0 + dt.timedelta(minutes=30))
    answers = {
        "phq9": [2, 2, 1, 1, 1, 1, 1, 1, 0],
        "gad7": [1, 1, 1, 1, 0, 0, 1],
        "madrs": [3, 2, 2, 2, 1, 1, 2, 2, 1, 0],
        "cssrs-screener": [1, 0, 0],
    }
    for n, (instrument, values) in enumerate(answers.items()):
        services.record_assessment(
            nurse, patient.pk, instrument, dict(instruments.score(instrument, values).item_values),
            administered_at=T0 + dt.timedelta(days=n), now=NOW, session_id=session.pk if n == 0 else None,
        )  # fmt: skip
    return patient


@pytest.fixture
def clinics(db: None) -> Clinics:
    home = make_clinic(name="Harbour Clinic", slug="harbour")
    empty = make_clinic(name="Empty Clinic", slug="empty")
    nurse = make_user("nurse", home)
    return Clinics(
        home=home,
        empty=empty,
        prescriber=make_user("prescriber", home),
        nurse=nurse,
        admin=make_user("admin", home, is_staff=True),
        researcher=make_user("researcher", home),
        front_desk=make_user("front_desk", home),
        empty_nurse=make_user("nurse", empty),
        patient=seed_patient(home, nurse),
    )
