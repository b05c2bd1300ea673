"""Exposure summaries computed while sweeping, without storing every time point.

Cmax and Tmax are taken over the output times; AUC is exact over the output window (the
integral is accumulated in modal space, or by an augmented state); time above a concentration
threshold interpolates linearly between output times, so it depends on the output grid.

>>> acc = Running(n_outputs=1, n_subjects=1, thresholds_ng_per_ml=np.array([50.0]))
>>> for t, c in [(0.0, 0.0), (1.0, 100.0), (2.0, 0.0)]:
...     acc.update(t, np.array([[c]]))
>>> acc.cmax[0, 0], acc.tmax[0, 0], acc.time_above[0, 0]
(np.float64(100.0), np.float64(1.0), np.float64(1.0))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Exposures", "Running"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Exposures:
    """Per-subject exposures: (O, N) for each output, (K, N) for each threshold on output 0."""

    outputs: tuple[str, ...]
    cmax_ng_per_ml: FloatArray
    tmax_h: FloatArray
    auc_ng_h_per_ml: FloatArray
    thresholds_ng_per_ml: FloatArray
    time_above_h: FloatArray
    window_h: tuple[float, float]

    @property
    def n_subjects(self) -> int:
        """Number of subjects N."""
        return int(self.cmax_ng_per_ml.shape[1])


class Running:
    """Running Cmax, Tmax and time above thresholds (output 0) over successive output times."""

    def __init__(self, n_outputs: int, n_subjects: int, thresholds_ng_per_ml: FloatArray) -> None:
        self.thresholds = np.asarray(thresholds_ng_per_ml, dtype=np.float64)
        self.cmax = np.full((n_outputs, n_subjects), -np.inf)
        self.tmax = np.zeros((n_outputs, n_subjects))
        self.time_above = np.zeros((self.thresholds.size, n_subjects))
        self._prev: FloatArray | None = None
        self._prev_t = 0.0

    def update(self, t_h: float, y: FloatArray) -> None:
        """Take the concentrations ``y`` (O, N) at time ``t_h``."""
        higher = y > self.cmax
        np.copyto(self.tmax, t_h, where=higher)
        np.maximum(self.cmax, y, out=self.cmax)
        if self.thresholds.size and self._prev is not None:
            dt = t_h - self._prev_t
            lo = np.minimum(self._prev, y[0])
            hi = np.maximum(self._prev, y[0])
            span = hi - lo
            for k, thr in enumerate(self.thresholds):
                with np.errstate(divide="ignore", invalid="ignore"):
                    frac = np.where(span > 0.0, np.clip((hi - thr) / span, 0.0, 1.0), (hi > thr) * 1.0)
                self.time_above[k] += dt * frac
        if self.thresholds.size:
            self._prev = y[0].copy()
        self._prev_t = t_h

    def finish(self, outputs: tuple[str, ...], auc: FloatArray, window_h: tuple[float, float]) -> Exposures:
        """The summaries, with the exact ``auc`` (O, N) computed by the caller."""
        return Exposures(outputs, self.cmax, self.tmax, auc, self.thresholds, self.time_above, window_h)
