"""The model registry: every route id of the CLI maps to one declared model.

>>> sorted(ROUTES)[:2]
['esketamine-iv', 'esketamine-nasal']
>>> model_for("ketamine-iv").id
'racemic-clements'
"""

from __future__ import annotations

from ketamine_trd.errors import UnknownTermError
from ketamine_trd.pharmacology.models.base import Params, PKModel
from ketamine_trd.pharmacology.models.esketamine import EsketamineNasal
from ketamine_trd.pharmacology.models.racemic import RacemicKetamine
from ketamine_trd.pharmacology.models.s_ketamine import SKetamine

__all__ = ["CLI_ROUTES", "ROUTES", "Params", "PKModel", "all_models", "model_for"]

ROUTES: dict[str, type[PKModel]] = {
    **dict.fromkeys(RacemicKetamine.routes, RacemicKetamine),
    **dict.fromkeys(EsketamineNasal.routes, EsketamineNasal),
    **dict.fromkeys(SKetamine.routes, SKetamine),
}

CLI_ROUTES = (
    "ketamine-iv",
    "ketamine-im",
    "ketamine-oral",
    "ketamine-sublingual",
    "ketamine-intranasal",
    "esketamine-nasal",
)


def model_for(route: str) -> PKModel:
    """A fresh model instance for ``route`` (default profiles)."""
    try:
        return ROUTES[route]()
    except KeyError:
        raise UnknownTermError("route", route, ", ".join(sorted(ROUTES))) from None


def all_models() -> tuple[PKModel, ...]:
    """One instance of every model."""
    return (RacemicKetamine(), EsketamineNasal(), SKetamine())
