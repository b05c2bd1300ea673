"""The steps of charting a session at the chair, and which step the session is at.

A session is charted in four steps: before dosing (the pre-dose checklist and blood pressure), dosing,
monitoring (vital signs, MOAA/S and CADSS, adverse events) and discharge (with the signature). The step a
session is at follows from what is charted; nothing is guessed from the clock.

>>> current_step(signed=False, monitoring_completed=False, dosed=False, readings_done=False, predose_ready=False)
<ChartStep.BEFORE: 'before'>
>>> current_step(signed=False, monitoring_completed=False, dosed=True, readings_done=False, predose_ready=True)
<ChartStep.MONITORING: 'monitoring'>
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["READING_CELLS", "ChartStep", "SessionState", "current_step", "steps_done"]


class ChartStep(StrEnum):
    """One screen of the chair-side chart, in charting order."""

    BEFORE = "before"
    DOSING = "dosing"
    MONITORING = "monitoring"
    DISCHARGE = "discharge"


class SessionState(StrEnum):
    """Where a session stands: booked, being charted, signed (locked), or cancelled."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SIGNED = "signed"
    CANCELLED = "cancelled"


#: which column of the vital-signs table an alert's datum is about (``Datum.name`` -> column)
READING_CELLS: dict[str, str] = {
    "systolic_mmhg": "bp",
    "diastolic_mmhg": "bp",
    "systolic_rise_mmhg": "bp",
    "diastolic_rise_mmhg": "bp",
    "heart_rate_bpm": "hr",
    "spo2_percent": "spo2",
    "respiratory_rate_per_min": "rr",
}


def current_step(
    *, signed: bool, monitoring_completed: bool, dosed: bool, readings_done: bool, predose_ready: bool
) -> ChartStep:
    """The step the chart opens at: the first one whose work is not done.

    ``predose_ready`` is True once the checklist is charted and its decision is not "hold" (a hold keeps the chart
    before dosing); ``readings_done`` once every scheduled reading after dosing is charted (or the monitoring rules
    find the patient ready for discharge).

    >>> current_step(signed=False, monitoring_completed=False, dosed=False, readings_done=False, predose_ready=True)
    <ChartStep.DOSING: 'dosing'>
    >>> current_step(signed=False, monitoring_completed=False, dosed=True, readings_done=True, predose_ready=True)
    <ChartStep.DISCHARGE: 'discharge'>
    """
    if signed or monitoring_completed or (dosed and readings_done):
        return ChartStep.DISCHARGE
    if dosed:
        return ChartStep.MONITORING
    return ChartStep.DOSING if predose_ready else ChartStep.BEFORE


def steps_done(
    *, signed: bool, monitoring_completed: bool, dosed: bool, readings_done: bool, predose_ready: bool
) -> frozenset[ChartStep]:
    """The steps whose work is charted (shown with a tick on the step bar).

    >>> sorted(steps_done(signed=False, monitoring_completed=False, dosed=True, readings_done=False,
    ...                   predose_ready=True))
    [<ChartStep.BEFORE: 'before'>, <ChartStep.DOSING: 'dosing'>]
    """
    done = set()
    if predose_ready or dosed:
        done.add(ChartStep.BEFORE)
    if dosed:
        done.add(ChartStep.DOSING)
    if dosed and (monitoring_completed or readings_done):
        done.add(ChartStep.MONITORING)
    if signed:
        done.add(ChartStep.DISCHARGE)
    return frozenset(done)
