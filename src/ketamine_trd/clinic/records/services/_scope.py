"""Rows fetched within the user's clinic (absent or foreign -> not found); recorded times not in the future.

Who may act is decided by ``clinic.access.authorize``, before these helpers run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketamine_trd.clinic.records.models import Course, Patient, Session
from ketamine_trd.clinical.inputs.fields import CLOCK_SKEW
from ketamine_trd.errors import InputError, NotFoundError


def patient_for(user: Any, patient_id: int, *, lock: bool = False) -> Patient:
    """The patient of the user's clinic, or ``NotFoundError``."""
    rows = Patient.objects.filter(pk=patient_id, clinic_id=user.clinic_id)
    patient = (rows.select_for_update() if lock else rows).first()
    if patient is None:
        raise NotFoundError(f"patient {patient_id} not found")
    return patient


def course_for(user: Any, course_id: int, *, lock: bool = False) -> Course:
    """The course of a patient of the user's clinic, or ``NotFoundError``."""
    rows = Course.objects.select_related("patient").filter(pk=course_id, patient__clinic_id=user.clinic_id)
    course = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if course is None:
        raise NotFoundError(f"course {course_id} not found")
    return course


def session_for(user: Any, session_id: int, *, lock: bool = False) -> Session:
    """The session of a patient of the user's clinic, or ``NotFoundError``."""
    rows = Session.objects.select_related("course", "patient").filter(pk=session_id, patient__clinic_id=user.clinic_id)
    session = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if session is None:
        raise NotFoundError(f"session {session_id} not found")
    return session


def not_in_future(field: str, value: dt.datetime, now: dt.datetime) -> None:
    """Refuse a recorded time later than ``now`` (a past event cannot happen tomorrow)."""
    if value > now + CLOCK_SKEW:
        raise InputError(field, value.isoformat(timespec="minutes"), f"a time not after now ({now:%Y-%m-%d %H:%M} UTC)")

