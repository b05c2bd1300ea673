"""The PK/PD engine: NumPy only at import; JAX and Dask are loaded lazily where asked for.

Entry points: :func:`typical_profile` (one typical patient), :class:`PopulationRequest` with
:func:`run_population` and :func:`compare` (virtual populations), :func:`model_for` (the model of
a route), and the lower-level :func:`~ketamine_trd.pharmacology.engine.prepare` /
:func:`~ketamine_trd.pharmacology.engine.run_exposures`. See ``docs/pkpd.md``.
"""

from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.models import ROUTES, model_for
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.population import PopulationRequest, PopulationResult, compare, run_population
from ketamine_trd.pharmacology.profile import TypicalProfile, typical_profile

__all__ = [
    "ROUTES",
    "Covariates",
    "Dose",
    "PopulationRequest",
    "PopulationResult",
    "Regimen",
    "TypicalProfile",
    "compare",
    "model_for",
    "run_population",
    "typical_profile",
]
