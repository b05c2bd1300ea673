"""Named, versioned session-monitoring profiles: BP limits, SpO2, time points, observation.

A profile is chosen per clinic and recorded with every result it produces (rule id, profile id
and version). Each number carries its own source id: label-backed values cite the label (S1, S2),
trial-practice values cite S10 (M: a profile value, never a hard rule), and values the sources do
not settle (IV ketamine BP limits, every HR limit, time-point grace windows) cite
``site-configuration`` and list the sources consulted in ``consulted``.

>>> profile = get_profile("spravato-label", on=dt.date(2026, 3, 1))
>>> profile.predose_caution.systolic_above_mmhg.value, profile.predose_caution.systolic_above_mmhg.source
(140, 'S1')
>>> default_profile("ketamine-iv", on=dt.date(2026, 3, 1)).id
'iv-ketamine-site-default'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from ketamine_trd.clinical.products import Product
from ketamine_trd.errors import InputError, UnknownTermError

__all__ = [
    "PRODUCTS",
    "BpLimit",
    "BpRiseLimit",
    "Cited",
    "MonitoringProfile",
    "TimePoint",
    "default_profile",
    "get_profile",
    "parse_product",
    "RemsProfile",
    "profiles",
    "rems_profile",
    "rems_profiles",
]

#: Product ids: the values of ``ketamine_trd.clinical.products.Product`` (its members are accepted).
PRODUCTS: tuple[str, ...] = tuple(p.value for p in Product)
ESKETAMINE = Product.ESKETAMINE_NASAL.value
RACEMIC = PRODUCTS[1:]

T = TypeVar("T")


def parse_product(product: str, field: str = "product") -> str:
    """The product id for ``product`` (a ``Product`` member or its string).

    >>> parse_product("esketamine-nasal")
    'esketamine-nasal'
    """
    key = str(product).strip().lower()
    if key not in PRODUCTS:
        raise UnknownTermError(field, product, ", ".join(PRODUCTS))
    return key


@dataclass(frozen=True, slots=True)
class Cited(Generic[T]):
    """A configured value with the id of the source it comes from."""

    value: T
    source: str


@dataclass(frozen=True, slots=True)
class BpLimit:
    """A blood-pressure limit: exceeded when systolic or diastolic passes its value (mmHg).

    ``inclusive`` makes the limit ``>=`` (label Table 6 outlier markers) instead of ``>``
    (label pre-dose wording "SBP >140 or DBP >90"). ``systolic_above_age_65_mmhg`` replaces the
    systolic value for patients aged 65 or more (trial hold rule, S10).
    """

    rule_id: str
    systolic_above_mmhg: Cited[int]
    diastolic_above_mmhg: Cited[int]
    systolic_above_age_65_mmhg: Cited[int] | None = None
    inclusive: bool = False

    def systolic_limit(self, age_years: int | None) -> int:
        """The systolic value that applies at ``age_years`` (mmHg)."""
        if self.systolic_above_age_65_mmhg is not None and age_years is not None and age_years >= 65:
            return self.systolic_above_age_65_mmhg.value
        return self.systolic_above_mmhg.value

    def exceeded_by(self, systolic_mmhg: int, diastolic_mmhg: int, age_years: int | None = None) -> bool:
        """True when the reading passes the limit.

        >>> LABEL_PREDOSE.exceeded_by(141, 80), LABEL_PREDOSE.exceeded_by(140, 90)
        (True, False)
        """
        sys_limit, dia_limit = self.systolic_limit(age_years), self.diastolic_above_mmhg.value
        if self.inclusive:
            return systolic_mmhg >= sys_limit or diastolic_mmhg >= dia_limit
        return systolic_mmhg > sys_limit or diastolic_mmhg > dia_limit

    def describe(self, age_years: int | None = None) -> str:
        """The limit in words, e.g. ``SBP >140 or DBP >90 mmHg``."""
        op = "≥" if self.inclusive else ">"
        return f"SBP {op}{self.systolic_limit(age_years)} or DBP {op}{self.diastolic_above_mmhg.value} mmHg"


@dataclass(frozen=True, slots=True)
class BpRiseLimit:
    """A rise from the pre-dose reading that is flagged (mmHg, inclusive: ``rise >= value``)."""

    rule_id: str
    systolic_rise_mmhg: Cited[int]
    diastolic_rise_mmhg: Cited[int]

    def exceeded_by(self, systolic_rise_mmhg: int, diastolic_rise_mmhg: int) -> bool:
        """True when either rise reaches its value."""
        return (
            systolic_rise_mmhg >= self.systolic_rise_mmhg.value or diastolic_rise_mmhg >= self.diastolic_rise_mmhg.value
        )


@dataclass(frozen=True, slots=True)
class TimePoint:
    """A timed vital-signs check.

    ``minutes_after_dose`` is ``None`` for the pre-dose check (due before dosing). A
    ``before_discharge`` check falls due when the minimum observation ends and stays due
    (never overdue) until a reading is taken.
    """

    id: str
    label: str
    minutes_after_dose: Cited[int] | None
    source: str
    before_discharge: bool = False


@dataclass(frozen=True, slots=True)
class MonitoringProfile:
    """A named, versioned set of monitoring thresholds for some products, with effective dates."""

    id: str
    version: str
    title: str
    products: frozenset[str]
    effective_from: dt.date
    effective_to: dt.date | None
    configured_by: str  # "label", "trial-practice" or "site-configuration"
    predose_caution: BpLimit | None
    predose_hold: BpLimit | None
    monitoring_bp_limit: BpLimit | None
    monitoring_bp_rise: BpRiseLimit | None
    spo2_below_percent: Cited[int] | None
    heart_rate_range_bpm: Cited[tuple[int, int]] | None
    minimum_observation_minutes: Cited[int] | None
    time_points: tuple[TimePoint, ...]
    grace_minutes: Cited[int]
    predose_window_minutes: Cited[int]
    consulted: tuple[str, ...] = ()
    note: str = ""
    withdrawn: bool = False  # kept only to explain stored results: found by version, never by date

    def in_effect(self, on: dt.date) -> bool:
        """True when the profile is effective on ``on`` (a withdrawn version never is)."""
        if self.withdrawn:
            return False
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def require_product(self, product: str) -> str:
        """The product id, refused with an ``InputError`` if this profile does not cover it."""
        key = parse_product(product)
        if key not in self.products:
            raise InputError("product", key, f"a product of profile {self.id!r}: {', '.join(sorted(self.products))}")
        return key


LABEL_PREDOSE = BpLimit("bp-predose-label", Cited(140, source="S1"), Cited(90, source="S1"))
TRIAL_HOLD = BpLimit(
    "bp-predose-trial-hold",
    Cited(140, source="S10"),
    Cited(90, source="S10"),
    systolic_above_age_65_mmhg=Cited(150, source="S10"),
)
TABLE6_OUTLIER = BpLimit("bp-outlier-table6", Cited(180, source="S2"), Cited(110, source="S2"), inclusive=True)
TABLE6_RISE = BpRiseLimit("bp-rise-table6", Cited(40, source="S2"), Cited(25, source="S2"))

SPRAVATO_LABEL = MonitoringProfile(
    id="spravato-label",
    version="1",
    title="SPRAVATO label: pre-dose BP consideration, no hold",
    products=frozenset({ESKETAMINE}),
    effective_from=dt.date(2019, 3, 5),
    effective_to=None,
    configured_by="label",
    predose_caution=LABEL_PREDOSE,
    predose_hold=None,
    monitoring_bp_limit=TABLE6_OUTLIER,
    monitoring_bp_rise=TABLE6_RISE,
    spo2_below_percent=Cited(93, source="S10"),
    heart_rate_range_bpm=None,
    minimum_observation_minutes=Cited(120, source="S6"),
    time_points=(
        TimePoint("predose", "Before dosing", None, source="S1"),
        TimePoint("post-40", "About 40 min after dosing (expected BP peak)", Cited(40, source="S1"), source="S1"),
        TimePoint("discharge", "Before the end of the session", Cited(120, source="S8"), "S8", before_discharge=True),
    ),
    grace_minutes=Cited(10, source="site-configuration"),
    predose_window_minutes=Cited(60, source="site-configuration"),
    consulted=("S1", "S2", "S6", "S8", "S10"),
    note="Pre-dose SBP >140 or DBP >90 mmHg asks the prescriber to weigh risk and benefit (S1 p7). "
    "Post-dose alerts use the label's Table 6 outlier markers (S2). The SpO2 value is the trial reporting "
    "threshold (S10, confidence M), a configurable value, not a label rule. No HR limit is published (NF).",
)

SPRAVATO_TRIAL_HOLD = replace(
    SPRAVATO_LABEL,
    id="spravato-trial-hold",
    title="SPRAVATO phase 3 trial practice: hold above 140/90 (150 systolic at 65+)",
    configured_by="trial-practice",
    predose_hold=TRIAL_HOLD,
    note="Trial hold rule from a Janssen Science page (S10, confidence M): a profile, never a label rule.",
)

IV_SITE_DEFAULT = MonitoringProfile(
    id="iv-ketamine-site-default",
    version="2",
    title="IV ketamine site default: no BP limits shipped (site configuration); REMS-like observation by analogy",
    products=frozenset({"ketamine-iv"}),
    effective_from=dt.date(2026, 1, 1),
    effective_to=dt.date(2026, 12, 1),  # replaced by v3 (a hold at hypertensive-crisis pressure)
    configured_by="site-configuration",
    predose_caution=None,
    predose_hold=None,
    monitoring_bp_limit=None,
    monitoring_bp_rise=None,
    spo2_below_percent=Cited(93, source="site-configuration"),
    heart_rate_range_bpm=None,
    minimum_observation_minutes=Cited(120, source="site-configuration"),
    time_points=(
        TimePoint("predose", "Before the infusion", None, source="S32"),
        TimePoint("post-40", "End of a 40-min infusion", Cited(40, source="S23"), source="S23"),
        TimePoint(
            "discharge",
            "Before discharge",
            Cited(120, source="site-configuration"),
            "site-configuration",
            before_discharge=True,
        ),
    ),
    grace_minutes=Cited(10, source="site-configuration"),
    predose_window_minutes=Cited(60, source="site-configuration"),
    consulted=("S1", "S2", "S6", "S8", "S25", "S31", "S32", "S35"),
    note="No verified consensus gives IV ketamine BP limits (trd-and-eligibility §7.4 and §9: site configuration "
    "with no shipped default), so this profile ships none: the checklist says no limit is configured and a site "
    "sets its own in a site profile. Murrough 2013 stopped one infusion at 180/115 (S25); Yip 2022 warns against "
    "treating asymptomatic transient rises (S31). IV discharge criteria are NF too: the 120-min observation and "
    "the SpO2 alert below 93% are site configuration chosen by analogy with the SPRAVATO REMS (S6, S8) and the "
    "esketamine trial reporting threshold (S10, M), not published IV rules. Baseline BP and continuous "
    "monitoring during the infusion follow the consensus summary (S32, M); the 40-min check is the end of the "
    "studied 40-min infusion (S23).",
)

# Version 1 (until 2026-11-26) shipped BP limits chosen by analogy with the SPRAVATO label (140/90 pre-dose,
# 180/110 during monitoring): invented defaults for racemic ketamine. Withdrawn; kept to explain stored results.
IV_SITE_DEFAULT_V1 = replace(
    IV_SITE_DEFAULT,
    version="1",
    title="IV ketamine site default v1 (withdrawn: BP limits by analogy with the SPRAVATO label)",
    predose_caution=BpLimit(
        "bp-predose-site", Cited(140, source="site-configuration"), Cited(90, source="site-configuration")
    ),
    monitoring_bp_limit=BpLimit(
        "bp-monitoring-site",
        Cited(180, source="site-configuration"),
        Cited(110, source="site-configuration"),
        inclusive=True,
    ),
    withdrawn=True,
    note="Withdrawn 2026-11-26: its BP limits were chosen by analogy (S1, S2), not from an IV ketamine source.",
)

#: Hypertensive crisis: SBP > 180 and/or DBP > 120 mmHg (2017 ACC/AHA guideline, acc-aha-2017-htn); the Ketalar
#: label contraindicates ketamine where a significant rise in blood pressure would be a serious hazard (S30).
IV_CRISIS_HOLD = BpLimit(
    "bp-predose-crisis", Cited(180, source="acc-aha-2017-htn"), Cited(120, source="acc-aha-2017-htn")
)

IV_SITE_DEFAULT_V3 = replace(
    IV_SITE_DEFAULT,
    version="3",
    title="IV ketamine site default: hold at hypertensive-crisis BP (2017 ACC/AHA); other BP limits site configuration",
    effective_from=dt.date(2026, 12, 2),
    effective_to=None,
    predose_hold=IV_CRISIS_HOLD,
    consulted=(*IV_SITE_DEFAULT.consulted, "S30", "acc-aha-2017-htn"),
    note=IV_SITE_DEFAULT.note + " From v3 (2026-12-02) dosing is held at a pre-dose SBP > 180 and/or DBP > 120 "
    "mmHg, the hypertensive-crisis range (2017 ACC/AHA, acc-aha-2017-htn), which the screening also flags for racemic "
    "ketamine (Ketalar label, S30); a site may set a stricter hold in its own profile.",
)

IV_SITE_FREQUENT_BP = replace(
    IV_SITE_DEFAULT,
    effective_to=dt.date(2026, 12, 1),  # replaced by v3 (the crisis hold of iv-ketamine-site-default v3)
    id="iv-ketamine-site-frequent-bp",
    title="IV ketamine site profile with Emory-series BP intervals (every 10 min, then 15 min)",
    time_points=(
        IV_SITE_DEFAULT.time_points[0],
        *(
            TimePoint(f"post-{m}", f"{m} min after the start of the infusion", Cited(m, source="S35"), "S35")
            for m in (10, 20, 30, 40, 55, 70, 85, 100)
        ),
        IV_SITE_DEFAULT.time_points[-1],
    ),
    grace_minutes=Cited(5, source="site-configuration"),
    note="Intervals from the Emory/Dunlop series (S35, confidence M): every 10 min during the infusion, every "
    "15 min after; a reading counts within 5 min of its time point so that one reading meets one point. "
    "No BP limits, as in iv-ketamine-site-default (site configuration with no shipped default).",
)

IV_SITE_FREQUENT_BP_V3 = replace(
    IV_SITE_FREQUENT_BP,
    version="3",
    title="IV ketamine site profile with Emory-series BP intervals; hold at hypertensive-crisis BP (2017 ACC/AHA)",
    effective_from=IV_SITE_DEFAULT_V3.effective_from,
    effective_to=None,
    predose_hold=IV_CRISIS_HOLD,
    consulted=IV_SITE_DEFAULT_V3.consulted,
    note=IV_SITE_FREQUENT_BP.note + " From v3 (2026-12-02) dosing is held at a pre-dose SBP > 180 and/or DBP > 120 "
    "mmHg, as in iv-ketamine-site-default v3 (2017 ACC/AHA, acc-aha-2017-htn; Ketalar label, S30).",
)

_PROFILES: tuple[MonitoringProfile, ...] = (
    SPRAVATO_LABEL,
    SPRAVATO_TRIAL_HOLD,
    IV_SITE_DEFAULT,
    IV_SITE_DEFAULT_V1,
    IV_SITE_DEFAULT_V3,
    IV_SITE_FREQUENT_BP,
    IV_SITE_FREQUENT_BP_V3,
)


def profiles() -> tuple[MonitoringProfile, ...]:
    """Every built-in monitoring profile, every version.

    >>> sorted({p.id for p in profiles()})[:2]
    ['iv-ketamine-site-default', 'iv-ketamine-site-frequent-bp']
    """
    return _PROFILES


def get_profile(profile_id: str, *, on: dt.date, version: str | None = None) -> MonitoringProfile:
    """The profile ``profile_id`` in effect on ``on`` (or the given ``version``).

    >>> get_profile("spravato-trial-hold", on=dt.date(2026, 3, 1)).predose_hold.describe(age_years=70)
    'SBP >150 or DBP >90 mmHg'
    """
    for profile in _PROFILES:
        if profile.id == profile_id and (profile.version == version if version else profile.in_effect(on)):
            return profile
    known = sorted({p.id for p in _PROFILES})
    raise UnknownTermError("profile", profile_id, f"a profile in effect on {on.isoformat()}: {', '.join(known)}")


def default_profile(product: str, *, on: dt.date) -> MonitoringProfile:
    """The default profile for ``product``: the label profile for esketamine, the site default for IV.

    >>> default_profile("esketamine-nasal", on=dt.date(2026, 3, 1)).configured_by
    'label'
    """
    key = parse_product(product)
    if key == ESKETAMINE:
        return get_profile("spravato-label", on=on)
    if key == "ketamine-iv":
        return get_profile("iv-ketamine-site-default", on=on)
    raise InputError("product", key, "esketamine-nasal or ketamine-iv (other routes need a site profile)")


# --- SPRAVATO REMS parameters (versioned; verify against REMS@FDA, REMS=386, before each release) ---


@dataclass(frozen=True, slots=True)
class RemsProfile:
    """One version of the SPRAVATO REMS parameters, with effective dates.

    ``None`` means the sources consulted do not record the value for that version (NF): the
    software shows it as unknown and never fills it in. Outpatient settings only: inpatient
    settings enrol no patients and submit no Patient Monitoring Form (S6, S7).
    """

    id: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    min_monitoring_minutes: Cited[int]
    monitoring_until_resolution: Cited[bool] | None
    patient_enrolment_required: Cited[bool]
    pmf_required: Cited[bool] | None
    submission_window_days: Cited[int] | None
    bp_time_points: Cited[tuple[str, ...]] | None
    pulse_oximeter_required: Cited[bool]
    prescriber_onsite_required: Cited[bool] | None
    opioids_on_form: Cited[bool] | None
    due_soon_days: Cited[int]
    note: str = ""

    def in_effect(self, on: dt.date) -> bool:
        """True when this REMS version is effective on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


REMS_2019 = RemsProfile(
    id="spravato-rems",
    version="2019-06",
    effective_from=dt.date(2019, 3, 5),
    effective_to=dt.date(2024, 12, 30),
    min_monitoring_minutes=Cited(120, source="S1"),
    monitoring_until_resolution=None,
    patient_enrolment_required=Cited(True, source="S6"),
    pmf_required=None,
    submission_window_days=None,
    bp_time_points=None,
    pulse_oximeter_required=Cited(False, source="S6"),
    prescriber_onsite_required=None,
    opioids_on_form=None,
    due_soon_days=Cited(2, source="platform-defined"),
    note="FDA REMS page of 06/25/2019 and the 2019 PI: goals included a registry of all patients. PMF and "
    "submission window not recorded for this version in the sources consulted (NF).",
)

REMS_2024 = RemsProfile(
    id="spravato-rems",
    version="2024-12",
    effective_from=dt.date(2024, 12, 31),
    effective_to=None,
    min_monitoring_minutes=Cited(120, source="S6"),
    monitoring_until_resolution=Cited(True, source="S6"),
    patient_enrolment_required=Cited(True, source="S6"),
    pmf_required=Cited(True, source="S6"),
    submission_window_days=Cited(7, source="S8"),
    bp_time_points=Cited(("predose", "post-40", "completion"), source="S8"),
    pulse_oximeter_required=Cited(True, source="S6"),
    prescriber_onsite_required=Cited(True, source="S6"),
    opioids_on_form=Cited(True, source="S9"),
    due_soon_days=Cited(2, source="platform-defined"),
    note="FDA REMS page of 12/31/2024 (respiratory depression, pulse oximeter onsite, 'at least two hours and "
    "until resolution'); PMF of June 2024 and the newer form with opioids. No 2025 change found (NF).",
)

_REMS: tuple[RemsProfile, ...] = (REMS_2019, REMS_2024)


def rems_profiles() -> tuple[RemsProfile, ...]:
    """Every version of the SPRAVATO REMS parameters.

    >>> [p.version for p in rems_profiles()]
    ['2019-06', '2024-12']
    """
    return _REMS


def rems_profile(*, on: dt.date, version: str | None = None) -> RemsProfile:
    """The REMS parameters in effect on ``on`` (or the named ``version``).

    >>> rems_profile(on=dt.date(2026, 3, 1)).submission_window_days
    Cited(value=7, source='S8')
    >>> rems_profile(on=dt.date(2023, 1, 1)).pulse_oximeter_required.value
    False
    """
    for profile in _REMS:
        if (profile.version == version) if version else profile.in_effect(on):
            return profile
    raise UnknownTermError("rems_version", version or on.isoformat(), ", ".join(p.version for p in _REMS))
