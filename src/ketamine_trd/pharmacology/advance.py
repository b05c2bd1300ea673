"""Exact event advancing by matrix exponentials (ADVAN-style; reference pkpd.md section 7.4).

Over each segment the augmented state ``[x, auc, 1]`` advances by ``expm(A d)`` with
``A = [[K, 0, u], [Out, 0, 0], [0, 0, 0]]``: zero-order inputs ``u`` and the AUC integral are
exact, and repeated eigenvalues (an absorption rate equal to a disposition rate) need no
special case. It is the engine's fallback for subjects whose modal form is singular and an
independent cross-check of the modal sweep; it loops over subjects, so it is for few subjects.

>>> from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event
>>> from ketamine_trd.pharmacology.schedule import build_schedule
>>> from ketamine_trd.pharmacology.system import LinearSystem
>>> k = np.array([[[-1.0, 0.0], [1.0, -1.0]]])  # ka equal to k10: the singular case
>>> sys1 = LinearSystem(k, np.array([[[0.0, 100.0]]]), ("depot", "central"), ("c",))
>>> d = Dosing((Channel(0, np.ones(1)),), (Event(0.0, 0, 1.0),))
>>> conc, auc = advance(sys1, d, build_schedule(d, np.array([0.0, 1.0, 50.0])))
>>> round(float(conc[0, 0, 1]), 6), round(float(auc[0, 0]), 4)  # 100 t exp(-t); AUC -> 100
(36.787944, 100.0)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.linalg import expm

from ketamine_trd.pharmacology.dosing import Dosing
from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.system import LinearSystem

__all__ = ["advance"]

FloatArray = npt.NDArray[np.float64]


def advance(system: LinearSystem, dosing: Dosing, schedule: Schedule) -> tuple[FloatArray, FloatArray]:
    """Concentrations (N, O, T) in ng/mL and exact AUC (O, N) over the output window, per subject."""
    n_sub = system.n_subjects
    n = len(system.compartments)
    n_out = len(system.outputs)
    size = n + n_out + 1
    conc = np.empty((n_sub, n_out, schedule.output_times_h.size))
    auc = np.empty((n_out, n_sub))
    comps = [ch.compartment for ch in dosing.channels]
    for j in range(n_sub):
        fractions = np.array([ch.fraction[j] for ch in dosing.channels])
        state = np.zeros(size)
        state[-1] = 1.0
        cache: dict[tuple[int, bool, bytes], FloatArray] = {}
        for s in range(schedule.n_steps):
            d = float(schedule.delta_h[s])
            if d > 0.0:
                rates = schedule.rate_mg_per_h[s]
                key = (int(schedule.delta_index[s]), bool(schedule.in_window[s]), rates.tobytes())
                if key not in cache:
                    a = np.zeros((size, size))
                    a[:n, :n] = system.rates_per_h[j]
                    for c, comp in enumerate(comps):
                        a[comp, -1] += rates[c] * fractions[c]
                    if schedule.in_window[s]:
                        a[n : n + n_out, :n] = system.output_ng_per_ml_per_mg[j]
                    cache[key] = expm(a * d)
                state = cache[key] @ state
            for c, comp in enumerate(comps):
                state[comp] += schedule.bolus_mg[s, c] * fractions[c]
            k = int(schedule.output_index[s])
            if k >= 0:
                conc[j, :, k] = system.output_ng_per_ml_per_mg[j] @ state[:n]
        auc[:, j] = state[n : n + n_out]
    return conc, auc
