"""Blood-pressure screening thresholds as named, versioned profiles (never bare constants).

No primary text settles a pre-treatment blood-pressure *caution* limit for racemic IV ketamine (S31, S32; the
values usually quoted were not verified). What is settled is the hypertensive-crisis range, SBP > 180 and/or
DBP > 120 mmHg (2017 ACC/AHA guideline, ``acc-aha-2017-htn``), and the Ketalar label contraindicates ketamine where a
significant rise in blood pressure would be a serious hazard (S30): racemic products therefore default to
``racemic-hypertensive-crisis``, a contraindication at crisis-level pressure (the screening says "not eligible"
until blood pressure is treated and re-checked). A site may tighten
it (``spravato-label-2019``, 140/90, says the threshold is borrowed; or its own profile); ``site-unset`` remains for
a site that deliberately sets none. Esketamine defaults to
``spravato-label-2019``, the SPRAVATO label's "weigh the risk above 140/90 mmHg" (S1 p7, H), as a *caution*. A
site may choose another profile or define its own; a racemic finding under the label profile says the threshold
is borrowed.

>>> p = get_bp_profile(None)
>>> p.name, p.elevated(systolic_mmhg=150, diastolic_mmhg=80, age_years=40)
('spravato-label-2019', True)
>>> default_bp_profile_name(is_esketamine=False)
'racemic-hypertensive-crisis'
>>> get_bp_profile("esketamine-trial-hold").elevated(systolic_mmhg=145, diastolic_mmhg=80, age_years=70)
False
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from ketamine_trd.clinical._named import named
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = [
    "BP_PROFILES",
    "DEFAULT_BP_PROFILE",
    "DEFAULT_RACEMIC_BP_PROFILE",
    "BpProfile",
    "default_bp_profile_name",
    "get_bp_profile",
]


@dataclass(frozen=True, slots=True)
class BpProfile:
    """Pre-dose blood pressure above which screening raises a caution (mmHg; ``None``: no limit set).

    ``systolic_above_age65_mmhg`` replaces the systolic limit from age 65 when set.
    """

    name: str
    version: str
    effective_date: str
    systolic_above_mmhg: float | None
    diastolic_above_mmhg: float | None
    source: str
    description: str
    systolic_above_age65_mmhg: float | None = None

    def __post_init__(self) -> None:
        for field in ("systolic_above_mmhg", "diastolic_above_mmhg", "systolic_above_age65_mmhg"):
            value = getattr(self, field)
            if value is not None and not 60 <= value <= 250:
                raise InputError(field, value, "60 to 250 mmHg, or None for no limit")

    @property
    def configured(self) -> bool:
        """False when the profile sets no limit at all (the site has not chosen one)."""
        return self.systolic_above_mmhg is not None or self.diastolic_above_mmhg is not None

    def systolic_limit(self, age_years: float) -> float | None:
        if age_years >= 65 and self.systolic_above_age65_mmhg is not None:
            return self.systolic_above_age65_mmhg
        return self.systolic_above_mmhg

    def elevated(self, *, systolic_mmhg: float, diastolic_mmhg: float, age_years: float) -> bool:
        """True when the reading is above either limit of this profile."""
        sbp = self.systolic_limit(age_years)
        above_s = sbp is not None and systolic_mmhg > sbp
        above_d = self.diastolic_above_mmhg is not None and diastolic_mmhg > self.diastolic_above_mmhg
        return above_s or above_d

    def describe(self, age_years: float) -> str:
        sbp = self.systolic_limit(age_years)
        s = "none" if sbp is None else f"{sbp:g}"
        d = "none" if self.diastolic_above_mmhg is None else f"{self.diastolic_above_mmhg:g}"
        return f"SBP > {s} or DBP > {d} mmHg"


BP_PROFILES: MappingProxyType[str, BpProfile] = MappingProxyType(
    {
        p.name: p
        for p in (
            BpProfile(
                "spravato-label-2019", "1", "2026-11-26", 140, 90, cite("S1"),
                "SPRAVATO label: if SBP > 140 or DBP > 90 mmHg before dosing, weigh the risk of a short-term "
                "BP increase against the benefit (S1 p7). Default for esketamine; for racemic ketamine (no "
                "threshold verified) only when a site chooses it, and the finding then says it is borrowed.",
            ),
            BpProfile(
                "esketamine-trial-hold", "1", "2026-11-26", 140, 90, cite("S10"),
                "Esketamine phase 3 trials withheld a dose if pre-dose SBP > 140 (> 150 from age 65) or "
                "DBP > 90 mmHg (S10, confidence M; a trial rule, not a label rule).",
                systolic_above_age65_mmhg=150,
            ),
            BpProfile(
                "racemic-hypertensive-crisis", "1", "2026-12-02", 180, 120, cite("acc-aha-2017-htn"),
                "Hypertensive crisis, SBP > 180 and/or DBP > 120 mmHg (2017 ACC/AHA guideline): the Ketalar label "
                "contraindicates ketamine where a significant rise in blood pressure would be a serious hazard "
                "(S30). Default for racemic ketamine; a site may tighten it.",
            ),
            BpProfile(
                "site-unset", "1", "2026-11-26", None, None, cite("site-configuration"),
                "No blood-pressure limit: the site has not chosen one; screening says so on every run. Default "
                "for racemic ketamine (no verified threshold, S31, S32).",
            ),
        )
    }
)  # fmt: skip
DEFAULT_BP_PROFILE = "spravato-label-2019"  # the esketamine default
DEFAULT_RACEMIC_BP_PROFILE = "racemic-hypertensive-crisis"  # racemic: the crisis range (acc-aha-2017-htn), S30


def default_bp_profile_name(*, is_esketamine: bool) -> str:
    """The profile used when none is named: the label's for esketamine, the hypertensive-crisis range for racemic."""
    return DEFAULT_BP_PROFILE if is_esketamine else DEFAULT_RACEMIC_BP_PROFILE


def get_bp_profile(name: str | None) -> BpProfile:
    """The named profile (``None``: ``spravato-label-2019``)."""
    return named(BP_PROFILES, name, default=DEFAULT_BP_PROFILE, field="bp_profile")
