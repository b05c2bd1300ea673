"""The fused exposure kernel, as plain Python loops that Numba compiles (``fused.py`` loads it).

One pass over the shared schedule per block of :data:`BLOCK` subjects: the modal state, the
running Cmax and Tmax, time above thresholds and the window AUC are kept in small local arrays
(L1 cache), and the inner loops run over the subjects of the block with a constant trip count,
so the compiler vectorises them. The segment factors ``E = exp(-rate d)`` come in a table
computed once per distinct segment length, mode and subject (NumPy's SIMD exp, see
``fused.py``); ``G = (1 - E) / rate`` and ``H = (d - G) / rate`` are derived from it per block.
The formulas are those of ``sweep.py`` (state update, series for small ``rate d``, window AUC
accumulated in modal space) and of :class:`~ketamine_trd.pharmacology.summary.Running` (strict
``>`` for the first maximum, the clipped linear fraction for time above), so the values agree
with the NumPy path to rounding.

Nothing here imports Numba: run uncompiled, the function gives the same values (slowly); the
tests use that to check the kernel's logic without a compiler.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BLOCK", "SMALL_X", "sweep_blocks"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ByteArray = npt.NDArray[np.uint8]

BLOCK = 128
"""Subjects per block: a multiple of the SIMD width; a module constant, so Numba compiles it in."""

SMALL_X = 1e-4
"""Below this ``rate * d`` the factors G and H use their Taylor series (as ``sweep.segment_factors``)."""


def sweep_blocks(
    rates: FloatArray,
    residue: FloatArray,
    unique_delta: FloatArray,
    step_delta_index: IntArray,
    step_flags: ByteArray,
    step_rate: FloatArray,
    step_bolus: FloatArray,
    step_output: IntArray,
    output_times: FloatArray,
    thresholds: FloatArray,
    exp_table: FloatArray,
    table_first: int,
    first: int,
    stop: int,
    cmax: FloatArray,
    tmax: FloatArray,
    auc: FloatArray,
    above: FloatArray,
) -> None:
    """Sweep subjects ``first .. stop`` in blocks of :data:`BLOCK`; summaries written at their columns.

    ``rates`` (K, N) in 1/h and ``residue`` (O, K, N) in ng/mL per mg are the channel-major modal
    form; ``step_rate`` and ``step_bolus`` (S, K) the schedule's inputs repeated per mode (mg/h,
    mg); ``exp_table`` (U, K, n) holds ``exp(-rate * unique_delta)`` of subjects ``table_first ..``
    (NumPy's vectorised exp; ``G = (1 - E) / rate`` loses at most about 1e-12 relative at
    ``rate d = SMALL_X``, where the series takes over). ``step_flags`` per step: bit 1 the segment
    has length > 0, bit 2 an input rate is non-zero, bit 4 a bolus is given, bit 8 the segment lies
    in the output window (AUC). ``cmax`` and ``auc`` (O, N) in ng/mL and ng*h/mL, ``tmax`` (O, N)
    in h and ``above`` (thresholds, N) in h are written for the swept columns.

    Every block is copied into local arrays of exactly ``BLOCK`` subjects (a short last block is
    padded with harmless values that are never written out), with the state of all modes in one
    flat run of ``K * BLOCK`` values, so each step is a few loops of constant length that the
    compiler vectorises. One function, no helper calls, so Numba compiles it alone.
    """
    nb = BLOCK
    n_k = rates.shape[0]
    n_kb = n_k * nb
    n_out = residue.shape[0]
    n_thr = thresholds.shape[0]
    n_u = unique_delta.shape[0]
    n_steps = step_flags.shape[0]
    last = output_times.shape[0] - 1
    infusing = False
    for s in range(n_steps):
        infusing = infusing or (step_flags[s] & 2) != 0
    e = np.empty((n_u, n_kb))
    g = np.empty((n_u, n_kb))
    h = np.empty((n_u if infusing else 0, n_kb))
    rate = np.empty(n_kb)
    res = np.empty((n_out, n_kb))
    z = np.empty(n_kb)
    az = np.empty(n_kb)
    y = np.empty((n_out, nb))
    prev = np.empty(nb)
    cm = np.empty((n_out, nb))
    tm = np.empty((n_out, nb))
    ab = np.empty((max(n_thr, 1), nb))
    for lo in range(first, stop, nb):
        width = min(nb, stop - lo)
        for k in range(n_k):  # the block, padded to nb subjects (rate 1/h, residue 0)
            for i in range(nb):
                inside = i < width
                rate[k * nb + i] = rates[k, lo + i] if inside else 1.0
                for o in range(n_out):
                    res[o, k * nb + i] = residue[o, k, lo + i] if inside else 0.0
        for u in range(n_u):  # segment factors, once per distinct length, mode and subject
            d = unique_delta[u]
            for k in range(n_k):
                for i in range(nb):
                    j = k * nb + i
                    r = rate[j]
                    x = r * d
                    ev = exp_table[u, k, lo - table_first + i] if i < width else 1.0
                    e[u, j] = ev
                    gv = d * (1.0 - x / 2.0 + x * x / 6.0) if x < SMALL_X else (1.0 - ev) / r
                    g[u, j] = gv
                    if infusing:
                        h[u, j] = d * d * (0.5 - x / 6.0 + x * x / 24.0) if x < SMALL_X else (d - gv) / r
        z[:] = 0.0
        az[:] = 0.0
        prev[:] = 0.0
        cm[:] = -np.inf
        tm[:] = 0.0
        ab[:] = 0.0
        for s in range(n_steps):
            flags = step_flags[s]
            if flags & 1:
                u = step_delta_index[s]
                if flags & 8:  # window AUC of the state over the segment, before it advances
                    for j in range(n_kb):
                        az[j] += z[j] * g[u, j]
                        z[j] *= e[u, j]
                else:
                    for j in range(n_kb):
                        z[j] *= e[u, j]
                if flags & 2:
                    for k in range(n_k):
                        rk = step_rate[s, k]
                        if rk != 0.0:
                            if flags & 8:
                                for i in range(nb):
                                    az[k * nb + i] += rk * h[u, k * nb + i]
                            for i in range(nb):
                                z[k * nb + i] += rk * g[u, k * nb + i]
            if flags & 4:
                for k in range(n_k):
                    bk = step_bolus[s, k]
                    if bk != 0.0:
                        for i in range(nb):
                            z[k * nb + i] += bk
            t_index = step_output[s]
            if t_index < 0:
                continue
            t = output_times[t_index]
            for o in range(n_out):
                for i in range(nb):
                    y[o, i] = res[o, i] * z[i]
                for k in range(1, n_k):
                    for i in range(nb):
                        y[o, i] += res[o, k * nb + i] * z[k * nb + i]
                for i in range(nb):  # running maximum: strict ">" keeps the first time of the maximum
                    better = y[o, i] > cm[o, i]
                    cm[o, i] = y[o, i] if better else cm[o, i]
                    tm[o, i] = t if better else tm[o, i]
            if n_thr > 0:
                if t_index > 0:  # time above, Running's clipped linear fraction per interval:
                    dt = t - output_times[t_index - 1]  # whole when both ends are above, none when neither
                    for jt in range(n_thr):
                        thr = thresholds[jt]
                        crossing = 0
                        for i in range(nb):
                            a_above = prev[i] > thr
                            b_above = y[0, i] > thr
                            ab[jt, i] += dt if (a_above and b_above) else 0.0
                            crossing += a_above != b_above
                        if crossing:  # only the few crossing intervals are interpolated
                            for i in range(nb):
                                a = prev[i]
                                b = y[0, i]
                                if (a > thr) != (b > thr):
                                    hi = a if a > b else b
                                    span = hi - (b if a > b else a)
                                    span = span if span > 1e-300 else 1e-300
                                    frac = (hi - thr) / span
                                    frac = 0.0 if frac < 0.0 else (1.0 if frac > 1.0 else frac)
                                    ab[jt, i] += frac * dt
                for i in range(nb):
                    prev[i] = y[0, i]
            if t_index == last:
                break  # later events do not change the window
        for o in range(n_out):
            for i in range(width):
                total = 0.0
                for k in range(n_k):
                    total += res[o, k * nb + i] * az[k * nb + i]
                auc[o, lo + i] = total
                cmax[o, lo + i] = cm[o, i]
                tmax[o, lo + i] = tm[o, i]
        for jt in range(n_thr):
            for i in range(width):
                above[jt, lo + i] = ab[jt, i]
