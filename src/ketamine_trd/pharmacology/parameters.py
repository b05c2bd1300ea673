"""Declared model parameters: value, unit, source, variability and confidence.

A population PK model is a tuple of :class:`Parameter` rows plus a structure. Each row names
its unit and its source id (``clinical.sources``), its inter-individual variability when
published (log-normal as omega squared, or additive on the logit scale), and a confidence tag
from the reference set (``H``, ``M``, ``L``, ``assumed``). ``assumed`` rows say what was assumed.

>>> p = Parameter("cl_l_per_h", 95.0, "L/h", source_id="fanta-2015", iiv=Variability("lognormal", 0.0168))
>>> round(p.iiv.omega, 3) if p.iiv else None
0.13
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ketamine_trd.errors import InputError

__all__ = ["CONFIDENCE", "Covariates", "Parameter", "Variability", "omega2_from_cv"]

CONFIDENCE = ("H", "M", "L", "assumed", "derived")


def omega2_from_cv(cv: float) -> float:
    """Log-normal variance omega squared for a CV given as a fraction (0.275 for 27.5%).

    >>> round(omega2_from_cv(0.275), 4)
    0.0729
    """
    return math.log(1.0 + cv * cv)


@dataclass(frozen=True, slots=True)
class Variability:
    """Inter-individual variability: ``lognormal`` (variance omega2 on the log scale) or ``logit`` (additive)."""

    kind: str
    omega2: float

    def __post_init__(self) -> None:
        if self.kind not in ("lognormal", "logit"):
            raise InputError("variability.kind", self.kind, "lognormal or logit")
        if not (self.omega2 >= 0.0 and math.isfinite(self.omega2)):
            raise InputError("variability.omega2", self.omega2, "a finite variance >= 0")

    @property
    def omega(self) -> float:
        """Standard deviation on the transformed scale."""
        return math.sqrt(self.omega2)


@dataclass(frozen=True, slots=True)
class Parameter:
    """One typical value with its unit (in the name and in ``unit``), source and variability."""

    name: str
    value: float
    unit: str
    source_id: str
    iiv: Variability | None = None
    confidence: str = "H"
    note: str = ""

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise InputError(f"parameter.{self.name}", self.value, "a finite number")
        if self.confidence not in CONFIDENCE:
            raise InputError(f"parameter.{self.name}.confidence", self.confidence, ", ".join(CONFIDENCE))


@dataclass(frozen=True, slots=True)
class Covariates:
    """Subject covariates used by the models (weight in kg, age in years, race flags).

    >>> Covariates(weight_kg=70.0, age_years=45.0).weight_kg
    70.0
    """

    weight_kg: float = 70.0
    age_years: float = 45.0
    asian: bool = False
    japanese: bool = False

    def __post_init__(self) -> None:
        if not (20.0 <= self.weight_kg <= 300.0):
            raise InputError("weight_kg", self.weight_kg, "20 to 300 kg")
        if not (18.0 <= self.age_years <= 110.0):
            raise InputError("age_years", self.age_years, "18 to 110 years (the models are for adults)")
        if self.japanese and not self.asian:
            raise InputError("asian", self.asian, "True when japanese is True (Perez-Ruixo 2021 coding)")
