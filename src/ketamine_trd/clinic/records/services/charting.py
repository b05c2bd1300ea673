"""Mapping stored session rows onto the core's values (``clinical.monitoring``, ``clinical.checklist``).

Nothing here decides anything clinical: it only builds the frozen values the core judges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ketamine_trd.clinic.records.models import AdverseEvent as AdverseEventRow
from ketamine_trd.clinic.records.models import Session, SessionRating, VitalSign
from ketamine_trd.clinic.records.services.intake import age_years
from ketamine_trd.clinic.site import settings_service as site_settings
from ketamine_trd.clinical.checklist import PredoseChecklist
from ketamine_trd.clinical.inputs import charting as inputs_charting
from ketamine_trd.clinical.monitoring.observations import (
    AdverseEvent,
    DissociationRating,
    SedationRating,
    SessionObservations,
)
from ketamine_trd.clinical.monitoring.signoff import SessionRecord
from ketamine_trd.clinical.monitoring.vitals import VitalSigns
from ketamine_trd.clinical.monitoring_profiles import MonitoringProfile, default_profile, get_profile

#: chair-side rating instruments and the core value each becomes
RATING_INSTRUMENTS = tuple(i for i, _ in inputs_charting.RATING_INSTRUMENTS)
CHECKLIST_TIMES = ("checked_at", "last_food_at", "last_liquid_at", "nasal_medicine_at", "planned_dose_at")


def adult_age(session: Session, on: dt.date) -> int | None:
    """The patient's age on ``on`` when an adult (the monitoring core's age rules are for adults), else None."""
    age = age_years(session.patient.date_of_birth, on)
    return age if 18 <= age <= 120 else None


def profile_for(session: Session, on: dt.date) -> MonitoringProfile:
    """The session's named monitoring profile, or the product's default on ``on``, with the site's IV pre-dose BP
    limits of the settings version the session was judged under (clinic.site)."""
    if session.monitoring_profile:
        return site_settings.with_site_limits(session, get_profile(session.monitoring_profile, on=on))
    return site_settings.with_site_limits(session, default_profile(session.course.product, on=on))


def vital_signs(rows: Sequence[VitalSign]) -> tuple[VitalSigns, ...]:
    return tuple(
        VitalSigns(
            r.taken_at,
            systolic_mmhg=r.systolic_mmhg,
            diastolic_mmhg=r.diastolic_mmhg,
            heart_rate_bpm=r.heart_rate_bpm,
            spo2_percent=r.spo2_percent,
            respiratory_rate_per_min=r.respiratory_rate_per_min,
        )
        for r in rows
        if r.systolic_mmhg is not None and r.diastolic_mmhg is not None
    )


def observations(
    session: Session,
    vitals: Sequence[VitalSign],
    ratings: Sequence[SessionRating],
    events: Sequence[AdverseEventRow],
    on: dt.date,
) -> SessionObservations:
    """Everything charted for the session, as the core's ``SessionObservations``."""
    return SessionObservations(
        dosed_at=session.dosed_at,
        vitals=vital_signs(vitals),
        sedation=tuple(SedationRating(r.taken_at, r.value) for r in ratings if r.instrument_id == "moaas"),
        dissociation=tuple(
            DissociationRating(r.taken_at, r.value, r.instrument_id) for r in ratings if r.instrument_id != "moaas"
        ),
        adverse_events=tuple(AdverseEvent(e.noted_at, e.kind, e.resolved_at, e.details) for e in events),
        age_years=adult_age(session, on),
    )


def checklist_json(values: dict[str, Any]) -> dict[str, Any]:
    """The checklist as stored (times as ISO strings, classes as a sorted list)."""
    out = dict(values)
    for name in CHECKLIST_TIMES:
        if out.get(name) is not None:
            out[name] = out[name].isoformat()
    out["concomitant"] = sorted(out.get("concomitant") or ())
    return out


def predose_checklist(session: Session, on: dt.date) -> PredoseChecklist | None:
    """The stored pre-dose checklist as the core's value (``None`` until completed)."""
    data = dict(session.checklist or {})
    if not data.get("checked_at"):
        return None
    for name in CHECKLIST_TIMES:
        if data.get(name):
            data[name] = dt.datetime.fromisoformat(data[name])
    data["concomitant"] = frozenset(data.get("concomitant") or ())
    return PredoseChecklist(age_years=adult_age(session, on), setting=session.setting, **data)


def session_record(session: Session, obs: SessionObservations, on: dt.date) -> SessionRecord:
    """The session as the core's ``SessionRecord`` (what the signature and the REMS form need)."""
    return SessionRecord(
        session_id=str(session.pk),
        product=session.course.product,
        observations=obs,
        setting=session.setting,
        predose=predose_checklist(session, on),
        dose_mg=session.dose_mg,
        lot_number=session.lot_number or None,
        devices_used=session.devices_used,
        infusion_ended_at=session.infusion_ended_at,
        monitoring_completed_at=session.monitoring_completed_at,
        ready_to_leave_minutes=session.ready_to_leave_minutes,
        vitals_acceptable_before_administration=session.vitals_ok_before_administration,
        vitals_acceptable_before_completion=session.vitals_ok_before_completion,
        sedation_observed=session.sedation_observed,
        dissociation_observed=session.dissociation_observed,
        respiratory_depression_observed=session.respiratory_depression_observed,
        clinically_stable=session.clinically_stable,
        safe_departure_arranged=session.safe_departure_arranged,
        monitoring_hcp_name=session.monitoring_hcp_name or None,
        signed_by=str(session.signed_by_id) if session.signed_by_id else None,
        signed_at=session.signed_at,
    )
