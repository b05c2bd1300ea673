"""The JAX backend (CPU or GPU): the same modal sweep as ``sweep.py``, jit-compiled with ``lax.scan``.

JAX is imported lazily, with float64 enabled, so results agree with the NumPy reference to
about 1e-12 relative. Per-step data are scalars shared by all subjects (segment-factor index,
channel rates, boluses); the per-subject state is (C, M, N).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import DependencyMissing
from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.summary import Exposures
from ketamine_trd.pharmacology.system import Modal

__all__ = ["concentrations", "device_description", "exposures", "load_jax"]

FloatArray = npt.NDArray[np.float64]


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
def _kernel(n_thresholds: int) -> Any:
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
        n_ch, n_out, n_modes, n = residue.shape
        z0 = jnp.zeros((n_ch, n_modes, n))
        cmax0 = jnp.full((n_out, n), -jnp.inf)
        carry0 = (z0, z0, cmax0, jnp.zeros((n_out, n)), jnp.zeros((n_thresholds, n)), jnp.zeros(n), jnp.array(False))

        def step(carry: Any, xs: Any) -> Any:
            z, auc_z, cmax, tmax, above, prev, started = carry
            k, r, b, w, o, tt, dto = xs
            e, g, h = e_tab[k], g_tab[k], h_tab[k]
            auc_z = auc_z + jnp.where(w, z * g[None] + r[:, None, None] * h[None], 0.0)
            z = z * e[None] + r[:, None, None] * g[None] + b[:, None, None]
            y = jnp.einsum("comn,cmn->on", residue, z)
            higher = o & (y > cmax)
            tmax = jnp.where(higher, tt, tmax)
            cmax = jnp.where(o, jnp.maximum(cmax, y), cmax)
            lo = jnp.minimum(prev, y[0])
            hi = jnp.maximum(prev, y[0])
            span = hi - lo
            safe = jnp.where(span > 0.0, span, 1.0)
            frac = jnp.where(
                span > 0.0,
                jnp.clip((hi[None] - thresholds[:, None]) / safe[None], 0.0, 1.0),
                (hi[None] > thresholds[:, None]) * 1.0,
            )
            above = above + jnp.where(o & started, dto * frac, 0.0)
            prev = jnp.where(o, y[0], prev)
            started = started | o
            return (z, auc_z, cmax, tmax, above, prev, started), jnp.where(o, y, 0.0)

        xs = (idx, rates, bolus, window, is_out, t, dt_out)
        (z, auc_z, cmax, tmax, above, _, _), ys = jax.lax.scan(step, carry0, xs)
        auc = jnp.einsum("comn,cmn->on", residue, auc_z)
        return cmax, tmax, auc, above, ys

    return jax.jit(run)


def _inputs(modal: Modal, schedule: Schedule) -> tuple[Any, ...]:
    out_mask = schedule.output_index >= 0
    t_out = schedule.time_h
    prev_out = np.concatenate([[t_out[0]], np.maximum.accumulate(np.where(out_mask, t_out, -np.inf))[:-1]])
    dt_out = np.where(out_mask, t_out - prev_out, 0.0)
    return (
        modal.rate_per_h,
        modal.residue,
        schedule.unique_delta_h,
        schedule.delta_index,
        schedule.rate_mg_per_h,
        schedule.bolus_mg,
        schedule.in_window,
        out_mask,
        schedule.time_h,
        dt_out,
    )


def _run(modal: Modal, schedule: Schedule, thresholds: FloatArray) -> tuple[FloatArray, ...]:
    jax = load_jax()
    kernel = _kernel(int(thresholds.size))
    result = kernel(*_inputs(modal, schedule), np.asarray(thresholds, dtype=np.float64))
    return tuple(np.asarray(jax.device_get(x)) for x in result)


def concentrations(modal: Modal, schedule: Schedule) -> FloatArray:
    """Concentrations (N, O, T) in ng/mL, as :func:`ketamine_trd.pharmacology.sweep.concentrations`."""
    ys = _run(modal, schedule, np.zeros(0))[4]
    picked = ys[schedule.output_index >= 0]  # (T, O, N)
    result: FloatArray = np.transpose(picked, (2, 1, 0))
    return result


def exposures(modal: Modal, schedule: Schedule, outputs: tuple[str, ...], thresholds: FloatArray) -> Exposures:
    """Exposures, as :func:`ketamine_trd.pharmacology.sweep.exposures`."""
    cmax, tmax, auc, above, _ = _run(modal, schedule, thresholds)
    window = (float(schedule.output_times_h[0]), float(schedule.output_times_h[-1]))
    return Exposures(outputs, cmax, tmax, auc, np.asarray(thresholds, dtype=np.float64), above, window)
