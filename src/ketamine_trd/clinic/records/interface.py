"""What the measurement app may use of the records app: the one door between them (``.importlinter``).

``ketamine_trd.clinic.measurement`` imports records' rows, the clinic-scoped patient lookup and the read-only admin
base from here and from nowhere else in ``ketamine_trd.clinic.records``; the other way round, records imports
measurement only through ``ketamine_trd.clinic.measurement.interface``. A name added here is a new dependency
between the two apps: keep the list short.
"""

from __future__ import annotations

from ketamine_trd.clinic.records.admin import ReadOnlyAdmin
from ketamine_trd.clinic.records.models import (
    Course,
    Patient,
    Phase,
    RemsRecord,
    RemsStatus,
    Session,
    SessionStatus,
    VitalSign,
)
from ketamine_trd.clinic.records.services._scope import patient_for
from ketamine_trd.clinic.records.services.session_findings import SessionEvents, session_critical_events

__all__ = [
    "Course",
    "Patient",
    "Phase",
    "ReadOnlyAdmin",
    "RemsRecord",
    "RemsStatus",
    "Session",
    "SessionEvents",
    "SessionStatus",
    "VitalSign",
    "patient_for",
    "session_critical_events",
]
