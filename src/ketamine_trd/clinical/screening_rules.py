"""The declarative screening rules: per condition and concomitant class, per product family.

``esketamine`` rules come from the SPRAVATO label (S1, S5: H). ``racemic`` rules (IV, IM, oral, sublingual,
intranasal ketamine, all off-label for depression) rest on consensus summaries and label copies of
confidence M (S30, S32, S34) or on the esketamine label by analogy, and so are never contraindications
except hypersensitivity, which the esketamine label itself extends to ketamine.

>>> CONDITION_RULES["intracerebral_hemorrhage"]["esketamine"].level
'contraindication'
>>> CONDITION_RULES["intracerebral_hemorrhage"]["racemic"].level
'caution'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["CONCOMITANT_RULES", "CONDITION_RULES", "Rule"]


@dataclass(frozen=True, slots=True)
class Rule:
    """A screening rule: id, level, the sentence shown, the source id."""

    rule: str
    level: str
    message: str
    source: str


_BP_HAZARD = "a blood-pressure rise after ketamine would be a serious hazard"

CONDITION_RULES: MappingProxyType[str, dict[str, Rule]] = MappingProxyType(
    {
        "aneurysmal_vascular_disease": {
            "esketamine": Rule("esk-ci-aneurysm", "contraindication", "Aneurysmal vascular disease (thoracic or "
                               "abdominal aorta, intracranial or peripheral arteries): SPRAVATO is contraindicated.",
                               source="S1"),
            "racemic": Rule("ket-aneurysm", "caution", f"Aneurysmal vascular disease: {_BP_HAZARD} (a label "
                            "contraindication for esketamine).", source="S30"),
        },
        "arteriovenous_malformation": {
            "esketamine": Rule("esk-ci-avm", "contraindication", "Arteriovenous malformation: SPRAVATO is "
                               "contraindicated.", source="S1"),
            "racemic": Rule("ket-avm", "caution", f"Arteriovenous malformation: {_BP_HAZARD} (a label "
                            "contraindication for esketamine).", source="S30"),
        },
        "intracerebral_hemorrhage": {
            "esketamine": Rule("esk-ci-ich", "contraindication", "History of intracerebral haemorrhage: SPRAVATO is "
                               "contraindicated.", source="S1"),
            "racemic": Rule("ket-ich", "caution", f"History of intracerebral haemorrhage: {_BP_HAZARD} (a label "
                            "contraindication for esketamine).", source="S30"),
        },
        "hypersensitivity": {
            "esketamine": Rule("esk-ci-hypersensitivity", "contraindication", "Hypersensitivity to esketamine, "
                               "ketamine or an excipient: SPRAVATO is contraindicated.", source="S5"),
            "racemic": Rule("ket-ci-hypersensitivity", "contraindication", "Hypersensitivity to ketamine: the "
                            "esketamine label contraindicates esketamine for ketamine hypersensitivity; do not give "
                            "racemic ketamine.", source="S5"),
        },
        "recent_myocardial_infarction": {
            "esketamine": Rule("esk-bp-serious-risk-mi", "caution", "Recent myocardial infarction: do not "
                               "administer if a rise in blood pressure poses a serious risk.", source="S1"),
            "racemic": Rule("ket-cv-unstable-mi", "caution", f"Recent myocardial infarction: {_BP_HAZARD}; "
                            "unstable cardiovascular disease is a commonly cited relative contraindication "
                            "(not verified in a primary text).",
                            source="S32"),
        },
        "recent_stroke": {
            "esketamine": Rule("esk-bp-serious-risk-stroke", "caution", "Recent stroke: do not administer if a rise "
                               "in blood pressure or intracranial pressure poses a serious risk.", source="S1"),
            "racemic": Rule("ket-cv-unstable-stroke", "caution", f"Recent stroke: {_BP_HAZARD}.", source="S32"),
        },
        "uncontrolled_hypertension": {
            "esketamine": Rule("esk-uncontrolled-htn", "caution", "Uncontrolled hypertension: do not administer if a "
                               "rise in blood pressure poses a serious risk; control blood pressure first.",
                               source="S1"),
            "racemic": Rule("ket-uncontrolled-htn", "caution", "Uncontrolled hypertension: the ketamine label "
                            "cautions about hypertension; control blood pressure first.", source="S30"),
        },
        "psychosis": {
            "esketamine": Rule("esk-psychosis", "caution", "History of psychosis: assess carefully; use only if the "
                               "benefit outweighs the risk.", source="S1"),
            "racemic": Rule("ket-psychosis", "caution", "History of psychosis: assess carefully before ketamine "
                            "(consensus pre-treatment assessment).", source="S32"),
        },
        "bipolar_disorder": {
            "esketamine": Rule("esk-bipolar", "caution", "Bipolar disorder: SPRAVATO is not approved for bipolar "
                               "depression (excluded from the phase 3 trials).", source="S14"),
            "racemic": Rule("ket-bipolar", "caution", "Bipolar disorder: evidence for ketamine in bipolar depression "
                            "is limited and of low certainty.", source="S43"),
        },
        "substance_use_disorder": {
            "esketamine": Rule("esk-sud", "caution", "Substance use disorder: esketamine is Schedule III; assess the "
                               "risk of abuse and misuse before prescribing and monitor.", source="S1"),
            "racemic": Rule("ket-sud", "caution", "Substance use disorder: ketamine has abuse potential; consider "
                            "urine toxicology and monitor.", source="S32"),
        },
        "ketamine_use_disorder": {
            "esketamine": Rule("esk-ketamine-use", "caution", "Ketamine use disorder: high risk of abuse and misuse; "
                               "use only after careful assessment and with monitoring.", source="S1"),
            "racemic": Rule("ket-ketamine-use", "caution", "Ketamine use disorder: high risk of abuse and misuse; "
                            "use only after careful assessment and with monitoring.", source="S32"),
        },
        "urinary_symptoms": {
            "esketamine": Rule("esk-urinary", "caution", "Urinary symptoms: monitor for lower urinary tract and "
                               "bladder symptoms during treatment; refer as appropriate.", source="S1"),
            "racemic": Rule("ket-urinary", "caution", "Urinary symptoms: ketamine-associated cystitis is reported; "
                            "document a baseline and monitor.", source="S39"),
        },
        "cystitis": {
            "esketamine": Rule("esk-cystitis", "caution", "Cystitis: monitor bladder symptoms closely and refer as "
                               "appropriate.", source="S1"),
            "racemic": Rule("ket-cystitis", "caution", "Cystitis: the ketamine label warns of genitourinary pain and "
                            "cystitis with repeated use; monitor and refer as appropriate.", source="S30"),
        },
        "raised_intracranial_pressure": {
            "esketamine": Rule("esk-icp", "caution", "Raised intracranial pressure: do not administer if a rise in "
                               "intracranial pressure poses a serious risk.", source="S1"),
            "racemic": Rule("ket-icp", "caution", "Raised intracranial pressure: a commonly cited relative "
                            "contraindication (not verified in a primary text).", source="S32"),
        },
        "raised_intraocular_pressure": {
            "esketamine": Rule("esk-iop", "information", "Raised intraocular pressure: not in the SPRAVATO label; "
                               "attributed to the ketamine consensus as a relative contraindication (not verified "
                               "in a primary text).", source="S32"),
            "racemic": Rule("ket-iop", "information", "Raised intraocular pressure: a commonly cited relative "
                            "contraindication (not verified in a primary text).", source="S32"),
        },
        "hyperthyroidism": {
            "esketamine": Rule("esk-thyroid", "information", "Untreated hyperthyroidism: not in the SPRAVATO label; "
                               "attributed to the ketamine consensus as a relative contraindication (not verified "
                               "in a primary text).", source="S32"),
            "racemic": Rule("ket-thyroid", "information", "Untreated hyperthyroidism: a commonly cited relative "
                            "contraindication (not verified in a primary text).", source="S32"),
        },
        "sleep_apnea": {
            "esketamine": Rule("esk-sleep-apnea", "information", "Sleep apnoea: sedation and respiratory depression "
                               "are boxed warnings; monitor oxygen saturation.", source="S5"),
            "racemic": Rule("ket-sleep-apnea", "information", "Sleep apnoea: a draft standard asks for STOP-BANG "
                            "screening before ketamine.", source="S36"),
        },
    }
)  # fmt: skip

_SEDATIVE = "additive sedation and respiratory depression (boxed warning); it is recorded on the REMS monitoring form"

CONCOMITANT_RULES: MappingProxyType[str, dict[str, Rule]] = MappingProxyType(
    {
        "psychostimulant": {
            "esketamine": Rule("esk-stimulant", "caution", "Psychostimulant: closely monitor blood pressure.",
                               source="S1"),
            "racemic": Rule("ket-stimulant", "caution", "Psychostimulant: closely monitor blood pressure (as the "
                            "esketamine label asks).", source="S1"),
        },
        "maoi": {
            "esketamine": Rule("esk-maoi", "caution", "MAOI: closely monitor blood pressure.", source="S1"),
            "racemic": Rule("ket-maoi", "caution", "MAOI: closely monitor blood pressure (as the esketamine label "
                            "asks).", source="S1"),
        },
        "benzodiazepine": {
            "esketamine": Rule("esk-benzodiazepine", "caution", f"Benzodiazepine: {_SEDATIVE}.", source="S8"),
            "racemic": Rule("ket-benzodiazepine", "information", "Benzodiazepine: additive sedation (recorded on "
                            "the esketamine REMS monitoring form).", source="S8"),
        },
        "non_benzodiazepine_hypnotic": {
            "esketamine": Rule("esk-hypnotic", "caution", f"Non-benzodiazepine hypnotic: {_SEDATIVE}.", source="S8"),
            "racemic": Rule("ket-hypnotic", "information", "Non-benzodiazepine hypnotic: additive sedation.",
                            source="S8"),
        },
        "opioid": {
            "esketamine": Rule("esk-opioid", "caution", f"Opioid: {_SEDATIVE}.", source="S9"),
            "racemic": Rule("ket-opioid", "caution", "Opioid: additive sedation and respiratory depression; monitor "
                            "oxygen saturation.", source="S10"),
        },
    }
)  # fmt: skip
