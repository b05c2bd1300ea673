"""A patient's trajectory on one instrument: scores over time, doses, thresholds and outcome events.

Outcome events and thresholds come from ``ketamine_trd.clinical.outcomes.evaluate_outcomes``; this module
loads the rows, maps them to the core's values and shapes display-ready data for the Plotly chart, the
matplotlib chart of the progress report and the API. It never compares scores with thresholds itself.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinical import instruments, outcomes
from ketamine_trd.clinical.labels import label

__all__ = [
    "EventView",
    "Trajectory",
    "build_trajectory",
    "default_instrument",
    "dose_records",
    "evaluate",
    "marked_points",
    "patient_reported",
    "plotly_figure",
]

PLATFORM_LABEL = "platform-defined"
#: the channel code of a staff-entered score (``labels`` vocabulary ``report_channel``)
STAFF = "staff"
#: marker shape per channel: (Plotly symbol, matplotlib marker); shapes differ so colour is never the only cue
MARKERS: dict[str, tuple[str, str]] = {"staff": ("circle", "o"), "link": ("diamond", "D"), "tablet": ("square", "s")}


@dataclass(frozen=True, slots=True)
class EventView:
    """One outcome event, ready to show: its label says 'platform-defined' where no publication defines it."""

    on: dt.date
    kind: str
    label: str
    definition: str
    threshold: float | None
    platform_defined: bool
    source: str


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Display-ready trajectory of one patient on one instrument (times in the clinic's zone; doses in mg)."""

    instrument_id: str
    instrument_name: str
    max_total: float | None
    points: tuple[tuple[dt.datetime, float], ...]
    doses: tuple[tuple[dt.datetime, float | None], ...]
    baseline: float | None
    response_threshold: float | None
    remission_threshold: float | None
    remission_comparator: str
    events: tuple[EventView, ...]
    report: Any
    #: who entered each point, parallel to ``points``: "staff", or the patient's channel ("link", "tablet")
    channels: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.points


def default_instrument(patient: Any) -> str | None:
    """The instrument this patient was assessed with most often (None when never assessed)."""
    from django.db.models import Count

    row = (
        Assessment.objects.filter(patient=patient)
        .values("instrument_id")
        .annotate(n=Count("id"))
        .order_by("-n", "instrument_id")
        .first()
    )
    return row["instrument_id"] if row else None


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _event_view(event: outcomes.OutcomeEvent) -> EventView:
    label = event.type.replace("_", " ")
    return EventView(
        on=event.date,
        kind=event.type,
        label=f"{label} ({PLATFORM_LABEL})" if event.platform_defined else label,
        definition=event.definition,
        threshold=event.threshold,
        platform_defined=event.platform_defined,
        source=event.source,
    )


def dose_records(patient: Any) -> list[tuple[dt.datetime, Decimal | None, str]]:
    """(given at, dose in mg, phase the dose was given in) of the patient's signed sessions, oldest first.

    The phase is the session's own (stored when the dose was charted), never the course's current phase.
    """
    from ketamine_trd.clinic.records.interface import Session, SessionStatus

    rows = (
        Session.objects.filter(patient=patient, status=SessionStatus.SIGNED, dosed_at__isnull=False)
        .order_by("dosed_at")
        .values_list("dosed_at", "dose_mg", "phase")
    )
    return [(at, mg, phase) for at, mg, phase in rows if at is not None]


def clinic_zone(patient: Any) -> zoneinfo.ZoneInfo:
    """The patient's clinic's time zone (``Clinic.zone``: UTC where none is set)."""
    zone: zoneinfo.ZoneInfo = patient.clinic.zone
    return zone


def evaluate(
    instrument_id: str, rows: list[tuple[dt.datetime, Any]], doses: list[Any], *, zone: dt.tzinfo = dt.UTC
) -> outcomes.OutcomeReport | None:
    """The core's outcome report for these rows, or None where the instrument has no trendable total.

    Each score and dose is dated on the clinic's calendar (``zone``), never UTC's, so an evening score in New York
    is not moved to the next day, and carries its moment, so that the baseline is the last score taken before the
    first dose (a score later on the day of the first dose is not a baseline).
    """
    instrument = instruments.get(instrument_id)
    if not rows or instrument.total_range is None or not instrument.higher_is_worse:
        return None

    def day(at: dt.datetime) -> dt.date:
        return at.astimezone(zone).date()

    return outcomes.evaluate_outcomes(
        [outcomes.Assessment(day(at), float(total), instrument.id, at=at) for at, total in rows if total is not None],
        [
            outcomes.DoseRecord(
                day(at), _number(mg), phase if phase in ("induction", "maintenance") else None, at=at
            )
            for at, mg, phase in doses
        ],
        instrument.id,
    )


def build_trajectory(actor: Actor, patient: Any, instrument_id: str, *, audit: bool = True) -> Trajectory:
    """Load the patient's scores and signed doses and evaluate outcome events with the core (audited read)."""
    instrument = instruments.get(instrument_id)
    loaded = [
        (at, total, channel or STAFF)
        for at, total, channel in Assessment.objects.filter(patient=patient, instrument_id=instrument.id)
        .order_by("administered_at", "id")
        .values_list("administered_at", "total", "patient_report__channel")  # clinic.selfreport's PatientReport
        if total is not None
    ]
    rows = [(at, total) for at, total, _ in loaded]
    doses = dose_records(patient)
    if audit:
        record(actor, "read", object_type="trajectory", object_id=instrument.id, patient_id=patient.pk)
    zone = clinic_zone(patient)
    report = evaluate(instrument.id, rows, doses, zone=zone)
    span = instrument.total_range
    return Trajectory(
        instrument_id=instrument.id,
        instrument_name=instrument.name,
        max_total=float(span[1]) if span else None,
        points=tuple((at.astimezone(zone), float(total)) for at, total in rows),  # charts show the clinic's clock
        doses=tuple((at.astimezone(zone), _number(mg)) for at, mg, _ in doses),
        baseline=report.baseline if report else None,
        response_threshold=report.response_threshold if report else None,
        remission_threshold=report.remission_threshold if report else None,
        remission_comparator=(report.remission_comparator or "") if report else "",
        events=tuple(_event_view(e) for e in report.events) if report else (),
        report=report,
        channels=tuple(channel for _, _, channel in loaded),
    )


def marked_points(trajectory: Trajectory) -> list[tuple[str, str, list[tuple[dt.datetime, float]]]]:
    """The points grouped by who entered them: (channel, legend words, points), staff first, only those present.

    Every chart draws each group with its own marker shape (``MARKERS``) and a legend entry in words, so
    patient-reported scores are told apart without colour.
    """
    channels = trajectory.channels or (STAFF,) * len(trajectory.points)
    groups = []
    for channel in MARKERS:  # staff first
        points = [p for p, c in zip(trajectory.points, channels, strict=True) if c == channel]
        if points:
            groups.append((channel, label("report_channel", channel), points))
    return groups


def patient_reported(trajectory: Trajectory) -> bool:
    """Whether any point was entered by the patient (the charts then show a marker legend)."""
    return any(c != STAFF for c in trajectory.channels)


def plotly_figure(trajectory: Trajectory) -> dict[str, Any]:
    """A Plotly figure (plain JSON) of the trajectory: scores, doses on a second axis, thresholds, events."""
    xs = [at.isoformat() for at, _ in trajectory.points]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"{trajectory.instrument_name} total",
            "x": xs,
            "y": [total for _, total in trajectory.points],
        }
    ]
    if patient_reported(trajectory):  # the line alone, then one marker trace per channel with its shape and words
        data[0]["mode"] = "lines"
        for channel, words, points in marked_points(trajectory):
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": words,
                    "x": [at.isoformat() for at, _ in points],
                    "y": [total for _, total in points],
                    "marker": {"symbol": MARKERS[channel][0], "size": 10 if channel != STAFF else 7},
                }
            )
    if trajectory.doses:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "dose (mg)",
                "x": [at.isoformat() for at, _ in trajectory.doses],
                "y": [mg for _, mg in trajectory.doses],
                "yaxis": "y2",
                "marker": {"symbol": "triangle-up", "size": 9, "color": "#7b5ea7"},
            }
        )
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for name, comparator, value, colour, side in (
        ("response threshold", "<=", trajectory.response_threshold, "#2a9d8f", 0),
        ("remission threshold", trajectory.remission_comparator, trajectory.remission_threshold, "#264653", 1),
    ):
        if value is None:
            continue
        line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value}
        shapes.append({**line, "line": {"dash": "dash", "color": colour, "width": 1.5}})
        text = f"{name} ({comparator} {value:g})"
        anchor = "left" if side == 0 else "right"
        annotations.append(
            {
                "xref": "paper",
                "x": side,
                "y": value,
                "text": text,
                "showarrow": False,
                "xanchor": anchor,
                "yanchor": "bottom",
            }
        )
    for event in trajectory.events:
        day = event.on.isoformat()
        shapes.append(
            {"type": "line", "yref": "paper", "x0": day, "x1": day, "y0": 0, "y1": 1, "line": {"dash": "dot"}}
        )
        annotations.append(
            {"x": day, "yref": "paper", "y": 1.02, "text": event.label, "showarrow": False, "textangle": -30}
        )
    layout = {
        "title": {"text": f"{trajectory.instrument_name}: score over time"},
        "xaxis": {"title": {"text": "date"}, "type": "date"},
        "yaxis": {"title": {"text": "total score"}, "rangemode": "tozero"},
        "yaxis2": {"title": {"text": "dose (mg)"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
        "shapes": shapes,
        "annotations": annotations,
        "legend": {"orientation": "h", "y": -0.2},
        "margin": {"t": 80, "r": 60},
    }
    return {"data": data, "layout": layout}
