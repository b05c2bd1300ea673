"""The NumPy float64 reference backend: modal accumulation over the shared schedule.

Per channel c and mode m the state ``z[c, m]`` (mg) advances over a segment of length d by
``z <- z * exp(-rate * d) + r * (1 - exp(-rate * d)) / rate`` (zero-order input r, exact), and a
bolus adds its nominal amount; concentrations are ``sum_c,m residue[c, o, m] * z[c, m]``
(reference pkpd.md sections 7.4-7.5). Cost is O(steps) per subject with O(C*M) memory per
subject: a chunk of subjects never materialises (subjects x doses x times).

>>> from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event
>>> from ketamine_trd.pharmacology.schedule import build_schedule
>>> modal = Modal(np.array([[0.5]]), np.array([[[[100.0]]]]))  # 1 mode, 100 ng/mL per mg
>>> s = build_schedule(Dosing((Channel(0, np.ones(1)),), (Event(0.0, 0, 1.0),)), np.array([0.0, 2.0]))
>>> concentrations(modal, s)[0, 0].round(4).tolist()
[100.0, 36.7879]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.summary import Exposures, Running
from ketamine_trd.pharmacology.system import Modal

__all__ = ["concentrations", "exposures", "segment_factors", "window_auc"]

FloatArray = npt.NDArray[np.float64]


def segment_factors(rate_per_h: FloatArray, delta_h: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``E = exp(-rate d)``, ``G = (1 - E) / rate`` and ``H = (d - G) / rate``, stable for small rate*d.

    >>> e, g, h = segment_factors(np.array([1e-9, 1.0]), 2.0)
    >>> g.round(6).tolist(), h.round(6).tolist()
    ([2.0, 0.864665], [2.0, 1.135335])
    """
    x = rate_per_h * delta_h
    e = np.exp(-x)
    small = x < 1e-4
    safe = np.where(small, 1.0, rate_per_h)
    g = np.where(small, delta_h * (1.0 - x / 2.0 + x * x / 6.0), -np.expm1(-x) / safe)
    h = np.where(small, delta_h * delta_h * (0.5 - x / 6.0 + x * x / 24.0), (delta_h - g) / safe)
    return e, g, h


def _sweep(
    modal: Modal, schedule: Schedule, running: Running | None, store: FloatArray | None, with_auc: bool
) -> FloatArray | None:
    n_ch, n_out, n_modes, n = modal.residue.shape
    rates_f, residue = modal.channel_major()
    z = np.zeros((n_ch * n_modes, n))
    auc_z = np.zeros_like(z) if with_auc else None
    y = np.empty((n_out, n))
    cache_e: dict[int, FloatArray] = {}
    cache_gh: dict[int, tuple[FloatArray, FloatArray, FloatArray]] = {}
    rate_rows = np.repeat(schedule.rate_mg_per_h, n_modes, axis=1)  # (S, C*M)
    bolus_rows = np.repeat(schedule.bolus_mg, n_modes, axis=1)
    infusing = np.any(schedule.rate_mg_per_h != 0.0, axis=1)
    dosing_step = np.any(schedule.bolus_mg != 0.0, axis=1)
    for s in range(schedule.n_steps):
        d = float(schedule.delta_h[s])
        if d > 0.0:
            key = int(schedule.delta_index[s])
            need_gh = bool(infusing[s]) or (auc_z is not None and bool(schedule.in_window[s]))
            if need_gh:
                if key not in cache_gh:
                    cache_gh[key] = segment_factors(rates_f, d)
                e, g, h = cache_gh[key]
            else:
                if key not in cache_e:
                    cache_e[key] = cache_gh[key][0] if key in cache_gh else np.exp(-rates_f * d)
                e = cache_e[key]
            r = rate_rows[s][:, None]
            if auc_z is not None and schedule.in_window[s]:
                auc_z += z * g
                if infusing[s]:
                    auc_z += r * h
            z *= e
            if infusing[s]:
                z += r * g
        if dosing_step[s]:
            z += bolus_rows[s][:, None]
        k = int(schedule.output_index[s])
        if k >= 0:
            for o in range(n_out):
                np.einsum("kn,kn->n", residue[o], z, out=y[o])
            if store is not None:
                store[:, :, k] = y.T
            if running is not None:
                running.update(float(schedule.time_h[s]), y)
    if auc_z is None:
        return None
    auc: FloatArray = np.einsum("okn,kn->on", residue, auc_z)
    return auc


def window_auc(modal: Modal, schedule: Schedule) -> FloatArray:
    """Exact AUC (O, N) over the schedule's output window (ng*h/mL); use a schedule with two output times."""
    auc = _sweep(modal, schedule, None, None, with_auc=True)
    assert auc is not None
    return auc


def concentrations(modal: Modal, schedule: Schedule) -> FloatArray:
    """Concentrations (N, O, T) in ng/mL at the schedule's output times."""
    n_ch, n_out, n_modes, n = modal.residue.shape
    store = np.empty((n, n_out, schedule.output_times_h.size))
    _sweep(modal, schedule, None, store, with_auc=False)
    return store


def exposures(
    modal: Modal,
    schedule: Schedule,
    outputs: tuple[str, ...],
    thresholds_ng_per_ml: FloatArray,
    auc_schedule: Schedule | None = None,
) -> Exposures:
    """Cmax, Tmax, exact AUC over the output window and time above thresholds, per subject.

    ``auc_schedule`` (the same dosing with only the window's two output times) lets the AUC be
    integrated over the event steps alone instead of every output step.
    """
    n_ch, n_out, n_modes, n = modal.residue.shape
    running = Running(n_out, n, thresholds_ng_per_ml)
    if auc_schedule is None:
        auc = _sweep(modal, schedule, running, None, with_auc=True)
    else:
        _sweep(modal, schedule, running, None, with_auc=False)
        auc = window_auc(modal, auc_schedule)
    assert auc is not None
    window = (float(schedule.output_times_h[0]), float(schedule.output_times_h[-1]))
    return running.finish(outputs, auc, window)
