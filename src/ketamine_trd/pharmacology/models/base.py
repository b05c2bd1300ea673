"""The model contract: declared parameters plus a structure, sampled with an explicit seed.

A model names its parameters (:class:`~ketamine_trd.pharmacology.parameters.Parameter`), the
routes it serves, its outputs (parent first, then metabolites) and what it assumed. It builds,
for N subjects, the :class:`~ketamine_trd.pharmacology.system.LinearSystem` of a route and the
:class:`~ketamine_trd.pharmacology.dosing.Dosing` of a regimen; it may also give the modal form
in closed form (faster than a numeric eigen-decomposition).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.dosing import Dosing, Regimen
from ketamine_trd.pharmacology.parameters import Covariates, Parameter
from ketamine_trd.pharmacology.system import LinearSystem, Modal

__all__ = ["Params", "PKModel"]

FloatArray = npt.NDArray[np.float64]
Params = Mapping[str, FloatArray]


class PKModel(ABC):
    """A linear population PK model (see the module docstring)."""

    id: str = ""
    title: str = ""
    source_id: str = ""
    routes: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    assumptions: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter:
        """The declared parameter called ``name``."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise InputError("parameter", name, ", ".join(p.name for p in self.parameters))

    def check_route(self, route: str) -> None:
        """Refuse a route this model does not serve."""
        if route not in self.routes:
            raise InputError("route", route, ", ".join(self.routes))

    def individual(self, n: int, rng: np.random.Generator | None = None) -> dict[str, FloatArray]:
        """Parameter values for ``n`` subjects: typical values (``rng`` None) or sampled from the IIV.

        Draws one standard normal per subject per parameter with IIV, in declared order, so a
        seed gives the same population whatever backend or machine runs it.
        """
        if n < 1:
            raise InputError("n", n, "at least 1 subject")
        with_iiv = [p for p in self.parameters if p.iiv is not None]
        eta = rng.standard_normal((n, len(with_iiv))) if rng is not None and with_iiv else None
        values: dict[str, FloatArray] = {p.name: np.full(n, p.value) for p in self.parameters}
        if eta is None:
            return values
        for j, p in enumerate(with_iiv):
            assert p.iiv is not None
            e = eta[:, j] * p.iiv.omega
            if p.iiv.kind == "lognormal":
                values[p.name] = p.value * np.exp(e)
            else:
                logit = math.log(p.value / (1.0 - p.value))
                values[p.name] = 1.0 / (1.0 + np.exp(-(logit + e)))
        return values

    @abstractmethod
    def system(self, params: Params, route: str, covariates: Covariates) -> LinearSystem:
        """The linear system of ``route`` for the subjects of ``params``."""

    @abstractmethod
    def dosing(self, regimen: Regimen, params: Params, system: LinearSystem, covariates: Covariates) -> Dosing:
        """Channels and events of ``regimen`` for the subjects of ``params``."""

    def modal(self, params: Params, route: str, covariates: Covariates, dosing: Dosing) -> Modal | None:
        """The modal form in closed form, or None to use the numeric eigen-decomposition."""
        return None

    parent_disposition: tuple[str, ...] = ()

    def half_life_h(self, params: Params, route: str, covariates: Covariates) -> FloatArray:
        """Terminal half-life (h) of the parent drug: ln 2 over the slowest rate of its disposition block."""
        system = self.system(params, route, covariates)
        idx = [system.compartments.index(c) for c in self.parent_disposition]
        block = system.rates_per_h[:, idx][:, :, idx]
        rates = -np.real(np.linalg.eigvals(block))
        result: FloatArray = math.log(2.0) / np.min(rates, axis=1)
        return result
