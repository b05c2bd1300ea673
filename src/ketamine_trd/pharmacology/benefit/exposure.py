"""Per-dose exposure from the PK engine, in racemic-equivalent ng*h/mL (what the benefit model reads).

The exposure of a dose is the typical subject's parent AUC over 96 h after it
(:func:`ketamine_trd.pharmacology.typical_profile`; the engine is linear and time-invariant, so every
dose of a route and amount has the same AUC, and 96 h is more than 8 terminal half-lives of every
model). S-ketamine (esketamine) AUC is counted twice: esketamine's anaesthetic and analgesic potency
is about twice that of racemic ketamine (ge-bu-2021, [M]); that the antidepressant potency ratio is the
same is an **assumption** of this model, tested only by the SUSTAIN-1 row of the calibration table.

>>> round(exposure_per_dose("ketamine-iv", 35.0, weight_kg=70.0, minutes=40.0) / 437.5, 2)
1.0
"""

from __future__ import annotations

from functools import lru_cache

from ketamine_trd.pharmacology.dosing import Dose
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.profile import typical_profile

__all__ = ["POTENCY", "exposure_per_dose"]

WINDOW_H = 96.0
"""AUC window after a dose (h)."""

POTENCY: dict[str, float] = {
    "ketamine-iv": 1.0,
    "ketamine-im": 1.0,
    "ketamine-oral": 1.0,
    "ketamine-sublingual": 1.0,
    "ketamine-intranasal": 1.0,
    "esketamine-nasal": 2.0,
    "esketamine-iv": 2.0,
    "esketamine-oral": 2.0,
    "s-ketamine-iv": 2.0,
    "s-ketamine-film": 2.0,
}
"""Multiplier from the route's parent AUC to racemic-equivalent AUC (S-enantiomer x2: ge-bu-2021, assumed for mood)."""

POTENCY_SOURCE_ID = "ge-bu-2021"


@lru_cache(maxsize=256)
def exposure_per_dose(route: str, dose_mg: float, weight_kg: float = 70.0, minutes: float = 0.0) -> float:
    """Racemic-equivalent AUC0-96h (ng*h/mL) of one dose of ``route`` for the typical subject."""
    model_for(route)  # refuses an unknown route (UnknownTermError, exit 2)
    profile = typical_profile(route, (Dose(0.0, dose_mg, minutes),), Covariates(weight_kg=weight_kg), WINDOW_H)
    return profile.auc_ng_h_per_ml * POTENCY[route]
