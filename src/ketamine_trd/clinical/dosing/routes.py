"""Racemic ketamine by other routes (IM, oral, sublingual, intranasal): dose, bioavailability, IV equivalent.

Bioavailability F per route, with its source and confidence (pkpd.md section 3; protocols-and-monitoring.md
1.5): IM about 93% (S28, M); oral about 20% (yanagihara-2003, H small n; 16-25%, S28/S29, M); sublingual
29% (rolan-2014, H; 25-40%, S28); intranasal racemic 11-50%, formulation-specific, so no single value
(pharmacotherapy-2022, H; S28, M). The IV-equivalent exposure is ``dose_mg x F``. A supported dose range is
shipped only where a source reports one: oral 25-300 mg per dose (S29, M). For IM, sublingual and intranasal
the sources give only the single dose matching 0.5 mg/kg IV at 70 kg (about 38, 100 and 75 mg, S28), so no range
is shipped (``None``: site configuration) and the result says so; an IV equivalent above the highest studied IV
dose (1.0 mg/kg, S23) is flagged in the notes.

>>> d = racemic_route_dose("ketamine-oral", dose_mg=150, weight_kg=70)
>>> d.bioavailability, d.iv_equivalent_mg, d.iv_equivalent_range_mg
(0.2, 30.0, (24.0, 37.5))
>>> racemic_route_dose("ketamine-intranasal", dose_mg=50).iv_equivalent_mg is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ketamine_trd.clinical.dosing.iv import STUDIED_MG_PER_KG
from ketamine_trd.clinical.dosing.weights import check_weight
from ketamine_trd.clinical.products import RACEMIC_NON_IV, Product
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = ["ROUTE_PROFILES", "RouteDose", "RouteProfile", "racemic_route_dose"]

STUDIED_MAX_IV_MG_PER_KG = STUDIED_MG_PER_KG[1]  # the highest IV dose of the dose-ranging trial (S23)


@dataclass(frozen=True, slots=True)
class RouteProfile:
    """Bioavailability (fraction; ``None`` when no single value is defensible) and the supported dose range (mg;
    ``None``: no source reports one, site configuration)."""

    product: Product
    bioavailability: float | None
    bioavailability_low: float
    bioavailability_high: float
    bioavailability_source: str
    min_dose_mg: float | None
    max_dose_mg: float | None
    dose_range_source: str
    note: str


ROUTE_PROFILES: MappingProxyType[Product, RouteProfile] = MappingProxyType(
    {
        Product.KETAMINE_IM: RouteProfile(
            Product.KETAMINE_IM, 0.93, 0.93, 0.93, cite("S28"), None, None, cite("site-configuration"),
            "IM trials used about 0.25-0.5 mg/kg; about 38 mg IM matches 0.5 mg/kg IV at 70 kg (S28, M).",
        ),
        Product.KETAMINE_ORAL: RouteProfile(
            Product.KETAMINE_ORAL, 0.20, 0.16, 0.25, cite("yanagihara-2003"), 25.0, 300.0, cite("S29"),
            "Extensive first pass, more norketamine; 2.0-2.5 mg/kg oral matches 0.5 mg/kg IV; reported doses "
            "25-300 mg (S29, M).",
        ),
        Product.KETAMINE_SUBLINGUAL: RouteProfile(
            Product.KETAMINE_SUBLINGUAL, 0.29, 0.25, 0.40, cite("rolan-2014"), None, None, cite("site-configuration"),
            "About 100 mg sublingual matches 0.5 mg/kg IV (S28, M); very-low-dose regimens used 10 mg.",
        ),
        Product.KETAMINE_INTRANASAL: RouteProfile(
            Product.KETAMINE_INTRANASAL, None, 0.11, 0.50, cite("pharmacotherapy-2022"), None, None,
            cite("site-configuration"),
            "Racemic intranasal bioavailability depends on the spray and formulation (11-17% to about 45-50%): "
            "no single value is used; about 75 mg matches 0.5 mg/kg IV at 70 kg (S28, M).",
        ),
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RouteDose:
    """A dose by a non-IV route with its bioavailability and IV-equivalent exposure (mg; mg/kg when weight known)."""

    product: Product
    dose_mg: float
    mg_per_kg: float | None
    weight_kg: float | None
    bioavailability: float | None
    bioavailability_range: tuple[float, float]
    iv_equivalent_mg: float | None
    iv_equivalent_range_mg: tuple[float, float]
    iv_equivalent_mg_per_kg: float | None
    notes: tuple[str, ...]
    source: str
    dose_range_source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product.value,
            "dose_mg": self.dose_mg,
            "mg_per_kg": self.mg_per_kg,
            "weight_kg": self.weight_kg,
            "bioavailability": self.bioavailability,
            "bioavailability_range": list(self.bioavailability_range),
            "iv_equivalent_mg": self.iv_equivalent_mg,
            "iv_equivalent_range_mg": list(self.iv_equivalent_range_mg),
            "iv_equivalent_mg_per_kg": self.iv_equivalent_mg_per_kg,
            "notes": list(self.notes),
            "source": self.source,
            "dose_range_source": self.dose_range_source,
        }


def racemic_route_dose(
    product: Product | str,
    *,
    dose_mg: float | None = None,
    mg_per_kg: float | None = None,
    weight_kg: float | None = None,
) -> RouteDose:
    """The dose by ``product`` (IM, oral, sublingual, intranasal) given in mg, or as mg/kg with ``weight_kg``."""
    prod = product if isinstance(product, Product) else Product.parse(product)
    if prod not in RACEMIC_NON_IV:
        raise InputError("product", prod.value, ", ".join(p.value for p in RACEMIC_NON_IV))
    prof = ROUTE_PROFILES[prod]
    weight = None if weight_kg is None else check_weight(weight_kg)
    if (dose_mg is None) == (mg_per_kg is None):
        raise InputError("dose_mg", dose_mg, "either dose_mg or mg_per_kg (with weight_kg), not both or neither")
    if mg_per_kg is not None:
        if weight is None:
            raise InputError("weight_kg", None, "a weight in kg (needed with mg_per_kg)", reason="is missing")
        if not 0 < mg_per_kg <= 10:
            raise InputError("mg_per_kg", mg_per_kg, "more than 0, at most 10 mg/kg (platform-defined guard)")
        dose = round(mg_per_kg * weight, 1)
    else:
        dose = float(dose_mg)  # type: ignore[arg-type]
    if not dose > 0:
        raise InputError("dose_mg", dose, "more than 0 mg")
    notes = [prof.note, "IV-equivalent exposure = dose x bioavailability; not a dose conversion to act on alone"]
    if prof.min_dose_mg is not None and prof.max_dose_mg is not None:
        if not prof.min_dose_mg <= dose <= prof.max_dose_mg:
            raise InputError("dose_mg", dose, f"{prof.min_dose_mg:g} to {prof.max_dose_mg:g} mg for {prod.value} "
                             f"(reported range, {prof.dose_range_source})")  # fmt: skip
    else:
        notes.append(f"no supported dose range for {prod.value} is given by the sources (NF); none is configured")
    f = prof.bioavailability
    equivalent = None if f is None else round(dose * f, 1)
    low, high = round(dose * prof.bioavailability_low, 1), round(dose * prof.bioavailability_high, 1)
    per_kg = None if weight is None or equivalent is None else round(equivalent / weight, 3)
    if weight is not None and high / weight > STUDIED_MAX_IV_MG_PER_KG:
        notes.append(f"the upper IV-equivalent exposure ({high / weight:.2f} mg/kg) is above the highest studied IV "
                     f"dose, {STUDIED_MAX_IV_MG_PER_KG:g} mg/kg (S23)")  # fmt: skip
    f_range = (prof.bioavailability_low, prof.bioavailability_high)
    return RouteDose(prod, dose, None if weight is None else round(dose / weight, 3), weight, f, f_range, equivalent,
                     (low, high), per_kg, tuple(notes), prof.bioavailability_source,
                     prof.dose_range_source)  # fmt: skip
