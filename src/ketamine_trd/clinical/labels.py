"""Plain words: the one table that turns the core's codes into what a clinician would say.

Every page, PDF and export shows a verdict, status or code through :func:`label`, never the code itself
(``proceed_with_cautions`` is shown as "Proceed, with cautions"). A code that has no entry falls back to the
code with underscores and hyphens turned into spaces and the first letter capitalised, so a new code is never
shown as an identifier; a test walks every enum of the core and requires an explicit entry for each.

>>> label("decision", "proceed_with_cautions")
'Proceed, with cautions'
>>> label("check_status", "awaiting_dose")
'Waiting for the dose'
>>> label("alert_level", "critical")
'Critical'
>>> label("nothing_known", "some_new_code")
'Some new code'
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.checklist import Decision, FindingLevel
from ketamine_trd.clinical.dose_check import Outcome
from ketamine_trd.clinical.monitoring.chart import ChartStep, SessionState
from ketamine_trd.clinical.monitoring.vitals import CheckStatus
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.rems import RemsStatus

__all__ = ["LABELS", "VOCABULARIES", "label"]

_TABLE: dict[str, dict[str, str]] = {
    "decision": {
        Decision.PROCEED: "Proceed",
        Decision.PROCEED_WITH_CAUTIONS: "Proceed, with cautions",
        Decision.HOLD: "Hold: do not dose",
    },
    "finding_level": {
        FindingLevel.INFO: "Note",
        FindingLevel.CAUTION: "Caution",
        FindingLevel.HOLD: "Hold",
    },
    "dose_outcome": {
        Outcome.REFUSED: "Refused",
        Outcome.OVERRIDE: "Needs a recorded reason",
        Outcome.INFO: "Note",
    },
    "check_status": {
        CheckStatus.DONE: "Done",
        CheckStatus.AWAITING_DOSE: "Waiting for the dose",
        CheckStatus.UPCOMING: "Not yet due",
        CheckStatus.DUE: "Due now",
        CheckStatus.OVERDUE: "Overdue",
    },
    "alert_level": {
        AlertLevel.INFO: "Information",
        AlertLevel.WARNING: "Warning",
        AlertLevel.HIGH: "High",
        AlertLevel.CRITICAL: "Critical",
    },
    "alert_kind": {
        AlertKind.SUICIDE_ITEM: "Suicidal thoughts reported (PHQ-9 item 9)",
        AlertKind.CSSRS_RISK: "Suicide risk on the C-SSRS",
        AlertKind.ASSESSMENT_DUE: "Assessment due",
        AlertKind.RELAPSE: "Relapse",
        AlertKind.LOSS_OF_RESPONSE: "Loss of response",
        AlertKind.FADING_BENEFIT: "Fading benefit",
        AlertKind.SAFETY_SIGNAL: "Safety signal",
        AlertKind.SCREEN_OVERDUE: "Screen due",
        AlertKind.BLOOD_PRESSURE: "Blood pressure",
        AlertKind.MONITORING: "Monitoring",
        AlertKind.REMS_DUE: "REMS monitoring form due",
        AlertKind.OTHER: "Other",
    },
    "product": {
        Product.ESKETAMINE_NASAL: "Esketamine nasal spray (SPRAVATO)",
        Product.KETAMINE_IV: "Ketamine IV infusion",
        Product.KETAMINE_IM: "Ketamine intramuscular",
        Product.KETAMINE_ORAL: "Ketamine oral",
        Product.KETAMINE_SUBLINGUAL: "Ketamine sublingual",
        Product.KETAMINE_INTRANASAL: "Ketamine intranasal (compounded)",
    },
    "product_short": {
        Product.ESKETAMINE_NASAL: "Esketamine nasal",
        Product.KETAMINE_IV: "Ketamine IV",
        Product.KETAMINE_IM: "Ketamine IM",
        Product.KETAMINE_ORAL: "Ketamine oral",
        Product.KETAMINE_SUBLINGUAL: "Ketamine sublingual",
        Product.KETAMINE_INTRANASAL: "Ketamine intranasal",
    },
    "session_status": {
        SessionState.PLANNED: "Planned",
        SessionState.IN_PROGRESS: "In progress",
        SessionState.SIGNED: "Signed",
        SessionState.CANCELLED: "Cancelled",
    },
    "chart_step": {
        ChartStep.BEFORE: "Before dosing",
        ChartStep.DOSING: "Dosing",
        ChartStep.MONITORING: "Monitoring",
        ChartStep.DISCHARGE: "Discharge and signing",
    },
    "rating_instrument": {"moaas": "MOAA/S", "cadss-23": "CADSS", "cadss-6": "CADSS-6"},
    "medicine_class": {
        "benzodiazepine": "Benzodiazepine",
        "non_benzodiazepine_hypnotic": "Non-benzodiazepine sleeping medicine (Z-drug)",
        "psychostimulant": "Psychostimulant",
        "maoi": "MAOI (monoamine oxidase inhibitor)",
        "opioid": "Opioid",
        "nasal_medicine": "Nasal corticosteroid or decongestant",
    },
    "rems_status": {
        RemsStatus.DUE: "Due",
        RemsStatus.DUE_SOON: "Due soon",
        RemsStatus.OVERDUE: "Overdue",
        RemsStatus.SUBMITTED: "Submitted",
        "unreadable": "Form unreadable: open the record to see which field",  # the clinic's stored form (overview)
    },
    # the clinic's record states (its Django choices; tests/clinic checks every choice has an entry here)
    "course_phase": {
        "evaluation": "Evaluation",
        "induction": "Induction",
        "maintenance": "Maintenance",
        "ended": "Ended",
    },
    # the decision stored with an intake result: a screening's (screening.py) or a TRD verdict's (trd.py)
    "intake_verdict": {
        "eligible": "Eligible",
        "eligible_with_cautions": "Eligible, with cautions",
        "not_eligible": "Not eligible",
        "trd": "Meets the TRD definition",
        "not_trd": "Does not meet the TRD definition",
    },
    "course_due": {
        "review": "End-of-induction review",
        "reassessment": "Reassessment",
    },
    # who entered a score: staff (no channel) or the patient through a self-report channel (clinic.selfreport)
    "report_channel": {
        "staff": "Staff-entered",
        "link": "Patient-reported (link)",
        "tablet": "Patient-reported (waiting-room tablet)",
    },
}

#: The core enums each vocabulary is checked against (every member needs an entry).
VOCABULARIES: Mapping[str, type[StrEnum]] = MappingProxyType(
    {
        "decision": Decision,
        "finding_level": FindingLevel,
        "dose_outcome": Outcome,
        "check_status": CheckStatus,
        "alert_level": AlertLevel,
        "alert_kind": AlertKind,
        "product": Product,
        "product_short": Product,
        "rems_status": RemsStatus,
        "session_status": SessionState,
        "chart_step": ChartStep,
    }
)

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {name: MappingProxyType({str(code): text for code, text in table.items()}) for name, table in _TABLE.items()}
)


def label(vocabulary: str, code: object) -> str:
    """The words for ``code`` in ``vocabulary``; an unknown code is shown as words, never as an identifier.

    ``None`` and the empty string are shown as an em dash.

    >>> label("product", "ketamine-iv")
    'Ketamine IV infusion'
    >>> label("decision", None)
    '—'
    """
    if code is None or code == "":
        return "—"
    text = str(code)
    known = LABELS.get(vocabulary, {}).get(text)
    if known is not None:
        return known
    words = text.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]
