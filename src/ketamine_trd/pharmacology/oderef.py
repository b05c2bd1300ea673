"""A numerical ODE reference (scipy ``solve_ivp``) for cross-checks and benchmarks.

Integrates ``dx/dt = K x + u(t)`` subject by subject, restarting at every schedule breakpoint
(doses and infusion edges), so discontinuities never fall inside a step. It is slow by design:
the point of comparison for the closed form, never the engine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.integrate import solve_ivp

from ketamine_trd.pharmacology.dosing import Dosing
from ketamine_trd.pharmacology.schedule import Schedule
from ketamine_trd.pharmacology.system import LinearSystem

__all__ = ["ode_concentrations"]

FloatArray = npt.NDArray[np.float64]


def ode_concentrations(
    system: LinearSystem, dosing: Dosing, schedule: Schedule, rtol: float = 1e-10, method: str = "LSODA"
) -> FloatArray:
    """Concentrations (N, O, T) in ng/mL by numerical integration between breakpoints."""
    n_sub = system.n_subjects
    n = len(system.compartments)
    out = np.empty((n_sub, len(system.outputs), schedule.output_times_h.size))
    comps = [c.compartment for c in dosing.channels]
    for j in range(n_sub):
        k = system.rates_per_h[j]
        fr = [c.fraction[j] for c in dosing.channels]
        x = np.zeros(n)
        for s in range(schedule.n_steps):
            d = float(schedule.delta_h[s])
            if d > 0.0:
                u = np.zeros(n)
                for c, comp in enumerate(comps):
                    u[comp] += schedule.rate_mg_per_h[s, c] * fr[c]
                scale = max(float(np.max(np.abs(x), initial=0.0)), float(np.max(np.abs(u), initial=0.0)) * d, 1e-12)
                sol = solve_ivp(
                    lambda _t, y, k=k, u=u: k @ y + u,
                    (0.0, d),
                    x,
                    method=method,
                    rtol=rtol,
                    atol=scale * rtol * 1e-3,
                    jac=(lambda _t, _y, k=k: k) if method in ("LSODA", "Radau", "BDF") else None,
                )
                x = sol.y[:, -1]
            for c, comp in enumerate(comps):
                x[comp] += schedule.bolus_mg[s, c] * fr[c]
            idx = int(schedule.output_index[s])
            if idx >= 0:
                out[j, :, idx] = system.output_ng_per_ml_per_mg[j] @ x
    return out
