"""Racemic ketamine IV: mg/kg x an explicit dosing weight over stated minutes, with pump rate and draw volume.

The supported mg/kg range is the dose-ranging trial's 0.1-1.0 mg/kg (S23, H); 0.5 mg/kg over 40 minutes is
the best-studied dose (S23-S26). The absolute cap in mg and the infusion-time range are site configuration
(``IvDoseProfile``); the default profile's cap is 100 mg (platform-defined, documented in
``docs/clinical-core.md``). A dose outside the profile is refused, never silently capped.

>>> d = ketamine_iv_dose(weight_kg=70, mg_per_kg=0.5, bag_ml=100, stock_mg_per_ml=10)
>>> d.dose_mg, d.minutes, d.rate_ml_per_h, d.draw_ml
(35.0, 40.0, 150.0, 3.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ketamine_trd.clinical.dosing.weights import dosing_weight
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError, UnknownTermError

__all__ = ["DEFAULT_IV_PROFILE", "IV_PROFILES", "IvDose", "IvDoseProfile", "ketamine_iv_dose"]


@dataclass(frozen=True, slots=True)
class IvDoseProfile:
    """Site configuration for IV dosing: mg/kg range, absolute cap (mg), infusion minutes, adjusted-weight factor."""

    name: str
    version: str
    min_mg_per_kg: float
    max_mg_per_kg: float
    max_dose_mg: float
    min_minutes: float
    max_minutes: float
    default_minutes: float
    adjusted_factor: float
    source: str
    cap_source: str

    def __post_init__(self) -> None:
        if not 0 < self.min_mg_per_kg <= self.max_mg_per_kg <= 2.0:
            raise InputError("max_mg_per_kg", self.max_mg_per_kg, "0 < min <= max <= 2.0 mg/kg")
        if not 0 < self.max_dose_mg <= 300:
            raise InputError("max_dose_mg", self.max_dose_mg, "0 to 300 mg")
        if not 0 < self.min_minutes <= self.default_minutes <= self.max_minutes:
            raise InputError("default_minutes", self.default_minutes, "between min_minutes and max_minutes")
        if not 0 <= self.adjusted_factor <= 1:
            raise InputError("adjusted_factor", self.adjusted_factor, "0 to 1")


IV_PROFILES: MappingProxyType[str, IvDoseProfile] = MappingProxyType(
    {
        "fava-2018-range": IvDoseProfile(
            "fava-2018-range",
            "1",
            0.1,
            1.0,
            100.0,
            20.0,
            120.0,
            40.0,
            0.4,
            source="S23",
            cap_source="site-configuration",
        ),
    }
)
DEFAULT_IV_PROFILE = "fava-2018-range"


def get_iv_profile(name: str | None) -> IvDoseProfile:
    """The named IV dosing profile (``None``: ``fava-2018-range``)."""
    key = DEFAULT_IV_PROFILE if name is None else name
    try:
        return IV_PROFILES[key]
    except KeyError:
        raise UnknownTermError("profile", name, ", ".join(IV_PROFILES)) from None


@dataclass(frozen=True, slots=True)
class IvDose:
    """One IV infusion: total ``dose_mg`` over ``minutes``; ``rate_ml_per_h``/``draw_ml`` when asked."""

    dose_mg: float
    mg_per_kg: float
    minutes: float
    weight_basis: str
    dosing_weight_kg: float
    actual_weight_kg: float
    ideal_weight_kg: float | None
    bag_ml: float | None
    rate_ml_per_h: float | None
    stock_mg_per_ml: float | None
    draw_ml: float | None
    profile: str
    profile_version: str
    notes: tuple[str, ...]
    source: str
    weight_source: str

    def to_dict(self) -> dict[str, Any]:
        """The CLI JSON contract; ``rate_ml_per_h`` and ``draw_ml`` only when asked."""
        out: dict[str, Any] = {
            "dose_mg": self.dose_mg,
            "mg_per_kg": self.mg_per_kg,
            "minutes": self.minutes,
            "weight_basis": self.weight_basis,
            "dosing_weight_kg": round(self.dosing_weight_kg, 1),
            "actual_weight_kg": self.actual_weight_kg,
            "ideal_weight_kg": None if self.ideal_weight_kg is None else round(self.ideal_weight_kg, 1),
        }
        if self.bag_ml is not None:
            out["bag_ml"] = self.bag_ml
            out["rate_ml_per_h"] = self.rate_ml_per_h
        if self.stock_mg_per_ml is not None:
            out["stock_mg_per_ml"] = self.stock_mg_per_ml
            out["draw_ml"] = self.draw_ml
        out |= {"profile": self.profile, "profile_version": self.profile_version, "notes": list(self.notes),
                "source": self.source, "weight_source": self.weight_source}  # fmt: skip
        return out


def ketamine_iv_dose(
    *,
    weight_kg: float,
    mg_per_kg: float,
    minutes: float | None = None,
    weight_basis: str = "actual",
    height_cm: float | None = None,
    sex: str | None = None,
    bag_ml: float | None = None,
    stock_mg_per_ml: float | None = None,
    profile: str | None = None,
) -> IvDose:
    """The IV dose in mg (to 0.1 mg), the pump rate in mL/h for a bag of ``bag_ml`` and the volume of a stock
    solution of ``stock_mg_per_ml`` to draw; refuses anything outside the profile.
    """
    prof = get_iv_profile(profile)
    if not prof.min_mg_per_kg <= mg_per_kg <= prof.max_mg_per_kg:
        raise InputError("mg_per_kg", mg_per_kg, f"{prof.min_mg_per_kg:g} to {prof.max_mg_per_kg:g} mg/kg "
                         f"(profile {prof.name})")  # fmt: skip
    mins = prof.default_minutes if minutes is None else minutes
    if not prof.min_minutes <= mins <= prof.max_minutes:
        raise InputError("minutes", mins, f"{prof.min_minutes:g} to {prof.max_minutes:g} minutes (profile {prof.name})")
    weight = dosing_weight(
        weight_kg=weight_kg, basis=weight_basis, height_cm=height_cm, sex=sex, adjusted_factor=prof.adjusted_factor
    )
    dose_mg = round(mg_per_kg * weight.dosing_weight_kg, 1)
    if dose_mg > prof.max_dose_mg:
        raise InputError("dose_mg", dose_mg, f"at most {prof.max_dose_mg:g} mg (cap of profile {prof.name}); "
                         "check the weight basis or the site's cap")  # fmt: skip
    notes = list(weight.notes)
    rate = draw = None
    if bag_ml is not None:
        if not 10 <= bag_ml <= 1000:
            raise InputError("bag_ml", bag_ml, "10 to 1000 mL")
        rate = round(bag_ml * 60.0 / mins, 1)
    if stock_mg_per_ml is not None:
        if not 0 < stock_mg_per_ml <= 100:
            raise InputError("stock_mg_per_ml", stock_mg_per_ml, "more than 0 and at most 100 mg/mL (10, 50, 100)")
        draw = round(dose_mg / stock_mg_per_ml, 2)
        if stock_mg_per_ml >= 100:
            notes.append("100 mg/mL stock must be diluted before IV use (Ketalar label, S30)")
    if mg_per_kg != 0.5:
        notes.append("0.5 mg/kg over 40 minutes is the best-studied antidepressant dose (S23, S32)")
    return IvDose(dose_mg, mg_per_kg, mins, weight.basis, weight.dosing_weight_kg, weight.actual_weight_kg,
                  weight.ideal_weight_kg, bag_ml, rate, stock_mg_per_ml, draw, prof.name, prof.version, tuple(notes),
                  cite("S23"), weight.source)  # fmt: skip
