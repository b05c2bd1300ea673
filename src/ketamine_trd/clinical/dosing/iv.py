"""Racemic ketamine IV: mg/kg x an explicit dosing weight over stated minutes, with pump rate and draw volume.

What the sources settle is in the shipped profile ``fava-2018-range``: the dose-ranging trial's 0.1-1.0 mg/kg, each
dose given as a single infusion over 40 minutes (S23, H; 0.5 mg/kg over 40 minutes is the best-studied dose,
S23-S26). What they do not settle is site configuration (``IvDoseProfile``, source ``site-configuration``) and is
**unset** in the shipped profile: an absolute cap in mg (no source gives one) and infusion times other than 40
minutes. The adjusted-body-weight factor ships as the conventional 0.4 (ideal + 0.4 x (actual - ideal); Traynor 1995,
``traynor-1995``, an aminoglycoside convention: the weight basis in obesity is NF for ketamine, so the basis stays the
prescriber's choice and ``actual`` the default) as the named default ``DEFAULT_ADJUSTED_FACTOR``, which a site
profile may change or unset. A dose above a configured cap is refused, never silently capped.

>>> d = ketamine_iv_dose(weight_kg=70, mg_per_kg=0.5, bag_ml=100, stock_mg_per_ml=10)
>>> d.dose_mg, d.minutes, d.rate_ml_per_h, d.draw_ml, d.max_dose_mg
(35.0, 40.0, 150.0, 3.5, None)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ketamine_trd.clinical._named import named
from ketamine_trd.clinical.dosing.weights import dosing_weight
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = ["DEFAULT_IV_PROFILE", "IV_PROFILES", "IvDose", "IvDoseProfile", "get_iv_profile", "ketamine_iv_dose"]

# The dose range studied in the dose-ranging trial (S23, H): a site profile may narrow it, never widen it.
STUDIED_MG_PER_KG = (0.1, 1.0)
STUDIED_MINUTES = 40.0  # every S23 dose was one infusion over 40 minutes (H)
RANGE_SOURCE = cite("S23")
SITE_SOURCE = cite("site-configuration")
#: the conventional adjusted-body-weight factor: IBW + 0.4 x (actual - IBW) (traynor-1995); a site may change it
DEFAULT_ADJUSTED_FACTOR = 0.4
ADJUSTED_FACTOR_SOURCE = cite("traynor-1995")


@dataclass(frozen=True, slots=True)
class IvDoseProfile:
    """IV dosing profile: mg/kg range, absolute cap (mg), infusion minutes, adjusted-weight factor.

    ``max_dose_mg`` (``None``: no absolute cap configured) and ``adjusted_factor`` (``None``: the adjusted basis is
    refused) are site configuration (``cap_source``); infusion minutes other than 40 are too (``minutes_source``).
    The mg/kg range must lie within the studied 0.1-1.0 mg/kg (S23).

    >>> site = IvDoseProfile("site-a", "1", 0.5, 0.5, 60.0, 40, 40, 40, None, "S23", "site-configuration")
    >>> site.max_dose_mg, site.cap_text
    (60.0, '60 mg (site-configuration)')
    """

    name: str
    version: str
    min_mg_per_kg: float
    max_mg_per_kg: float
    max_dose_mg: float | None
    min_minutes: float
    max_minutes: float
    default_minutes: float
    adjusted_factor: float | None
    source: str
    cap_source: str
    minutes_source: str = RANGE_SOURCE
    adjusted_factor_source: str = SITE_SOURCE

    def __post_init__(self) -> None:
        low, high = STUDIED_MG_PER_KG
        if not low <= self.min_mg_per_kg <= self.max_mg_per_kg <= high:
            raise InputError("max_mg_per_kg", self.max_mg_per_kg, f"{low:g} <= min <= max <= {high:g} mg/kg (S23)")
        if self.max_dose_mg is not None and not self.max_dose_mg > 0:
            raise InputError("max_dose_mg", self.max_dose_mg, "more than 0 mg, or None for no absolute cap")
        if not 0 < self.min_minutes <= self.default_minutes <= self.max_minutes:
            raise InputError("default_minutes", self.default_minutes, "between min_minutes and max_minutes")
        if (self.min_minutes, self.max_minutes) != (
            STUDIED_MINUTES,
            STUDIED_MINUTES,
        ) and self.minutes_source == RANGE_SOURCE:
            raise InputError("minutes_source", self.minutes_source, "site-configuration (S23 studied 40 minutes only)")
        if self.adjusted_factor is not None and not 0 <= self.adjusted_factor <= 1:
            raise InputError("adjusted_factor", self.adjusted_factor, "0 to 1, or None (adjusted basis not configured)")

    @property
    def cap_text(self) -> str:
        """The absolute cap in words: ``'none configured'`` or ``'<mg> mg (<source>)'``."""
        if self.max_dose_mg is None:
            return "none configured"
        return f"{self.max_dose_mg:g} mg ({self.cap_source})"

    def describe(self) -> str:
        """One line a clinician reads: range, cap, minutes, adjusted-weight factor, with their sources."""
        factor = "not configured" if self.adjusted_factor is None else (
            f"{self.adjusted_factor:g} ({self.adjusted_factor_source})")  # fmt: skip
        return (
            f"{self.min_mg_per_kg:g}-{self.max_mg_per_kg:g} mg/kg ({self.source}); absolute cap {self.cap_text}; "
            f"{self.min_minutes:g}-{self.max_minutes:g} min, default {self.default_minutes:g} ({self.minutes_source}); "
            f"adjusted-weight factor {factor}"
        )


IV_PROFILES: MappingProxyType[str, IvDoseProfile] = MappingProxyType(
    {
        "fava-2018-range": IvDoseProfile(
            "fava-2018-range",
            "3",
            *STUDIED_MG_PER_KG,
            max_dose_mg=None,
            min_minutes=STUDIED_MINUTES,
            max_minutes=STUDIED_MINUTES,
            default_minutes=STUDIED_MINUTES,
            adjusted_factor=DEFAULT_ADJUSTED_FACTOR,
            source=RANGE_SOURCE,
            cap_source=SITE_SOURCE,
            adjusted_factor_source=ADJUSTED_FACTOR_SOURCE,
        ),
    }
)
DEFAULT_IV_PROFILE = "fava-2018-range"


def get_iv_profile(name: str | IvDoseProfile | None) -> IvDoseProfile:
    """The named IV dosing profile (``None``: ``fava-2018-range``), or a site's own ``IvDoseProfile`` as given.

    >>> get_iv_profile(None).max_dose_mg is None
    True
    """
    if isinstance(name, IvDoseProfile):
        return name
    return named(IV_PROFILES, name, default=DEFAULT_IV_PROFILE, field="profile")


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
    max_dose_mg: float | None = None
    cap_source: str = SITE_SOURCE

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
        out |= {"profile": self.profile, "profile_version": self.profile_version, "max_dose_mg": self.max_dose_mg,
                "cap_source": self.cap_source, "notes": list(self.notes), "source": self.source,
                "weight_source": self.weight_source}  # fmt: skip
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
    profile: str | IvDoseProfile | None = None,
) -> IvDose:
    """The IV dose in mg (to 0.1 mg), the pump rate in mL/h for a bag of ``bag_ml`` and the volume of a stock
    solution of ``stock_mg_per_ml`` to draw; refuses anything outside the profile (a name or a site's own profile).

    >>> site = IvDoseProfile("site-a", "1", 0.1, 1.0, 60.0, 40, 40, 40, None, "S23", "site-configuration")
    >>> ketamine_iv_dose(weight_kg=100, mg_per_kg=0.5, profile=site).dose_mg
    50.0
    >>> try:
    ...     ketamine_iv_dose(weight_kg=100, mg_per_kg=0.8, profile=site)
    ... except InputError as refused:
    ...     print(refused.field, refused.value)
    dose_mg 80.0
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
    if prof.max_dose_mg is not None and dose_mg > prof.max_dose_mg:
        raise InputError("dose_mg", dose_mg, f"at most {prof.max_dose_mg:g} mg (absolute cap of site profile "
                         f"{prof.name}, {prof.cap_source}); check the weight basis or the site's cap")  # fmt: skip
    notes = list(weight.notes)
    if prof.max_dose_mg is None:
        notes.append(f"no absolute cap in mg is configured (profile {prof.name}); the {prof.min_mg_per_kg:g}-"
                     f"{prof.max_mg_per_kg:g} mg/kg range is enforced (S23); a site profile may set a cap")  # fmt: skip
    if weight.basis != "actual":
        notes.append("no source settles the weight basis for ketamine dosing in obesity (NF); the basis is the "
                     "prescriber's choice")  # fmt: skip
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
                  cite("S23"), weight.source, prof.max_dose_mg, prof.cap_source)  # fmt: skip
