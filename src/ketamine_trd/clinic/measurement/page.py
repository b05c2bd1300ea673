"""The patient's measurement page as one use case: trajectory, recent assessments, open alerts (one audited read)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.benefit.panel import patient_panel
from ketamine_trd.clinic.measurement import services, trajectory
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.measurement.progress_report import chart_image

__all__ = ["PatientPage", "patient_page"]

RECENT = 50
#: how long a drawn chart is kept (its key is a hash of everything drawn, so a new score draws a new one)
CHART_CACHE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class PatientPage:
    patient: Any
    trajectory: trajectory.Trajectory
    figure: dict[str, Any]
    recent: list[Assessment]
    alerts: list[Alert]
    #: the same trajectory drawn on the server (inline SVG): shown at once; Plotly's interactive chart on request
    chart_svg: str = ""
    #: the benefit model's predicted course for this patient (``clinic.benefit.panel``); None when not asked for
    benefit: Any = None


def patient_page(actor: Actor, patient_id: int, instrument_id: str | None = None) -> PatientPage:
    """Everything the page shows for one patient; ``instrument_id`` defaults to the most used one."""
    patient = services.get_patient(actor, patient_id)
    chosen = instrument_id or trajectory.default_instrument(patient) or "phq9"
    traj = trajectory.build_trajectory(actor, patient, chosen, audit=False)
    recent = list(
        Assessment.objects.filter(patient=patient)
        .annotate(report_channel=F("patient_report__channel"))  # clinic.selfreport: who entered it, shown per row
        .order_by("-administered_at", "-id")[:RECENT]
    )
    alerts = services.open_alerts(actor, patient_id=patient.pk, audit=False)
    record(actor, "read", obj=patient, patient_id=patient.pk, detail=f"measurement page {traj.instrument_id}")
    zone = trajectory.clinic_zone(patient)
    benefit = patient_panel(actor, patient, today=timezone.now().astimezone(zone).date(), zone=zone)
    return PatientPage(patient, traj, trajectory.plotly_figure(traj), recent, alerts, chart_svg(traj), benefit)


def chart_svg(traj: trajectory.Trajectory) -> str:
    """The trajectory as inline SVG (matplotlib, the progress report's drawing); empty without scores.

    Drawn once per content (points and who entered each, doses, thresholds, events) and kept
    ``CHART_CACHE_SECONDS``: the page shows the chart at first paint, without waiting for Plotly's 4.8 MB script,
    which loads only for the interactive one.
    The SVG holds scores, dates and the core's labels, no names; matplotlib escapes its text.
    """
    if not traj.points:
        return ""
    events = tuple((e.on, e.label) for e in traj.events)
    drawn = (traj.instrument_id, traj.points, traj.channels, traj.doses, traj.response_threshold,
             traj.remission_threshold, traj.remission_comparator, events)  # fmt: skip
    key = "ktrd-trajectory-svg:" + hashlib.sha256(repr(drawn).encode()).hexdigest()
    svg: str | None = cache.get(key)
    if svg is None:
        text = chart_image(traj, "svg").decode("utf-8")
        text = text[text.index("<svg"):]  # no XML declaration or DOCTYPE inside the page
        label = escape(f"{traj.instrument_name} total scores over time, with doses and outcome events")
        svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{label}" ', text, count=1)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg
