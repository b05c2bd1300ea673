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
        self._buf: FloatArray | None = None
        self._higher: npt.NDArray[np.bool_] = np.empty(0, dtype=bool)
        self._prev_t = 0.0

    def update(self, t_h: float, y: FloatArray) -> None:
        """Take the concentrations ``y`` (O, N) at time ``t_h``."""
        if self._buf is None or self._buf.shape[1] != y.shape[1]:
            self._buf = np.empty((3, y.shape[1]))
            self._higher = np.empty(y.shape[1], dtype=bool)
        higher, lo, hi, frac = self._higher, self._buf[0], self._buf[1], self._buf[2]
        for o in range(y.shape[0]):
            np.greater(y[o], self.cmax[o], out=higher)
            np.copyto(self.tmax[o], t_h, where=higher)
            np.maximum(self.cmax[o], y[o], out=self.cmax[o])
        if self.thresholds.size and self._prev is not None:
            dt = t_h - self._prev_t
            np.minimum(self._prev, y[0], out=lo)
            np.maximum(self._prev, y[0], out=hi)
            np.subtract(hi, lo, out=lo)
            np.maximum(lo, 1e-300, out=lo)  # span; a flat segment gives 0 or 1 through the clip below
            for k, thr in enumerate(self.thresholds):
                np.subtract(hi, thr, out=frac)
                np.divide(frac, lo, out=frac)
                np.clip(frac, 0.0, 1.0, out=frac)
                frac *= dt
                self.time_above[k] += frac
        if self.thresholds.size:
            if self._prev is None:
                self._prev = np.empty(y.shape[1])
            self._prev[:] = y[0]
        self._prev_t = t_h

    def finish(self, outputs: tuple[str, ...], auc: FloatArray, window_h: tuple[float, float]) -> Exposures:
        """The summaries, with the exact ``auc`` (O, N) computed by the caller."""
        return Exposures(outputs, self.cmax, self.tmax, auc, self.thresholds, self.time_above, window_h)
