"""Shared helpers for the PK/PD tests: a regimen per route and a job builder."""

from __future__ import annotations

import numpy as np
import pytest

from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import Job, prepare
from ketamine_trd.pharmacology.models import ROUTES, model_for
from ketamine_trd.pharmacology.parameters import Covariates

REGIMENS = {
    "ketamine-iv": (Dose(0.0, 35.0, 40.0), Dose(48.0, 35.0, 40.0), Dose(96.0, 70.0, 100.0)),
    "ketamine-im": (Dose(0.0, 35.0), Dose(48.0, 50.0)),
    "ketamine-oral": (Dose(0.0, 100.0), Dose(12.0, 100.0), Dose(24.0, 150.0)),
    "ketamine-sublingual": (Dose(0.0, 25.0), Dose(8.0, 25.0)),
    "ketamine-intranasal": (Dose(0.0, 30.0), Dose(24.0, 50.0)),
    "esketamine-nasal": (Dose(0.0, 56.0), Dose(72.0, 84.0), Dose(168.0, 28.0)),
    "esketamine-oral": (Dose(0.0, 84.0), Dose(24.0, 84.0)),
    "esketamine-iv": (Dose(0.0, 28.0, 40.0), Dose(24.0, 28.0, 1.0)),
    "s-ketamine-iv": (Dose(0.0, 20.0, 20.0), Dose(6.0, 20.0, 20.0)),
    "s-ketamine-film": (Dose(0.0, 50.0), Dose(24.0, 100.0)),
}
assert set(REGIMENS) == set(ROUTES)


def make_job(route: str, n: int = 1, seed: int | None = None, covariates: Covariates | None = None) -> Job:
    """A job for ``n`` subjects of ``route`` (typical values when ``seed`` is None)."""
    model = model_for(route)
    rng = np.random.default_rng(seed) if seed is not None else None
    params = model.individual(n, rng)
    return prepare(model, Regimen(route, REGIMENS[route]), params, covariates or Covariates())


def edge_times(route: str, horizon_h: float = 200.0) -> np.ndarray:
    """A grid plus the instants just before and after every dose and infusion end."""
    pts = [np.linspace(0.0, horizon_h, 301)]
    for d in REGIMENS[route]:
        for edge in (d.time_h, d.time_h + d.minutes / 60.0):
            pts.append(edge + np.array([-1e-6, 1e-6, 1e-3, 0.01]))
    grid = np.unique(np.concatenate(pts))
    return grid[(grid >= 0.0) & (grid <= horizon_h)]


@pytest.fixture(params=sorted(ROUTES))
def route(request: pytest.FixtureRequest) -> str:
    return str(request.param)
