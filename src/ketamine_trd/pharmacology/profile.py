"""One typical patient: the concentration curve and its exposures for a route and dose.

>>> r = typical_profile("ketamine-iv", (Dose(0.0, 35.0, 40.0),), Covariates(), hours=24.0)
>>> round(r.cmax_ng_per_ml), round(r.half_life_h, 2), r.source_id
(177, 3.05, 'opentiva-ketamine')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import prepare, run_concentrations, run_exposures
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.parameters import Covariates

__all__ = ["TypicalProfile", "output_times", "typical_profile"]


@dataclass(frozen=True, slots=True)
class TypicalProfile:
    """The typical subject's curve (times in h, ng/mL per output) and parent exposures over [0, hours]."""

    route: str
    model_id: str
    source_id: str
    outputs: tuple[str, ...]
    cmax_ng_per_ml: float
    tmax_h: float
    auc_ng_h_per_ml: float
    half_life_h: float
    metabolite_cmax_ng_per_ml: float | None
    metabolite_auc_ng_h_per_ml: float | None
    times_h: tuple[float, ...]
    concentrations_ng_per_ml: dict[str, tuple[float, ...]]
    assumptions: tuple[str, ...]


def output_times(hours: float, step_h: float = 1.0 / 60.0, max_points: int = 4001) -> np.ndarray:
    """Output grid over [0, hours]: one point a minute, or ``max_points`` evenly spaced if fewer.

    >>> output_times(2.0).size
    121
    """
    if not (0.0 < hours <= 24.0 * 365):
        raise InputError("hours", hours, "more than 0 and at most 8760 h")
    n = min(int(round(hours / step_h)) + 1, max_points)
    return np.linspace(0.0, hours, n)


def typical_profile(route: str, doses: tuple[Dose, ...], covariates: Covariates, hours: float) -> TypicalProfile:
    """Simulate the typical subject (no IIV) of the route's model over ``hours`` from time 0."""
    model = model_for(route)
    params = model.individual(1)
    job = prepare(model, Regimen(route, doses), params, covariates)
    times = output_times(hours)
    conc = run_concentrations(job, times)[0]
    exp = run_exposures(job, times, np.zeros(0))
    has_met = len(model.outputs) > 1
    return TypicalProfile(
        route=route,
        model_id=model.id,
        source_id=model.source_id,
        outputs=model.outputs,
        cmax_ng_per_ml=float(exp.cmax_ng_per_ml[0, 0]),
        tmax_h=float(exp.tmax_h[0, 0]),
        auc_ng_h_per_ml=float(exp.auc_ng_h_per_ml[0, 0]),
        half_life_h=float(model.half_life_h(params, route, covariates)[0]),
        metabolite_cmax_ng_per_ml=float(exp.cmax_ng_per_ml[1, 0]) if has_met else None,
        metabolite_auc_ng_h_per_ml=float(exp.auc_ng_h_per_ml[1, 0]) if has_met else None,
        times_h=tuple(times.tolist()),
        concentrations_ng_per_ml={name: tuple(conc[i].tolist()) for i, name in enumerate(model.outputs)},
        assumptions=model.assumptions,
    )
