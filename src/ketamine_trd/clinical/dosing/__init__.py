"""Dosing: racemic ketamine IV (mg/kg with an explicit weight basis), other racemic routes, esketamine nasal spray.

>>> ketamine_iv_dose(weight_kg=80, mg_per_kg=0.5).dose_mg
40.0
"""

from __future__ import annotations

from ketamine_trd.clinical.dosing.esketamine import (
    DEFAULT_ESKETAMINE_PROFILE,
    DEVICE_MG,
    ESKETAMINE_PROFILES,
    MINUTES_BETWEEN_DEVICES,
    EsketamineDose,
    EsketamineProfile,
    esketamine_dose,
)
from ketamine_trd.clinical.dosing.iv import DEFAULT_IV_PROFILE, IV_PROFILES, IvDose, IvDoseProfile, ketamine_iv_dose
from ketamine_trd.clinical.dosing.routes import ROUTE_PROFILES, RouteDose, RouteProfile, racemic_route_dose
from ketamine_trd.clinical.dosing.weights import DosingWeight, dosing_weight, ideal_weight_kg

__all__ = [
    "DEFAULT_ESKETAMINE_PROFILE",
    "DEFAULT_IV_PROFILE",
    "DEVICE_MG",
    "ESKETAMINE_PROFILES",
    "IV_PROFILES",
    "MINUTES_BETWEEN_DEVICES",
    "ROUTE_PROFILES",
    "DosingWeight",
    "EsketamineDose",
    "EsketamineProfile",
    "IvDose",
    "IvDoseProfile",
    "RouteDose",
    "RouteProfile",
    "dosing_weight",
    "esketamine_dose",
    "ideal_weight_kg",
    "ketamine_iv_dose",
    "racemic_route_dose",
]
