"""The JAX backend (CPU or GPU): the same modal sweep as ``sweep.py``, jit-compiled with ``lax.scan``.

JAX is imported lazily, with float64 enabled, so results agree with the NumPy reference to
about 1e-12 relative. Per-step data are scalars shared by all subjects (segment-factor index,
channel rates, boluses); the per-subject state is (C, M, N).
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import DependencyMissing, InputError
from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.summary import Exposures
from ketamine_trd.pharmacology.system import Modal

__all__ = ["CPU_BATCHES", "GPU_BATCHES", "batch_size", "concentrations", "device_description", "exposures", "load_jax"]

FloatArray = npt.NDArray[np.float64]

CPU_BATCHES = (2048, 4096, 8192, 16384)
"""Batch sizes (subjects per kernel call) tried on a CPU device; a fixed 20,000 was 6x slower than 4,096 here."""

GPU_BATCHES = (65536, 262144, 1048576)
"""Batch sizes tried on an accelerator."""

_BATCHES: dict[tuple[Any, ...], int] = {}


@cache
def load_jax() -> Any:
    """Import JAX with float64 enabled, or raise :class:`DependencyMissing`."""
    try:
        import jax
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise DependencyMissing("jax", "jax") from error
    config: Any = jax.config
    config.update("jax_enable_x64", True)
    return jax


def device_description() -> str:
    """The default JAX device, e.g. ``cpu`` or ``cuda:0 (NVIDIA H100 ...)``."""
    jax = load_jax()
    dev = jax.devices()[0]
    return f"{dev.platform}:{dev.id} ({getattr(dev, 'device_kind', '')})"


def _factors(jnp: Any, rate: Any, deltas: Any) -> tuple[Any, Any, Any]:
    x = rate[None] * deltas[:, None, None]
    d = deltas[:, None, None]
    e = jnp.exp(-x)
    small = x < 1e-4
    safe = jnp.where(small, 1.0, rate[None])
    g = jnp.where(small, d * (1.0 - x / 2.0 + x * x / 6.0), -jnp.expm1(-x) / safe)
    h = jnp.where(small, d * d * (0.5 - x / 6.0 + x * x / 24.0), (d - g) / safe)
    return e, g, h


@cache
def _kernel(n_thresholds: int, trace: bool, with_auc: bool) -> Any:
    """A jitted sweep: exposures (and the trace of outputs when ``trace``; the AUC when ``with_auc``)."""
    jax = load_jax()
    jnp = jax.numpy

    def run(
        rate: Any,
        residue: Any,
        deltas: Any,
        idx: Any,
        rates: Any,
        bolus: Any,
        window: Any,
        is_out: Any,
        t: Any,
        dt_out: Any,
        thresholds: Any,
    ) -> Any:
        e_tab, g_tab, h_tab = _factors(jnp, rate, deltas)
        n_out, n_k, n = residue.shape
        dtype = residue.dtype  # float64, or float32 when asked for
        z0 = jnp.zeros((n_k, n), dtype=dtype)
        carry0 = (
            z0,
            z0,
            jnp.full((n_out, n), -jnp.inf, dtype=dtype),
            jnp.zeros((n_out, n), dtype=dtype),
            jnp.zeros((n_thresholds, n), dtype=dtype),
            jnp.zeros(n, dtype=dtype),
            jnp.array(False),
        )

        def step(carry: Any, xs: Any) -> Any:
            z, auc_z, cmax, tmax, above, prev, started = carry
            k, r, b, w, o, tt, dto = xs
            e, g = e_tab[k], g_tab[k]
            if with_auc:
                auc_z = auc_z + jnp.where(w, z * g + r[:, None] * h_tab[k], 0.0)
            z = z * e + r[:, None] * g + b[:, None]
            y = jnp.sum(residue * z[None], axis=1)
            higher = o & (y > cmax)
            tmax = jnp.where(higher, tt, tmax)
            cmax = jnp.where(o, jnp.maximum(cmax, y), cmax)
            if n_thresholds:
                lo = jnp.minimum(prev, y[0])
                hi = jnp.maximum(prev, y[0])
                span = jnp.maximum(hi - lo, 1e-300)
                frac = jnp.clip((hi[None] - thresholds[:, None]) / span[None], 0.0, 1.0)
                above = above + jnp.where(o & started, dto * frac, 0.0)
                prev = jnp.where(o, y[0], prev)
            started = started | o
            return (z, auc_z, cmax, tmax, above, prev, started), (y if trace else None)

        xs = (idx, rates, bolus, window, is_out, t, dt_out)
        (z, auc_z, cmax, tmax, above, _, _), ys = jax.lax.scan(step, carry0, xs)
        auc = jnp.sum(residue * auc_z[None], axis=1)
        return cmax, tmax, auc, above, ys

    return jax.jit(run)


def _inputs(modal: Modal, schedule: Schedule, dtype: str = "float64") -> tuple[Any, ...]:
    n_modes = modal.residue.shape[2]
    out_mask = schedule.output_index >= 0
    t_out = schedule.time_h
    prev_out = np.concatenate([[t_out[0]], np.maximum.accumulate(np.where(out_mask, t_out, -np.inf))[:-1]])
    dt_out = np.where(out_mask, t_out - prev_out, 0.0)
    rates, residue = modal.channel_major()
    return (
        rates.astype(dtype),
        residue.astype(dtype),
        schedule.unique_delta_h.astype(dtype),
        schedule.delta_index,
        np.repeat(schedule.rate_mg_per_h, n_modes, axis=1).astype(dtype),
        np.repeat(schedule.bolus_mg, n_modes, axis=1).astype(dtype),
        schedule.in_window,
        out_mask,
        schedule.time_h.astype(dtype),
        dt_out.astype(dtype),
    )


def _run(
    modal: Modal, schedule: Schedule, thresholds: FloatArray, trace: bool, with_auc: bool, dtype: str = "float64"
) -> tuple[Any, ...]:
    jax = load_jax()
    kernel = _kernel(int(thresholds.size), trace, with_auc)
    result = kernel(*_inputs(modal, schedule, dtype), np.asarray(thresholds, dtype=dtype))
    return tuple(None if x is None else np.asarray(jax.device_get(x), dtype=np.float64) for x in result)


def concentrations(modal: Modal, schedule: Schedule) -> FloatArray:
    """Concentrations (N, O, T) in ng/mL, as :func:`ketamine_trd.pharmacology.sweep.concentrations`."""
    ys = _run(modal, schedule, np.zeros(0), trace=True, with_auc=False)[4]
    picked = ys[schedule.output_index >= 0]  # (T, O, N)
    result: FloatArray = np.transpose(picked, (2, 1, 0))
    return result


def _anchors(schedule: Schedule) -> tuple[Any, ...]:
    """Event steps (doses, rate changes) and, for each output, its last event step and time since it."""
    rate_during = schedule.rate_mg_per_h
    rate_after = np.vstack([rate_during[1:], rate_during[-1:]])
    changed = np.any(rate_after != np.vstack([np.zeros((1, rate_after.shape[1])), rate_after[:-1]]), axis=1)
    is_event = changed | np.any(schedule.bolus_mg != 0.0, axis=1)
    is_event[0] = True
    ev = np.flatnonzero(is_event)
    t_ev = schedule.time_h[ev]
    out_steps = np.flatnonzero(schedule.output_index >= 0)
    anchor = np.searchsorted(ev, out_steps, side="right") - 1
    tau = schedule.time_h[out_steps] - t_ev[anchor]
    ev_delta = np.concatenate([[0.0], np.diff(t_ev)])
    ev_rate_before = np.vstack([np.zeros((1, rate_after.shape[1])), rate_after[ev[:-1]]])
    return ev_delta, ev_rate_before, schedule.bolus_mg[ev], anchor, tau, rate_after[ev][anchor]


@cache
def _dense_kernel(n_thresholds: int) -> Any:
    """Exposures without a time-step loop: modal states at the events, then every output at once (fused)."""
    jax = load_jax()
    jnp = jax.numpy

    def run(
        rate: Any,
        residue: Any,
        ev_delta: Any,
        ev_rate: Any,
        ev_bolus: Any,
        anchor: Any,
        tau: Any,
        out_rate: Any,
        times: Any,
        thresholds: Any,
    ) -> Any:
        n_out, n_k, n = residue.shape

        def step(z: Any, xs: Any) -> Any:
            d, r, b = xs
            x = rate * d
            g = jnp.where(x < 1e-4, d * (1.0 - x / 2.0 + x * x / 6.0), -jnp.expm1(-x) / jnp.where(x < 1e-4, 1.0, rate))
            z = z * jnp.exp(-x) + r[:, None] * g + b[:, None]
            return z, z

        _, states = jax.lax.scan(step, jnp.zeros((n_k, n), dtype=residue.dtype), (ev_delta, ev_rate, ev_bolus))
        x = rate[None] * tau[:, None, None]
        small = x < 1e-4
        tau3 = tau[:, None, None]
        g = jnp.where(small, tau3 * (1.0 - x / 2.0 + x * x / 6.0), -jnp.expm1(-x) / jnp.where(small, 1.0, rate[None]))
        z = states[anchor] * jnp.exp(-x) + out_rate[:, :, None] * g  # (T, K, N)
        y = jnp.einsum("okn,tkn->ton", residue, z)
        cmax = jnp.max(y, axis=0)
        tmax = times[jnp.argmax(y, axis=0)]
        y0 = y[:, 0, :]
        lo = jnp.minimum(y0[1:], y0[:-1])
        hi = jnp.maximum(y0[1:], y0[:-1])
        span = jnp.maximum(hi - lo, 1e-300)
        dt = jnp.diff(times)[:, None]
        frac = jnp.clip((hi[None] - thresholds[:, None, None]) / span[None], 0.0, 1.0)
        above = jnp.sum(frac * dt[None], axis=1)
        return cmax, tmax, above

    return jax.jit(run)


def dense_exposures(
    modal: Modal, schedule: Schedule, thresholds: FloatArray, dtype: str = "float64"
) -> tuple[FloatArray, ...]:
    """Cmax (O, N), Tmax (O, N) and time above thresholds (K, N) with all outputs evaluated at once."""
    jax = load_jax()
    n_modes = modal.residue.shape[2]
    ev_delta, ev_rate, ev_bolus, anchor, tau, out_rate = _anchors(schedule)
    kernel = _dense_kernel(int(thresholds.size))
    rates, residue = modal.channel_major()
    result = kernel(
        rates.astype(dtype),
        residue.astype(dtype),
        ev_delta.astype(dtype),
        np.repeat(ev_rate, n_modes, axis=1).astype(dtype),
        np.repeat(ev_bolus, n_modes, axis=1).astype(dtype),
        anchor,
        tau.astype(dtype),
        np.repeat(out_rate, n_modes, axis=1).astype(dtype),
        schedule.output_times_h.astype(dtype),
        np.asarray(thresholds, dtype=dtype),
    )
    return tuple(np.asarray(jax.device_get(x), dtype=np.float64) for x in result)


def _whole(
    modal: Modal,
    schedule: Schedule,
    outputs: tuple[str, ...],
    thresholds: FloatArray,
    auc_schedule: Schedule | None,
    method: str,
    dtype: str,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Cmax, Tmax, AUC and time above for all subjects of ``modal`` in one kernel call."""
    if method == "dense":
        cmax, tmax, above = dense_exposures(modal, schedule, thresholds, dtype)
        auc = _run(modal, auc_schedule or schedule, np.zeros(0), False, True, dtype)[2]
    else:
        cmax, tmax, auc, above, _ = _run(modal, schedule, thresholds, False, auc_schedule is None, dtype)
        if auc_schedule is not None:
            auc = _run(modal, auc_schedule, np.zeros(0), False, True, dtype)[2]
    return cmax, tmax, auc, above


def _batch_key(modal: Modal, schedule: Schedule, thresholds: FloatArray, method: str, dtype: str) -> tuple[Any, ...]:
    n_ch, n_out, n_modes, _ = modal.residue.shape
    return (device_description(), schedule.n_steps, n_ch * n_modes, n_out, thresholds.size, method, dtype)


def _padded(modal: Modal, lo: int, size: int) -> Modal:
    """Subjects ``lo .. lo + size`` of ``modal``; places past the end repeat subject ``lo`` (results dropped)."""
    index = np.arange(lo, lo + size)
    n = modal.rate_per_h.shape[1]
    index[index >= n] = lo
    return modal.subset(index)


def batch_size(
    modal: Modal,
    schedule: Schedule,
    thresholds: FloatArray,
    auc_schedule: Schedule | None = None,
    method: str = "scan",
    dtype: str = "float64",
) -> int:
    """Subjects per kernel call for this problem shape on this device, measured once per process and cached.

    Times the kernel on the problem's own first subjects at each of :data:`CPU_BATCHES` (or
    :data:`GPU_BATCHES` on an accelerator) that the population reaches (a compiling call, then
    the fastest of three), and keeps the fastest per subject; stops when a larger batch is more
    than 10% slower. On this 2-core CPU it costs a few seconds (one compile per size tried). The
    values never depend on it (each subject is independent).
    """
    key = _batch_key(modal, schedule, thresholds, method, dtype)
    if key in _BATCHES:
        return _BATCHES[key]
    n = int(modal.rate_per_h.shape[1])
    candidates = GPU_BATCHES if not str(key[0]).startswith("cpu") else CPU_BATCHES
    best: int = min(n, candidates[0])
    best_rate = 0.0
    for size in (c for c in candidates if c <= n):
        part = _padded(modal, 0, size)
        _whole(part, schedule, (), thresholds, auc_schedule, method, dtype)  # compile this shape
        seconds = []
        for _ in range(3):  # the fastest of three: the machine may be shared
            start = time.perf_counter()
            _whole(part, schedule, (), thresholds, auc_schedule, method, dtype)
            seconds.append(time.perf_counter() - start)
        rate = size / max(min(seconds), 1e-9)
        if rate > best_rate:
            best, best_rate = size, rate
        elif rate < 0.9 * best_rate:
            break
    if n >= candidates[0]:
        _BATCHES[key] = best
    return best


def exposures(
    modal: Modal,
    schedule: Schedule,
    outputs: tuple[str, ...],
    thresholds: FloatArray,
    auc_schedule: Schedule | None = None,
    method: str = "scan",
    dtype: str = "float64",
) -> Exposures:
    """Exposures, as :func:`ketamine_trd.pharmacology.sweep.exposures`.

    ``method="scan"`` steps through the outputs (T x modes multiplications per subject);
    ``"dense"`` evaluates every output at once from the modal states at the events (T x modes
    exponentials per subject, but parallel over time: the better fit for a GPU). Subjects are
    swept in batches of :func:`batch_size` (measured per device and problem shape; the last
    batch padded, so one compiled shape serves them all). ``dtype="float32"`` computes in single
    precision (for accelerators; results returned as float64, agreeing to about 1e-5 relative).
    """
    if dtype not in ("float64", "float32"):
        raise InputError("dtype", dtype, "float64 or float32")
    thresholds = np.asarray(thresholds, dtype=np.float64)
    n_ch, n_out, n_modes, n = modal.residue.shape
    size = batch_size(modal, schedule, thresholds, auc_schedule, method, dtype) if n > CPU_BATCHES[0] else n
    if size >= n:
        cmax, tmax, auc, above = _whole(modal, schedule, outputs, thresholds, auc_schedule, method, dtype)
    else:
        cmax, tmax, auc = np.empty((n_out, n)), np.empty((n_out, n)), np.empty((n_out, n))
        above = np.empty((thresholds.size, n))
        for lo in range(0, n, size):
            hi = min(n, lo + size)
            part = _whole(_padded(modal, lo, size), schedule, outputs, thresholds, auc_schedule, method, dtype)
            for target, value in zip((cmax, tmax, auc, above), part, strict=True):
                target[:, lo:hi] = value[:, : hi - lo]
    window = (float(schedule.output_times_h[0]), float(schedule.output_times_h[-1]))
    return Exposures(outputs, cmax, tmax, auc, thresholds, above, window)
