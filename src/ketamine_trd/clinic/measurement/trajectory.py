"""A patient's trajectory on one instrument: scores over time, doses, thresholds and outcome events.

Outcome events and thresholds come from ``ketamine_trd.clinical.outcomes.evaluate_outcomes``; this module
loads the rows, maps them to the core's values and shapes display-ready data for the Plotly chart, the
matplotlib chart of the progress report and the API. It never compares scores with thresholds itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinical import instruments

__all__ = ["EventView", "Trajectory", "build_trajectory", "default_instrument", "plotly_figure"]

PLATFORM_LABEL = "platform-defined"


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
    """Display-ready trajectory of one patient on one instrument (dates in UTC; doses in mg)."""

    instrument_id: str
    instrument_name: str
    max_total: float | None
    points: tuple[tuple[dt.datetime, float], ...]
    doses: tuple[tuple[dt.datetime, float | None], ...]
    baseline: float | None
    response_threshold: float | None
    remission_threshold: float | None
    events: tuple[EventView, ...]
    report: Any

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


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _event_view(event: Any) -> EventView:
    kind = str(getattr(_attr(event, "kind", "type", "code"), "value", _attr(event, "kind", "type", "code")))
    platform = bool(getattr(event, "platform_defined", False))
    label = kind.replace("_", " ")
    if platform:
        label = f"{label} ({PLATFORM_LABEL})"
    when = _attr(event, "date", "on", "day")
    if isinstance(when, dt.datetime):
        when = when.date()
    source = _attr(event, "source", "source_id") or ""
    return EventView(
        on=when,
        kind=kind,
        label=label,
        definition=str(_attr(event, "definition", "rule") or ""),
        threshold=_number(_attr(event, "threshold")),
        platform_defined=platform,
        source=str(getattr(source, "id", source)),
    )


def build_trajectory(actor: Any, patient: Any, instrument_id: str) -> Trajectory:
    """Load the patient's scores and signed doses and evaluate outcome events with the core (audited read)."""
    from ketamine_trd.clinic.records.models import Session, SessionStatus

    instrument = instruments.get(instrument_id)
    rows = list(
        Assessment.objects.filter(patient=patient, instrument_id=instrument.id)
        .order_by("administered_at", "id")
        .values_list("administered_at", "total")
    )
    doses = list(
        Session.objects.filter(patient=patient, status=SessionStatus.SIGNED, dose_given_at__isnull=False)
        .order_by("dose_given_at")
        .values_list("dose_given_at", "dose_mg")
    )
    with transaction.atomic():
        record(actor, "read", object_type="trajectory", object_id=instrument.id, patient_id=patient.pk)
    report = None
    try:
        from ketamine_trd.clinical import outcomes
    except ImportError:  # TODO(measurement-ui): remove once clinical.outcomes has landed
        outcomes = None  # type: ignore[assignment]
    if rows and outcomes is not None:
        report = outcomes.evaluate_outcomes(
            [outcomes.Assessment(at.date(), float(total), instrument.id) for at, total in rows],
            [outcomes.DoseRecord(at.date(), float(mg) if mg is not None else None) for at, mg in doses],
            instrument.id,
        )
    events = tuple(_event_view(e) for e in (getattr(report, "events", ()) or ()))
    return Trajectory(
        instrument_id=instrument.id,
        instrument_name=instrument.name,
        max_total=_number(_attr(instrument, "max_total", "total_max")),
        points=tuple((at, float(total)) for at, total in rows),
        doses=tuple((at, _number(mg)) for at, mg in doses),
        baseline=_number(_attr(report, "baseline_total", "baseline")),
        response_threshold=_number(_attr(report, "response_threshold", "response_below")),
        remission_threshold=_number(_attr(report, "remission_threshold")),
        events=events,
        report=report,
    )


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
    for name, value, colour in (
        ("response threshold", trajectory.response_threshold, "#2a9d8f"),
        ("remission threshold", trajectory.remission_threshold, "#264653"),
    ):
        if value is None:
            continue
        line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value}
        shapes.append({**line, "line": {"dash": "dash", "color": colour, "width": 1.5}})
        annotations.append(
            {"xref": "paper", "x": 1, "y": value, "text": f"{name} ({value:g})", "showarrow": False, "xanchor": "right"}
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
