"""The patient's measurement page as one use case: trajectory, recent assessments, open alerts (one audited read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement import services, trajectory
from ketamine_trd.clinic.measurement.models import Alert, Assessment

__all__ = ["PatientPage", "patient_page"]

RECENT = 50


@dataclass(frozen=True, slots=True)
class PatientPage:
    patient: Any
    trajectory: trajectory.Trajectory
    figure: dict[str, Any]
    recent: list[Assessment]
    alerts: list[Alert]


def patient_page(actor: Actor, patient_id: int, instrument_id: str | None = None) -> PatientPage:
    """Everything the page shows for one patient; ``instrument_id`` defaults to the most used one."""
    patient = services.get_patient(actor, patient_id)
    chosen = instrument_id or trajectory.default_instrument(patient) or "phq9"
    traj = trajectory.build_trajectory(actor, patient, chosen, audit=False)
    recent = list(Assessment.objects.filter(patient=patient).order_by("-administered_at", "-id")[:RECENT])
    alerts = services.open_alerts(actor, patient_id=patient.pk, audit=False)
    record(actor, "read", obj=patient, patient_id=patient.pk, detail=f"measurement page {traj.instrument_id}")
    return PatientPage(patient, traj, trajectory.plotly_figure(traj), recent, alerts)
