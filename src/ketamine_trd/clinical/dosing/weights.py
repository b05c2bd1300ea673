"""Dosing weight with an explicit basis: actual, ideal (Devine) or adjusted.

Devine (devine-1974, M): 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch over 5 feet (152.4 cm); refused
below 152.4 cm, where the formula is not defined. Adjusted: IBW + factor x (actual - IBW), factor from the
dosing profile (the shipped IV profile uses the conventional 0.4, traynor-1995: an aminoglycoside convention, not
established for ketamine, M; a site may change it; ``None`` refuses the adjusted basis); never above the actual
weight.

>>> round(ideal_weight_kg(height_cm=170, sex="male"), 1)
65.9
>>> w = dosing_weight(weight_kg=110, basis="adjusted", height_cm=170, sex="male", adjusted_factor=0.4)
>>> w.basis, round(w.dosing_weight_kg, 1)
('adjusted', 83.6)
"""

from __future__ import annotations

from dataclasses import dataclass

from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = ["BASES", "HEIGHT_RANGE_CM", "WEIGHT_RANGE_KG", "DosingWeight", "check_weight", "dosing_weight"]

BASES = ("actual", "ideal", "adjusted")
# Plausibility guard rails for adult dosing input (platform-defined; refuse typing errors such as lb for kg).
WEIGHT_RANGE_KG = (30.0, 300.0)
HEIGHT_RANGE_CM = (120.0, 230.0)
GUARD_SOURCE = cite("platform-defined")
DEVINE_SOURCE = cite("devine-1974")
_CM_PER_INCH = 2.54


def check_weight(weight_kg: float, field: str = "weight_kg") -> float:
    """``weight_kg`` if plausible for an adult, else ``InputError``."""
    low, high = WEIGHT_RANGE_KG
    if not low <= weight_kg <= high:
        raise InputError(field, weight_kg, f"{low:g} to {high:g} kg (weights in pounds must be converted first)")
    return float(weight_kg)


def ideal_weight_kg(*, height_cm: float, sex: str) -> float:
    """Devine ideal body weight in kg from height in cm and sex (``female`` or ``male``)."""
    low, high = HEIGHT_RANGE_CM
    if not low <= height_cm <= high:
        raise InputError("height_cm", height_cm, f"{low:g} to {high:g} cm")
    if height_cm < 60 * _CM_PER_INCH:
        raise InputError("height_cm", height_cm, "152.4 cm or more for the Devine formula; use the actual basis")
    if sex not in ("female", "male"):
        raise InputError("sex", sex, "female, male (needed for ideal weight)")
    base = 50.0 if sex == "male" else 45.5
    return base + 2.3 * (height_cm / _CM_PER_INCH - 60.0)


@dataclass(frozen=True, slots=True)
class DosingWeight:
    """The weight a mg/kg dose multiplies, with its basis and the inputs behind it (kg)."""

    basis: str
    dosing_weight_kg: float
    actual_weight_kg: float
    ideal_weight_kg: float | None
    notes: tuple[str, ...]
    source: str


def dosing_weight(
    *, weight_kg: float, basis: str, height_cm: float | None, sex: str | None, adjusted_factor: float | None
) -> DosingWeight:
    """The dosing weight for ``basis`` (``actual``, ``ideal`` or ``adjusted``); ideal/adjusted need height and sex.

    ``adjusted_factor`` ``None`` (not configured) refuses the adjusted basis.
    """
    actual = check_weight(weight_kg)
    if basis not in BASES:
        raise InputError("weight_basis", basis, ", ".join(BASES))
    if basis == "adjusted" and adjusted_factor is None:
        raise InputError("weight_basis", basis, "actual or ideal (no adjusted-weight factor is configured: no source "
                         "settles one for ketamine; a site profile may set it)")  # fmt: skip
    if basis == "actual":
        return DosingWeight("actual", actual, actual, None, (), GUARD_SOURCE)
    if height_cm is None:
        raise InputError(
            "height_cm", None, f"a height in cm (needed for the {basis} weight basis)", reason="is missing"
        )
    if sex is None:
        raise InputError("sex", None, f"female or male (needed for the {basis} weight basis)", reason="is missing")
    ibw = ideal_weight_kg(height_cm=height_cm, sex=sex)
    notes: list[str] = []
    if basis == "ideal":
        if ibw > actual:
            notes.append(
                f"ideal weight {ibw:.1f} kg is above the actual weight {actual:g} kg; the actual weight is used"
            )
            return DosingWeight("ideal", actual, actual, ibw, tuple(notes), DEVINE_SOURCE)
        return DosingWeight("ideal", ibw, actual, ibw, (), DEVINE_SOURCE)
    factor = 0.0 if adjusted_factor is None else adjusted_factor
    adjusted = ibw + factor * (actual - ibw)
    if adjusted > actual or actual <= ibw:
        notes.append("actual weight at or below ideal weight: the actual weight is used")
        adjusted = actual
    return DosingWeight("adjusted", adjusted, actual, ibw, tuple(notes), cite("traynor-1995"))
