"""Fast NumPy exposures on a uniform output grid: scaled modal state, curve blocks, bulk summaries.

The same exact modal accumulation as ``sweep.py`` (reference pkpd.md section 7.5), rearranged
for throughput when the output times are evenly spaced (so a schedule has few distinct segment
lengths):

- the state is kept in concentration units, ``w[o, k] = residue[o, k] * z[k]`` (ng/mL), so one
  in-place multiply by the per-subject step factor ``exp(-rate * d)`` advances every output and
  a sum over modes gives the concentration; the factors are computed once per distinct segment
  length (a uniform grid repeats one length; doses between output times add two each) and
  reused by repeated multiplication; dose events add their nominal amounts as the sweep passes;
- concentrations of a sub-chunk of subjects go into a small buffer of a few output times that
  stays in cache, and Cmax, Tmax and time above thresholds are reduced over it in a few bulk
  operations with the same formulas as :class:`~ketamine_trd.pharmacology.summary.Running`
  (time above: whole intervals above count their length; only crossing intervals interpolate);
- the AUC is exact and analytic, from each mode's mass balance (net input minus the change in
  the mode, divided by its rate), with no second sweep; when a mode barely decays over the
  window it is integrated instead (:func:`~ketamine_trd.pharmacology.sweep.window_auc`).

Other grids use the general sweep (:func:`applicable` says which).

>>> from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event
>>> from ketamine_trd.pharmacology.schedule import build_schedule
>>> modal = Modal(np.array([[0.5]]), np.array([[[[100.0]]]]))  # 1 mode, 100 ng/mL per mg
>>> s = build_schedule(Dosing((Channel(0, np.ones(1)),), (Event(0.0, 0, 1.0),)), np.linspace(0.0, 4.0, 5))
>>> applicable(s)
True
>>> e = exposures(modal, s, ("c",), np.array([50.0]))
>>> float(e.cmax_ng_per_ml[0, 0]), round(float(e.time_above_h[0, 0]), 4)  # linear between hourly points
(100.0, 1.4464)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.summary import Exposures
from ketamine_trd.pharmacology.sweep import segment_factors, window_auc
from ketamine_trd.pharmacology.system import Modal

__all__ = ["BLOCK_BYTES", "MASS_BALANCE_MIN_DECAY", "SUB_SUBJECTS", "UNIFORM_RTOL", "applicable", "exposures"]

FloatArray = npt.NDArray[np.float64]

UNIFORM_RTOL = 1e-9
"""Output spacings equal to this relative tolerance count as one uniform step."""

MASS_BALANCE_MIN_DECAY = 1e-3
"""Smallest ``rate * window`` for which the AUC is taken from the mass balance (else integrated)."""

BLOCK_BYTES = 2**20
"""Target size of the buffer of concentrations (rows of output times x O x subjects) reduced at a time."""

SUB_SUBJECTS = 8192
"""Subjects swept per NumPy call (a sub-chunk): enough to amortise the call overhead, small enough for cache."""


def applicable(schedule: Schedule) -> bool:
    """Whether the output grid is uniform (at least three evenly spaced times), so this path pays off.

    >>> from ketamine_trd.pharmacology.dosing import Dosing
    >>> from ketamine_trd.pharmacology.schedule import build_schedule
    >>> applicable(build_schedule(Dosing((), ()), np.array([0.0, 1.0, 3.0])))
    False
    """
    times = schedule.output_times_h
    if times.size < 3:
        return False
    step = np.diff(times)
    return bool(np.all(np.abs(step - step[0]) <= UNIFORM_RTOL * step[0]))


def _curve(modal: Modal, schedule: Schedule, acc: _Blocks) -> tuple[FloatArray, FloatArray]:
    """Concentrations (O, n) in ng/mL at each output time, written into ``acc``'s rows in time order.

    Returns the scaled states (O, K, n) at the first and the last output time.
    """
    n_ch, n_out, n_modes, n = modal.residue.shape
    n_k = n_ch * n_modes
    rates, residue = modal.channel_major()  # (K, n) and (O, K, n)
    w = np.zeros((n_out, n_k, n))
    first = np.zeros_like(w)
    factors: dict[int, tuple[FloatArray, FloatArray | None]] = {}
    infusing = np.any(schedule.rate_mg_per_h != 0.0, axis=1)
    dosing_step = np.any(schedule.bolus_mg != 0.0, axis=1)
    rate_rows = np.repeat(schedule.rate_mg_per_h, n_modes, axis=1)[:, None, :, None]  # (S, 1, K, 1)
    bolus_rows = np.repeat(schedule.bolus_mg, n_modes, axis=1)[:, None, :, None]
    tmp = np.empty_like(w)
    last_k = schedule.output_times_h.size - 1
    pairs = n_k == 3 and n_out == 1  # the common 2-cmt oral case: two adds beat a reduction
    steps = zip(
        schedule.delta_h.tolist(),
        schedule.delta_index.tolist(),
        infusing.tolist(),
        dosing_step.tolist(),
        schedule.output_index.tolist(),
        strict=True,
    )
    for s, (d, key, infuse, dose, k) in enumerate(steps):
        if d > 0.0:
            if key not in factors:
                factors[key] = (np.exp(-rates * d), None)
            e, rg = factors[key]
            np.multiply(w, e, out=w)
            if infuse:
                if rg is None:
                    rg = residue * segment_factors(rates, d)[1]
                    factors[key] = (e, rg)
                np.multiply(rg, rate_rows[s], out=tmp)
                w += tmp
        if dose:
            np.multiply(residue, bolus_rows[s], out=tmp)
            w += tmp
        if k >= 0:
            target = acc.next_row()
            if pairs:
                row = target[0]
                np.add(w[0, 0], w[0, 1], out=row)
                np.add(row, w[0, 2], out=row)
            else:
                np.sum(w, axis=1, out=target)
            if k == 0:
                first[...] = w
            if k == last_k:
                break  # later events do not change the window
    return first, w


def _time_above(c0: FloatArray, times: FloatArray, thr: float) -> FloatArray:
    """Time (h) above ``thr`` of a (T, n) curve, interpolating linearly between output times.

    Equal to summing ``Running``'s per-interval fraction ``clip((hi - thr) / (hi - lo), 0, 1) * dt``:
    intervals with both ends above count their whole length, intervals with neither count
    nothing, and only the few crossing intervals are interpolated.
    """
    n = c0.shape[1]
    dt = np.diff(times)
    above_pt = c0 > thr
    both = above_pt[:-1] & above_pt[1:]
    cross = np.not_equal(above_pt[:-1], above_pt[1:])
    full: FloatArray = np.einsum("j,jn->n", dt, both.view(np.uint8))
    flat = np.flatnonzero(cross)  # crossing intervals, row-major: interval j = flat // n, subject i = flat % n
    j, i = np.divmod(flat, n)
    values = np.ascontiguousarray(c0).reshape(-1)
    a, b = values[flat], values[flat + n]
    hi = np.maximum(a, b)
    frac = np.clip((hi - thr) / np.maximum(hi - np.minimum(a, b), 1e-300), 0.0, 1.0) * dt[j]
    full += np.bincount(i, weights=frac, minlength=n)
    return full


def _window_input(schedule: Schedule, n_modes: int) -> FloatArray:
    """Amount (mg) entering each channel's modes after the first output time and up to the last, (K,)."""
    t0 = schedule.output_times_h[0]
    infused = (schedule.rate_mg_per_h * np.where(schedule.in_window, schedule.delta_h, 0.0)[:, None]).sum(axis=0)
    later = (schedule.time_h > t0) & (schedule.time_h <= schedule.output_times_h[-1])
    bolus = schedule.bolus_mg[later].sum(axis=0)
    result: FloatArray = np.repeat(infused + bolus, n_modes)
    return result


def _mass_balance_auc(modal: Modal, schedule: Schedule, first: FloatArray, last: FloatArray) -> FloatArray | None:
    """Exact AUC (O, n) from each mode's mass balance, ``(input + w(t0) - w(t1)) / rate``; None if ill-conditioned.

    Each mode obeys ``dz/dt = -rate z + input``, so its integral over the window is its net
    input divided by its rate: no sweep is needed. When a mode barely decays over the window
    (``rate * window < 1e-3``) the difference loses digits, and the caller integrates instead.
    """
    n_modes = modal.residue.shape[2]
    window = float(schedule.output_times_h[-1] - schedule.output_times_h[0])
    rates, residue = modal.channel_major()
    if window <= 0.0 or float(np.min(rates)) * window < MASS_BALANCE_MIN_DECAY:
        return None
    net = residue * _window_input(schedule, n_modes)[None, :, None] + first - last
    auc: FloatArray = np.sum(net / rates[None], axis=1)
    return auc


class _Blocks:
    """Cmax, Tmax and time above thresholds, reduced every few output times from a small buffer.

    Rows ``1..rows`` of ``buf`` (rows + 1, O, n) take successive output times; row 0 carries the
    last row of the previous block, so the interval between blocks is counted once. Keeping the
    buffer small keeps it in cache while the sweep runs over many subjects per NumPy call.
    """

    def __init__(self, times: FloatArray, thresholds: FloatArray, n_out: int, n: int, rows: int) -> None:
        self.times = times
        self.thresholds = thresholds
        self.buf = np.empty((rows + 1, n_out, n))
        self.cmax = np.full((n_out, n), -np.inf)
        self.tmax = np.zeros((n_out, n))
        self.above = np.zeros((thresholds.size, n))
        self.filled = 0  # rows 1..filled hold output times k0..k0 + filled - 1
        self.k0 = 0

    def next_row(self) -> FloatArray:
        """The (O, n) row for the next output time."""
        if self.filled == self.buf.shape[0] - 1:
            self.flush()
        self.filled += 1
        row: FloatArray = self.buf[self.filled]
        return row

    def flush(self) -> None:
        """Fold the filled rows into the summaries."""
        f, k0 = self.filled, self.k0
        if f == 0:
            return
        rows = self.buf[1 : f + 1]
        idx = np.argmax(rows, axis=0)  # first maximum in the block; strict ">" keeps the earliest across blocks
        block_max = np.take_along_axis(rows, idx[None], axis=0)[0]
        better = block_max > self.cmax
        np.copyto(self.cmax, block_max, where=better)
        np.copyto(self.tmax, self.times[k0 + idx], where=better)
        lo = 0 if k0 > 0 else 1
        if f + 1 - lo >= 2:
            seg = self.buf[lo : f + 1, 0]
            seg_times = self.times[k0 - 1 + lo : k0 + f]
            for j, thr in enumerate(self.thresholds):
                self.above[j] += _time_above(seg, seg_times, float(thr))
        self.buf[0] = self.buf[f]
        self.k0 += f
        self.filled = 0


def _sweep_parts(
    modal: Modal,
    schedule: Schedule,
    thresholds: FloatArray,
    auc_schedule: Schedule | None,
    bounds: list[tuple[int, int]],
    result: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> None:
    """Sweep the sub-chunks ``bounds`` one after another, writing into ``result``."""
    cmax, tmax, above, auc = result
    times = schedule.output_times_h
    n = modal.rate_per_h.shape[1]
    n_out = cmax.shape[0]
    rows = max(2, BLOCK_BYTES // (8 * n_out * max(hi - lo for lo, hi in bounds)))
    for lo, hi in bounds:
        part = modal if (lo, hi) == (0, n) else Modal(modal.rate_per_h[:, lo:hi], modal.residue[..., lo:hi])
        acc = _Blocks(times, thresholds, n_out, hi - lo, rows)
        w_first, w_last = _curve(part, schedule, acc)
        acc.flush()
        cmax[:, lo:hi], tmax[:, lo:hi], above[:, lo:hi] = acc.cmax, acc.tmax, acc.above
        part_auc = _mass_balance_auc(part, schedule, w_first, w_last)
        if part_auc is None:
            part_auc = window_auc(part, auc_schedule if auc_schedule is not None else schedule)
        auc[:, lo:hi] = part_auc


def exposures(
    modal: Modal,
    schedule: Schedule,
    outputs: tuple[str, ...],
    thresholds_ng_per_ml: FloatArray,
    auc_schedule: Schedule | None = None,
    workers: int = 1,
) -> Exposures:
    """Cmax, Tmax, exact AUC over the output window and time above thresholds, per subject.

    Same values as :func:`ketamine_trd.pharmacology.sweep.exposures` (to rounding), for any grid;
    fastest when :func:`applicable` holds. ``auc_schedule`` is the same dosing with only the
    window's two output times (used only when the mass balance is ill-conditioned). ``workers``
    threads sweep disjoint sub-chunks (NumPy releases the GIL in its loops); the values do not
    depend on it.
    """
    if workers < 1:
        raise InputError("workers", workers, "an integer >= 1")
    n_ch, n_out, n_modes, n = modal.residue.shape
    times = schedule.output_times_h
    thresholds = np.asarray(thresholds_ng_per_ml, dtype=np.float64).reshape(-1)
    result = (np.empty((n_out, n)), np.empty((n_out, n)), np.empty((thresholds.size, n)), np.empty((n_out, n)))
    sub = SUB_SUBJECTS
    bounds = [(lo, min(n, lo + sub)) for lo in range(0, n, sub)]
    groups = [bounds[i::workers] for i in range(min(workers, len(bounds)))]
    if len(groups) <= 1:
        _sweep_parts(modal, schedule, thresholds, auc_schedule, bounds, result)
    else:
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            futures = [
                pool.submit(_sweep_parts, modal, schedule, thresholds, auc_schedule, group, result) for group in groups
            ]
            for future in futures:
                future.result()
    cmax, tmax, above, auc = result
    window = (float(times[0]), float(times[-1]))
    return Exposures(outputs, cmax, tmax, auc, thresholds, above, window)
