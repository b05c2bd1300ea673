"""Screening a medical profile for contraindications and cautions, for one product and route.

Label contraindications of SPRAVATO (S1, S5; H) are hard: any one makes the decision ``not_eligible``.
Everything resting on M/L sources (the IV ketamine items of S32 and the Ketalar label copies, S30) is a
``caution`` or ``information``, never a hard rule, with one exception whose words and source say "do not dose": a
racemic pre-dose pressure in the hypertensive-crisis range is a ``contraindication`` (the Ketalar label
contraindicates ketamine where a significant rise in blood pressure would be a serious hazard, S30), as the IV
monitoring profiles hold the dose at the chair. A finding's level always matches its words: a sentence that says
"do not dose" or "do not give" is a contraindication. Blood-pressure limits come from a named profile
(:mod:`ketamine_trd.clinical.eligibility_profiles`).

>>> p = MedicalProfile.from_dict({"age": 45, "sex": "female", "blood_pressure": {"systolic": 128, "diastolic": 80},
...     "conditions": ["arteriovenous_malformation"], "rems_enrolled": True, "hepatic_impairment": "none",
...     "pregnant": False})
>>> r = screen(p, Product.ESKETAMINE_NASAL)
>>> r.decision, r.findings[0].rule, r.findings[0].source
('not_eligible', 'esk-ci-avm', 'S1')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinical.eligibility_profiles import BpProfile, default_bp_profile_name, get_bp_profile
from ketamine_trd.clinical.medical_profile import MedicalProfile
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.screening_rules import CONCOMITANT_RULES, CONDITION_RULES, Rule
from ketamine_trd.clinical.sources import cite

__all__ = ["LEVELS", "RULE_VERSION", "Finding", "MedicalProfile", "ScreeningResult", "screen"]

RULE_VERSION = "screening-rules-2"  # 2: hypertensive-crisis pressure is a contraindication (S30)
LEVELS = ("contraindication", "caution", "information")


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: rule id, level, a sentence a clinician reads, and the source id."""

    rule: str
    level: str
    message: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "level": self.level, "message": self.message, "source": self.source}


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The decision with its findings (contraindications first) and the profile versions that produced it."""

    decision: str
    product: Product
    findings: tuple[Finding, ...]
    bp_profile: str
    bp_profile_version: str
    rule_version: str = RULE_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "product": self.product.value,
            "findings": [f.to_dict() for f in self.findings],
            "bp_profile": self.bp_profile,
            "bp_profile_version": self.bp_profile_version,
            "rule_version": self.rule_version,
        }


def _from_rule(rule: Rule | None) -> Iterator[Finding]:
    if rule is not None:
        yield Finding(rule.rule, rule.level, rule.message, rule.source)


def _family(product: Product) -> str:
    return "esketamine" if product.is_esketamine else "racemic"


def _bp(profile: MedicalProfile, product: Product, bp: BpProfile) -> Iterator[Finding]:
    if profile.systolic_mmhg is None or profile.diastolic_mmhg is None:
        yield Finding("bp-no-reading", "information", "No blood-pressure reading: assess blood pressure before dosing.",
                      cite("S1"))  # fmt: skip
        return
    reading = f"{profile.systolic_mmhg:g}/{profile.diastolic_mmhg:g} mmHg"
    if not bp.configured:
        yield Finding("bp-profile-unset", "information",
                      f"Blood pressure {reading}; no blood-pressure limit is configured for this site "
                      f"(profile {bp.name}).", bp.source)  # fmt: skip
        return
    if not bp.elevated(systolic_mmhg=profile.systolic_mmhg, diastolic_mmhg=profile.diastolic_mmhg,
                       age_years=profile.age):  # fmt: skip
        return
    if bp.name == "racemic-hypertensive-crisis":
        # The level is the label's: the Ketalar label contraindicates ketamine where a significant rise in blood
        # pressure would be a serious hazard (S30); the crisis range is the guideline's (acc-aha-2017-htn).
        yield Finding(
            "bp-hypertensive-crisis",
            "contraindication",
            f"Blood pressure {reading} is in the hypertensive-crisis range ({bp.describe(profile.age)}, 2017 ACC/AHA): "
            "ketamine raises blood pressure and its label contraindicates it where a significant rise would be a "
            "serious hazard (S30); do not dose until blood pressure is treated and re-checked.",
            cite("S30"),
        )
        return
    borrowed = "" if product.is_esketamine else " (threshold borrowed from esketamine: none verified for racemic)"
    yield Finding(
        "bp-pre-dose-elevated",
        "caution",
        f"Blood pressure {reading} is above {bp.describe(profile.age)} (profile {bp.name}){borrowed}: weigh the risk "
        "of a short-term blood-pressure rise against the benefit; treat or re-check before dosing.",
        bp.source,
    )


def _population(profile: MedicalProfile, product: Product) -> Iterator[Finding]:
    esk = product.is_esketamine
    if profile.age < 18:
        yield Finding("age-pediatric", "caution",
                      "Under 18: SPRAVATO is not approved in paediatric patients; racemic ketamine for depression "
                      "is off-label and unstudied in this age group.", cite("S1"))  # fmt: skip
    if profile.age >= 65 and esk:
        yield Finding("esk-age-65", "information",
                      "Age 65 or over: blood-pressure rises were more frequent in trials (Table 6); the EU/UK label "
                      "starts at 28 mg (dosing profile eu-age65).", cite("S2"))  # fmt: skip
    if profile.pregnant:
        yield Finding("pregnancy", "caution",
                      "Pregnant: esketamine is not recommended in pregnancy (embryo-fetal toxicity in animals)"
                      + ("" if esk else "; the same caution applies to racemic ketamine by analogy") + ".",
                      cite("S1"))  # fmt: skip
    elif profile.pregnant is None:
        yield Finding("pregnancy-unknown", "information", "Pregnancy status not recorded: check before treatment.",
                      cite("S1"))  # fmt: skip
    if profile.sex == "female" and not profile.pregnant:
        # No source gives an age range for reproductive potential: the clinician judges it (no invented band).
        yield Finding(
            "reproductive-potential",
            "information",
            "Female: if of reproductive potential, consider pregnancy planning and prevention.",
            cite("S5"),
        )
    if profile.breastfeeding:
        yield Finding("breastfeeding", "caution", "Breastfeeding: not recommended during esketamine treatment"
                      + ("" if esk else " (applied to racemic ketamine by analogy)") + ".", cite("S1"))  # fmt: skip


def _hepatic(profile: MedicalProfile, product: Product) -> Iterator[Finding]:
    grade = profile.hepatic_impairment
    if product.is_esketamine:
        if grade == "child_pugh_b":
            yield Finding("esk-hepatic-b", "caution", "Moderate hepatic impairment (Child-Pugh B): patients may need "
                          "to be monitored for adverse reactions for longer after each dose.", cite("S1"))  # fmt: skip
        elif grade == "child_pugh_c":
            yield Finding("esk-hepatic-c", "caution", "Severe hepatic impairment (Child-Pugh C): esketamine has not "
                          "been studied and is not recommended.", cite("S1"))  # fmt: skip
    elif grade in ("child_pugh_b", "child_pugh_c"):
        yield Finding("ket-hepatic", "caution", "Hepatic impairment: drug-induced liver injury has been reported with "
                      "ketamine; check liver tests before and during a course.", cite("S40"))  # fmt: skip
    if grade == "unknown":
        yield Finding("hepatic-unknown", "information", "Hepatic function not recorded.", cite("S36"))


def _rems(profile: MedicalProfile, product: Product) -> Iterator[Finding]:
    if not product.is_esketamine:
        return
    if profile.rems_enrolled is False:
        yield Finding("esk-rems-not-enrolled", "caution", "Not enrolled in the SPRAVATO REMS: the patient must be "
                      "enrolled before the first treatment.", cite("S6"))  # fmt: skip
    elif profile.rems_enrolled is None:
        yield Finding("esk-rems-unknown", "information", "REMS enrolment not recorded: enrol before the first "
                      "treatment.", cite("S7"))  # fmt: skip


def screen(profile: MedicalProfile, product: Product | str, bp_profile: str | None = None) -> ScreeningResult:
    """Screen ``profile`` for ``product``; the decision follows from the most serious finding.

    ``bp_profile`` names a blood-pressure profile (default: ``spravato-label-2019`` for esketamine,
    ``racemic-hypertensive-crisis`` for racemic ketamine: SBP > 180 and/or DBP > 120 mmHg, acc-aha-2017-htn).
    """
    prod = product if isinstance(product, Product) else Product.parse(product)
    bp = get_bp_profile(bp_profile or default_bp_profile_name(is_esketamine=prod.is_esketamine))
    family = _family(prod)
    findings: list[Finding] = []
    for condition in profile.conditions:
        findings.extend(_from_rule(CONDITION_RULES[condition].get(family)))
    for medication in profile.concomitant:
        findings.extend(_from_rule(CONCOMITANT_RULES[medication].get(family)))
    findings.extend(_bp(profile, prod, bp))
    findings.extend(_population(profile, prod))
    findings.extend(_hepatic(profile, prod))
    findings.extend(_rems(profile, prod))
    findings.sort(key=lambda f: LEVELS.index(f.level))
    if any(f.level == "contraindication" for f in findings):
        decision = "not_eligible"
    elif any(f.level == "caution" for f in findings):
        decision = "eligible_with_cautions"
    else:
        decision = "eligible"
    return ScreeningResult(decision, prod, tuple(findings), bp.name, bp.version)
