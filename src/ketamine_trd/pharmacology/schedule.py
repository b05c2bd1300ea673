"""The event schedule shared by every subject: breakpoints, rates, boluses and outputs.

Built once on the host from a :class:`~ketamine_trd.pharmacology.dosing.Dosing` and the output
times; both backends (NumPy and JAX) sweep the same schedule, so their results agree. Each step
``s`` ends a segment of length ``delta_h[s]`` during which the zero-order input rates
``rate_mg_per_h[s]`` (per channel) apply; then ``bolus_mg[s]`` is added; then, if
``output_index[s] >= 0``, concentrations are recorded (right-continuous: a bolus at an output
time is included). Infusion ends are breakpoints, so infusion edges are exact
(ferx-core #711 in reference pkpd.md section 6.2).

>>> from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event
>>> d = Dosing((Channel(0, np.ones(1)),), (Event(0.0, 0, 35.0, 2 / 3),))
>>> s = build_schedule(d, np.array([0.5, 1.0]))
>>> s.time_h.tolist(), s.rate_mg_per_h[:, 0].round(1).tolist()
([0.0, 0.5, 0.6666666666666666, 1.0], [0.0, 52.5, 52.5, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.dosing import Dosing

__all__ = ["Schedule", "build_schedule"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Schedule:
    """Per-step arrays (S steps, C channels, T output times); see the module docstring."""

    time_h: FloatArray
    delta_h: FloatArray
    delta_index: IntArray
    unique_delta_h: FloatArray
    rate_mg_per_h: FloatArray
    bolus_mg: FloatArray
    output_index: IntArray
    in_window: BoolArray
    output_times_h: FloatArray

    @property
    def n_steps(self) -> int:
        """Number of steps S."""
        return int(self.time_h.shape[0])


def build_schedule(dosing: Dosing, output_times_h: FloatArray) -> Schedule:
    """Merge event times, infusion ends and output times into one sorted schedule."""
    times = np.asarray(output_times_h, dtype=np.float64)
    if times.ndim != 1 or times.size == 0 or not np.all(np.isfinite(times)):
        raise InputError("times_h", times.shape, "a non-empty 1-D array of finite times in h")
    if np.any(np.diff(times) <= 0.0) or times[0] < 0.0:
        raise InputError("times_h", "unsorted", "strictly increasing times >= 0 h")
    n_ch = len(dosing.channels)
    points = [times]
    for ev in dosing.events:
        points.append(np.array([ev.time_h, ev.time_h + ev.duration_h]))
    grid = np.unique(np.concatenate(points))
    n = grid.size
    bolus = np.zeros((n, n_ch))
    change = np.zeros((n, n_ch))
    for ev in dosing.events:
        s0 = int(np.searchsorted(grid, ev.time_h))
        if ev.duration_h > 0.0:
            rate = ev.amount_mg / ev.duration_h
            change[s0, ev.channel] += rate
            change[int(np.searchsorted(grid, ev.time_h + ev.duration_h)), ev.channel] -= rate
        else:
            bolus[s0, ev.channel] += ev.amount_mg
    after = np.cumsum(change, axis=0)
    scale = np.max(np.abs(change), initial=0.0)
    after[np.abs(after) < 1e-12 * max(scale, 1.0)] = 0.0
    rate_during = np.vstack([np.zeros((1, n_ch)), after[:-1]])
    # Segment lengths equal to 1e-12 h share their factors (a linspace grid gives round-off variants).
    delta = np.round(np.concatenate([[0.0], np.diff(grid)]), 12)
    unique, inverse = np.unique(delta, return_inverse=True)
    out_index = np.full(n, -1, dtype=np.intp)
    out_index[np.searchsorted(grid, times)] = np.arange(times.size)
    prev = np.concatenate([[grid[0]], grid[:-1]])
    window = (prev >= times[0]) & (grid <= times[-1]) & (delta > 0.0)
    return Schedule(grid, delta, inverse.astype(np.intp), unique, rate_during, bolus, out_index, window, times)
