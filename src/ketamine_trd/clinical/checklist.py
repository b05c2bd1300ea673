"""The pre-dose checklist and its decision: proceed, proceed with cautions, or hold.

Rules (rule id, level, source):

- ``predose-bp-missing`` hold: BP is assessed before every dose (S1 p7; IV ketamine: baseline BP, S32, M).
- ``predose-bp-hold`` hold: above the profile's hold limit (trial practice, S10; a named profile).
- ``predose-bp-elevated`` caution: above the profile's caution limit; weigh the risk of a short-term
  BP rise against benefit, do not dose if a BP or ICP rise is a serious risk (S1 p7).
- ``predose-spo2-low`` caution: pre-dose SpO2 below the profile's value.
- ``fasting-food`` / ``fasting-liquids`` / ``nasal-medicine-timing`` caution (esketamine): food within
  2 h, liquids within 30 min, nasal corticosteroid or decongestant within 1 h of dosing.
- ``concomitant-sedative`` / ``concomitant-bp`` caution: the PMF's medication classes (S8, S9); closely
  monitor BP with psychostimulants or MAOIs (S1 p7).
- ``rems-enrolment`` hold (esketamine, outpatient): patient enrolled in the REMS before treatment (S6).
- ``predose-spo2-missing`` caution (esketamine, outpatient, REMS versions requiring a pulse oximeter, S6).
- ``safe-departure`` caution: a ride home; no driving until the next day after restful sleep (S1, S7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from ketamine_trd.clinical.medical_profile import CONCOMITANT_CLASSES as PROFILE_CONCOMITANT_CLASSES
from ketamine_trd.clinical.monitoring.vitals import VitalSigns
from ketamine_trd.clinical.monitoring.vocabulary import SETTINGS, Datum, minutes_between, require_aware
from ketamine_trd.clinical.monitoring_profiles import ESKETAMINE, Cited, MonitoringProfile, rems_profile
from ketamine_trd.errors import InputError, UnknownTermError

__all__ = [
    "CONCOMITANT_CLASSES",
    "Decision",
    "Finding",
    "FindingLevel",
    "PredoseChecklist",
    "PredoseResult",
    "evaluate_predose",
]

#: The medication classes the REMS Patient Monitoring Form asks about (S8; opioids in the newer form, S9): the
#: same vocabulary as the medical profile's (``medical_profile.CONCOMITANT_CLASSES``), so intake and chair agree.
CONCOMITANT_CLASSES: frozenset[str] = frozenset(PROFILE_CONCOMITANT_CLASSES)
SEDATING = ("benzodiazepine", "non_benzodiazepine_hypnotic", "opioid")
BP_RAISING = ("psychostimulant", "maoi")

FOOD_MINUTES = Cited(120, source="spravato-pi-administration")
LIQUID_MINUTES = Cited(30, source="spravato-pi-administration")
NASAL_MEDICINE_MINUTES = Cited(60, source="spravato-pi-administration")


class FindingLevel(StrEnum):
    """``info`` changes nothing, ``caution`` needs acknowledgement, ``hold`` stops dosing."""

    INFO = "info"
    CAUTION = "caution"
    HOLD = "hold"


class Decision(StrEnum):
    """The pre-dose decision; the software proposes, a clinician decides."""

    PROCEED = "proceed"
    PROCEED_WITH_CAUTIONS = "proceed_with_cautions"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class Finding:
    """One pre-dose finding: rule id, level, a sentence a clinician reads, source id and data."""

    rule_id: str
    level: FindingLevel
    message: str
    source: str
    data: tuple[Datum, ...] = ()


@dataclass(frozen=True, slots=True)
class PredoseChecklist:
    """What is asked before dosing. ``None`` means not asked yet (never read as "no").

    ``planned_dose_at`` defaults to ``checked_at``. ``concomitant`` lists the PMF classes the
    patient takes (``CONCOMITANT_CLASSES``); ``concomitant_reviewed`` says the review was done.
    ``nasal_medicine_at`` is the time of a nasal corticosteroid or decongestant taken today.
    """

    checked_at: dt.datetime
    age_years: int | None = None
    setting: str = "outpatient"
    first_treatment: bool | None = None
    rems_enrolled: bool | None = None
    last_food_at: dt.datetime | None = None
    last_liquid_at: dt.datetime | None = None
    nasal_medicine_at: dt.datetime | None = None
    concomitant: frozenset[str] = frozenset()
    concomitant_reviewed: bool = False
    safe_departure_arranged: bool | None = None
    planned_dose_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        require_aware("checked_at", self.checked_at)
        for name in ("last_food_at", "last_liquid_at", "nasal_medicine_at", "planned_dose_at"):
            value = getattr(self, name)
            if value is not None:
                require_aware(name, value)
        if self.setting not in SETTINGS:
            raise UnknownTermError("setting", self.setting, ", ".join(SETTINGS))
        unknown = sorted(set(self.concomitant) - CONCOMITANT_CLASSES)
        if unknown:
            raise UnknownTermError("concomitant", unknown[0], ", ".join(sorted(CONCOMITANT_CLASSES)))
        if self.age_years is not None and not 18 <= self.age_years <= 120:
            raise InputError("age_years", self.age_years, "18 to 120 years (adults)")

    @property
    def dose_at(self) -> dt.datetime:
        """The planned dosing time (``checked_at`` when not given)."""
        return self.planned_dose_at or self.checked_at


@dataclass(frozen=True, slots=True)
class PredoseResult:
    """The decision, every finding, and the product and profile that produced them."""

    decision: Decision
    findings: tuple[Finding, ...]
    product: str
    profile: str
    evaluated_at: dt.datetime


def _bp_findings(
    vitals: VitalSigns | None, c: PredoseChecklist, profile: MonitoringProfile, *, esketamine: bool = True
) -> Iterator[Finding]:
    window = profile.predose_window_minutes.value
    if vitals is None or not 0 <= minutes_between(vitals.taken_at, c.dose_at) <= window:
        yield Finding(
            "predose-bp-missing",
            FindingLevel.HOLD,
            f"No blood pressure taken in the {window} min before dosing: assess BP before dosing.",
            "S1" if esketamine else "S32",  # label (H); IV ketamine: baseline BP in the consensus summary (M)
        )
        return
    data = (
        Datum("systolic_mmhg", vitals.systolic_mmhg, "mmHg"),
        Datum("diastolic_mmhg", vitals.diastolic_mmhg, "mmHg"),
    )
    hold, caution = profile.predose_hold, profile.predose_caution
    if hold is not None and hold.exceeded_by(vitals.systolic_mmhg, vitals.diastolic_mmhg, c.age_years):
        yield Finding(
            "predose-bp-hold",
            FindingLevel.HOLD,
            f"Pre-dose BP {vitals.bp_text} is above {hold.describe(c.age_years)} ({profile.title}): hold dosing today.",
            hold.systolic_above_mmhg.source,
            data,
        )
    elif caution is not None and caution.exceeded_by(vitals.systolic_mmhg, vitals.diastolic_mmhg, c.age_years):
        yield Finding(
            "predose-bp-elevated",
            FindingLevel.CAUTION,
            f"Pre-dose BP {vitals.bp_text} is above {caution.describe(c.age_years)}: weigh the risk of a short-term "
            "BP increase against the benefit; do not dose if a rise in BP or intracranial pressure is a serious risk.",
            caution.systolic_above_mmhg.source,
            data,
        )
    if hold is None and caution is None:
        yield Finding(
            "predose-bp-limits-unset", FindingLevel.INFO, "The profile sets no BP limits.", "site-configuration"
        )
    spo2 = profile.spo2_below_percent
    if spo2 is not None and vitals.spo2_percent is not None and vitals.spo2_percent < spo2.value:
        yield Finding(
            "predose-spo2-low",
            FindingLevel.CAUTION,
            f"Pre-dose SpO2 {vitals.spo2_percent:g}% is below {spo2.value}%.",
            spo2.source,
            (Datum("spo2_percent", vitals.spo2_percent, "%"),),
        )


def _duration(minutes: float) -> str:
    """``45`` -> ``"45 min"``, ``200`` -> ``"3 h 20 min"``, ``5000`` -> ``"more than a day"`` (a clinician's words).

    >>> _duration(45), _duration(200), _duration(5000)
    ('45 min', '3 h 20 min', 'more than a day')
    """
    whole = round(minutes)
    if whole < 120:
        return f"{whole} min"
    if whole > 24 * 60:
        return "more than a day"
    return f"{whole // 60} h {whole % 60} min" if whole % 60 else f"{whole // 60} h"


def _timing(rule: str, when: dt.datetime | None, c: PredoseChecklist, limit: Cited[int], what: str) -> Finding | None:
    if when is None:
        return Finding(rule, FindingLevel.CAUTION, f"Time of last {what} not recorded.", limit.source)
    gap = minutes_between(when, c.dose_at)
    if gap < 0:  # a time after the dose is a typing error, never "-30 min before dosing"
        return Finding(
            rule,
            FindingLevel.CAUTION,
            f"Last {what} is recorded {_duration(-gap)} after the time of dosing: check the time entered; the label "
            f"advises at least {limit.value} min without {what} before dosing (nausea and vomiting).",
            limit.source,
            (Datum("minutes_before_dose", round(gap), "min"),),
        )
    if gap < limit.value:
        return Finding(
            rule,
            FindingLevel.CAUTION,
            f"Last {what} {_duration(gap)} before dosing; the label advises at least {limit.value} min "
            "(nausea and vomiting).",
            limit.source,
            (Datum("minutes_before_dose", round(gap), "min"),),
        )
    return None


def _esketamine_findings(c: PredoseChecklist, vitals: VitalSigns | None) -> Iterator[Finding]:
    for finding in (
        _timing("fasting-food", c.last_food_at, c, FOOD_MINUTES, "food"),
        _timing("fasting-liquids", c.last_liquid_at, c, LIQUID_MINUTES, "liquids"),
    ):
        if finding is not None:
            yield finding
    if (
        c.nasal_medicine_at is not None
        and minutes_between(c.nasal_medicine_at, c.dose_at) < NASAL_MEDICINE_MINUTES.value
    ):
        yield Finding(
            "nasal-medicine-timing",
            FindingLevel.CAUTION,
            f"Nasal corticosteroid or decongestant less than {NASAL_MEDICINE_MINUTES.value} min before dosing; "
            "give it at least 1 hour before.",
            NASAL_MEDICINE_MINUTES.source,
        )
    rems = rems_profile(on=c.dose_at.date())
    if c.setting == "outpatient" and rems.patient_enrolment_required.value and c.rems_enrolled is not True:
        yield Finding(
            "rems-enrolment",
            FindingLevel.HOLD,
            "REMS patient enrolment not confirmed: enrol the patient (Patient Enrollment Form) before treatment.",
            rems.patient_enrolment_required.source,
        )
    oximeter = rems.pulse_oximeter_required
    if c.setting == "outpatient" and oximeter.value and vitals is not None and vitals.spo2_percent is None:
        yield Finding(
            "predose-spo2-missing",
            FindingLevel.CAUTION,
            "No pre-dose SpO2: the REMS requires a pulse oximeter onsite; use pulse oximetry at every session.",
            oximeter.source,
        )


def _medication_findings(c: PredoseChecklist, analogy: str) -> Iterator[Finding]:
    if not c.concomitant_reviewed:
        yield Finding("concomitant-not-reviewed", FindingLevel.CAUTION, "Concomitant medicines not reviewed.", "S8")
    sedating = [m for m in SEDATING if m in c.concomitant]
    if sedating:
        yield Finding(
            "concomitant-sedative",
            FindingLevel.CAUTION,
            f"Takes {', '.join(sedating)}: may add to sedation and respiratory depression; monitor closely{analogy}.",
            "S9" if sedating == ["opioid"] else "S8",
            tuple(Datum("class", m) for m in sedating),
        )
    raising = [m for m in BP_RAISING if m in c.concomitant]
    if raising:
        yield Finding(
            "concomitant-bp",
            FindingLevel.CAUTION,
            f"Takes {', '.join(raising)}: closely monitor blood pressure{analogy}.",
            "S1",
            tuple(Datum("class", m) for m in raising),
        )


def evaluate_predose(
    checklist: PredoseChecklist, vitals: VitalSigns | None, product: str, profile: MonitoringProfile
) -> PredoseResult:
    """The pre-dose decision: ``hold`` if any finding holds, ``proceed_with_cautions`` if any cautions.

    >>> from ketamine_trd.clinical.monitoring.vitals import VitalSigns
    >>> from ketamine_trd.clinical.monitoring_profiles import get_profile
    >>> at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> checks = PredoseChecklist(at, age_years=45, setting="outpatient", rems_enrolled=True,
    ...     last_food_at=at - dt.timedelta(hours=3), last_liquid_at=at - dt.timedelta(hours=1),
    ...     concomitant_reviewed=True, safe_departure_arranged=True)
    >>> label = get_profile("spravato-label", on=at.date())
    >>> result = evaluate_predose(checks, VitalSigns(at, 150, 88, spo2_percent=97), "esketamine-nasal", label)
    >>> result.decision.value, [f.rule_id for f in result.findings]
    ('proceed_with_cautions', ['predose-bp-elevated'])
    """
    key = profile.require_product(product)
    esketamine = key == ESKETAMINE
    analogy = "" if esketamine else " (SPRAVATO label, applied by analogy)"
    findings = [*_bp_findings(vitals, checklist, profile, esketamine=esketamine)]
    if esketamine:
        findings.extend(_esketamine_findings(checklist, vitals))
    findings.extend(_medication_findings(checklist, analogy))
    if checklist.safe_departure_arranged is not True:
        findings.append(
            Finding(
                "safe-departure",
                FindingLevel.CAUTION,
                "Confirm a ride home: no driving or operating machinery until the next day after restful sleep.",
                "S7" if esketamine else "site-configuration",
            )
        )
    levels = {f.level for f in findings}
    if FindingLevel.HOLD in levels:
        decision = Decision.HOLD
    elif FindingLevel.CAUTION in levels:
        decision = Decision.PROCEED_WITH_CAUTIONS
    else:
        decision = Decision.PROCEED
    return PredoseResult(decision, tuple(findings), key, f"{profile.id}@{profile.version}", checklist.checked_at)
