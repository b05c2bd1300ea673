"""Session monitoring in the pure core: vitals and their schedule, live alerts, discharge, sign-off.

The pre-dose checklist is in :mod:`ketamine_trd.clinical.checklist`, the REMS record in
:mod:`ketamine_trd.clinical.rems` and the profiles in :mod:`ketamine_trd.clinical.monitoring_profiles`.
The clinic application calls these functions with ``now`` read once per request.
"""

from __future__ import annotations

from ketamine_trd.clinical.monitoring.alerts import evaluate_monitoring
from ketamine_trd.clinical.monitoring.discharge import Criterion, DischargeReadiness, discharge_readiness
from ketamine_trd.clinical.monitoring.observations import (
    AdverseEvent,
    DissociationRating,
    SedationRating,
    SessionObservations,
)
from ketamine_trd.clinical.monitoring.signoff import MissingField, SessionRecord, missing_for_signature
from ketamine_trd.clinical.monitoring.vitals import CheckStatus, ScheduledCheck, VitalSigns, vitals_schedule
from ketamine_trd.clinical.monitoring.vocabulary import Alert, AlertLevel, Datum

__all__ = [
    "AdverseEvent",
    "Alert",
    "AlertLevel",
    "CheckStatus",
    "Criterion",
    "Datum",
    "DischargeReadiness",
    "DissociationRating",
    "MissingField",
    "ScheduledCheck",
    "SedationRating",
    "SessionObservations",
    "SessionRecord",
    "VitalSigns",
    "discharge_readiness",
    "evaluate_monitoring",
    "missing_for_signature",
    "vitals_schedule",
]
