"""Dosing histories: what the clinician gives (:class:`Dose`) and what the engine sees (:class:`Dosing`).

A :class:`Regimen` is a route and a list of doses (time in h from the first dose, amount in mg,
infusion minutes for IV). A model turns it into a :class:`Dosing`: input *channels* (a target
compartment and a per-subject bioavailable fraction) and *events* (time, channel, nominal
amount in mg, zero-order duration in h; 0 means a bolus). Fractions live in the channel so
that events are scalars shared by every subject of a population.

>>> r = Regimen("ketamine-iv", (Dose(0.0, 35.0, minutes=40.0), Dose(72.0, 35.0, minutes=40.0)))
>>> r.end_h
72.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError

__all__ = ["Channel", "Dose", "Dosing", "Event", "Regimen"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Dose:
    """One administration: ``time_h`` after the course start, ``dose_mg``, infusion ``minutes`` (0 = bolus)."""

    time_h: float
    dose_mg: float
    minutes: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_h) and self.time_h >= 0.0):
            raise InputError("time_h", self.time_h, "a finite time >= 0 h")
        if not (math.isfinite(self.dose_mg) and 0.0 < self.dose_mg <= 2000.0):
            raise InputError("dose_mg", self.dose_mg, "more than 0 and at most 2000 mg")
        if not (math.isfinite(self.minutes) and 0.0 <= self.minutes <= 24 * 60):
            raise InputError("minutes", self.minutes, "0 (bolus) to 1440 minutes")

    def require_bolus(self) -> None:
        """Refuse infusion minutes: what a model calls for each dose of a route that is not IV.

        >>> Dose(0.0, 56.0).require_bolus()
        >>> Dose(0.0, 56.0, minutes=5.0).require_bolus()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ketamine_trd.errors.InputError: minutes: 5.0 is not allowed (allowed: 0 for a non-IV route ...)
        """
        if self.minutes > 0.0:
            raise InputError("minutes", self.minutes, "0 for a non-IV route (infusion minutes are for IV)")


@dataclass(frozen=True, slots=True)
class Regimen:
    """A route id and its doses in time order."""

    route: str
    doses: tuple[Dose, ...]

    def __post_init__(self) -> None:
        if not self.doses:
            raise InputError("doses", [], "at least one dose")
        times = [d.time_h for d in self.doses]
        if times != sorted(times):
            raise InputError("doses", times, "doses in time order")

    @property
    def end_h(self) -> float:
        """Time of the last dose start, h."""
        return self.doses[-1].time_h


@dataclass(frozen=True, slots=True)
class Channel:
    """An input into ``compartment`` (index) scaled per subject by ``fraction`` (shape (N,))."""

    compartment: int
    fraction: FloatArray
    label: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """``amount_mg`` into ``channel`` at ``time_h``, as a bolus (``duration_h`` 0) or zero-order input."""

    time_h: float
    channel: int
    amount_mg: float
    duration_h: float = 0.0


@dataclass(frozen=True, slots=True)
class Dosing:
    """Channels and time-ordered events, as the engine consumes them."""

    channels: tuple[Channel, ...]
    events: tuple[Event, ...]

    def __post_init__(self) -> None:
        for ev in self.events:
            if not 0 <= ev.channel < len(self.channels):
                raise InputError("event.channel", ev.channel, f"0 to {len(self.channels) - 1}")
            if ev.duration_h < 0.0 or ev.time_h < 0.0:
                raise InputError("event", ev, "times and durations >= 0")
