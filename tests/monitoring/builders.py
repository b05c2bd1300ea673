"""Plain builders for monitoring tests: a complete, signable esketamine session and its parts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from ketamine_trd.clinical.checklist import PredoseChecklist
from ketamine_trd.clinical.monitoring import (
    SedationRating,
    SessionObservations,
    SessionRecord,
    VitalSigns,
)
from ketamine_trd.clinical.monitoring_profiles import get_profile
from ketamine_trd.clinical.rems import PmfContact, PmfPatient

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LABEL = get_profile("spravato-label", on=T0.date())
TRIAL = get_profile("spravato-trial-hold", on=T0.date())
IV = get_profile("iv-ketamine-site-default", on=T0.date())


def at(minutes: float) -> dt.datetime:
    """``T0`` (dosing) plus ``minutes``."""
    return T0 + dt.timedelta(minutes=minutes)


def vitals(minutes: float, systolic: int = 128, diastolic: int = 80, **kw: Any) -> VitalSigns:
    kw.setdefault("spo2_percent", 98)
    kw.setdefault("heart_rate_bpm", 72)
    return VitalSigns(at(minutes), systolic, diastolic, **kw)


def make_checklist(**overrides: Any) -> PredoseChecklist:
    fields: dict[str, Any] = {
        "checked_at": at(-15),
        "planned_dose_at": T0,
        "age_years": 45,
        "setting": "outpatient",
        "first_treatment": False,
        "rems_enrolled": True,
        "last_food_at": at(-180),
        "last_liquid_at": at(-60),
        "concomitant_reviewed": True,
        "safe_departure_arranged": True,
    }
    fields.update(overrides)
    return PredoseChecklist(**fields)


def make_observations(**overrides: Any) -> SessionObservations:
    fields: dict[str, Any] = {
        "dosed_at": T0,
        "vitals": (vitals(-10), vitals(40, 138, 86), vitals(121, 126, 80)),
        "sedation": (SedationRating(at(40), 4), SedationRating(at(115), 5)),
        "age_years": 45,
    }
    fields.update(overrides)
    return SessionObservations(**fields)


def make_session(**overrides: Any) -> SessionRecord:
    fields: dict[str, Any] = {
        "session_id": "s-1",
        "product": "esketamine-nasal",
        "observations": make_observations(),
        "predose": make_checklist(),
        "dose_mg": 56,
        "devices_used": 2,
        "lot_number": "LOT123",
        "monitoring_completed_at": at(125),
        "ready_to_leave_minutes": 95,
        "vitals_acceptable_before_administration": True,
        "vitals_acceptable_before_completion": True,
        "sedation_observed": True,
        "dissociation_observed": False,
        "respiratory_depression_observed": False,
        "clinically_stable": True,
        "safe_departure_arranged": True,
        "monitoring_hcp_name": "N. Nurse",
    }
    fields.update(overrides)
    return SessionRecord(**fields)


def signed(session: SessionRecord) -> SessionRecord:
    return replace(session, signed_by="Dr P. Prescriber", signed_at=at(130))


PATIENT = PmfPatient("Ann", "Example", dt.date(1980, 5, 17), "female")
CONTACT = PmfContact("N. Nurse", "555-0100", "nurse@example.org", "Example Clinic", "1 Main St, Springfield")
