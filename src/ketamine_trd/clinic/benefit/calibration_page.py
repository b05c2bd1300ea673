"""The calibration table of the benefit model as a clinic page (no patient data): computed once and cached."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from ketamine_trd.clinic.benefit.panel import LABEL

__all__ = ["CalibrationPage", "calibration_page"]

CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class CalibrationPage:
    label: str
    rows: tuple[Any, ...]
    fit: Any
    parameters: tuple[tuple[str, float, float, float, float, float], ...]  # name, log estimate, SE, value, low, high
    not_found: tuple[tuple[str, str], ...]


def calibration_page() -> CalibrationPage:
    """``benefit.calibration.calibration_table()`` with the fit's parameters (cached under the fit's parameters)."""
    import math

    from ketamine_trd.pharmacology.benefit.calibration import FIT, NOT_FOUND, calibration_table
    from ketamine_trd.pharmacology.benefit.model import VECTOR_NAMES

    key = "ktrd-benefit-calibration:" + hashlib.sha256(repr(FIT.params).encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = calibration_table()
        cache.set(key, rows, CACHE_SECONDS)
    se = FIT.standard_errors()
    params = tuple(
        (name, float(v), float(s), math.exp(v), math.exp(v - 1.96 * s), math.exp(v + 1.96 * s))
        for name, v, s in zip(VECTOR_NAMES, FIT.params.vector(), se, strict=True)
    )
    return CalibrationPage(LABEL, tuple(rows), FIT, params, NOT_FOUND)
