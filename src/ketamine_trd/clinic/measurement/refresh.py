"""Re-evaluate a patient's outcomes and long-term safety and put what needs a person on the worklist.

Relapse, loss of response and the fading-benefit signal come from ``clinical.outcomes``; safety signals
and screens due from ``clinical.surveillance``. Alerts are raised through ``raise_alert`` keyed by rule
and object (event type, instrument and date), so re-evaluation never duplicates them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.measurement import safety, trajectory
from ketamine_trd.clinic.measurement.alerts import raise_alert
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel

__all__ = ["OUTCOME_ALERTS", "refresh_patient_alerts"]

#: outcome event type -> (alert kind, level)
OUTCOME_ALERTS: dict[str, tuple[AlertKind, AlertLevel]] = {
    "relapse": (AlertKind.RELAPSE, AlertLevel.HIGH),
    "loss_of_response": (AlertKind.LOSS_OF_RESPONSE, AlertLevel.WARNING),
    "fading_benefit_signal": (AlertKind.FADING_BENEFIT, AlertLevel.WARNING),
}


def refresh_patient_alerts(
    actor: Actor, patient: Any, *, now: dt.datetime, instrument_ids: tuple[str, ...] | None = None
) -> list[Alert]:
    """Evaluate outcome events and long-term surveillance for a patient; return the new alerts."""
    ids = instrument_ids or tuple(
        Assessment.objects.filter(patient=patient).values_list("instrument_id", flat=True).distinct().order_by()
    )
    doses = trajectory.dose_records(patient)
    raised: list[Alert] = []
    with writing():
        for instrument_id in ids:
            rows = list(
                Assessment.objects.filter(patient=patient, instrument_id=instrument_id, total__isnull=False)
                .order_by("administered_at", "id")
                .values_list("administered_at", "total")
            )
            report = trajectory.evaluate(instrument_id, rows, doses, zone=trajectory.clinic_zone(patient))
            for event in report.events if report else ():
                if event.type not in OUTCOME_ALERTS:
                    continue
                kind, level = OUTCOME_ALERTS[event.type]
                label = " (platform-defined)" if event.platform_defined else ""
                alert, created = raise_alert(
                    patient,
                    kind=kind,
                    level=level,
                    rule=event.rule,
                    source=event.source,
                    message=f"{event.type.replace('_', ' ').capitalize()}{label} on {instrument_id} "
                    f"({event.date:%Y-%m-%d}): {event.definition}",
                    object_key=f"{instrument_id}:{event.date.isoformat()}",
                    now=now,
                    data={"instrument_id": instrument_id, "date": event.date.isoformat(), "threshold": event.threshold},
                    platform_defined=event.platform_defined,
                    actor=actor,
                )
                if created:
                    raised.append(alert)
        raised += safety.raise_safety_alerts(actor, patient, now=now)
    return raised
