"""Code systems, canonical URLs and codes used by the FHIR mapping, each with its source id.

Local codes live under one documented namespace, :data:`BASE` (an identifier, not a promise that
the address resolves): instruments without LOINC codes, products, routes, adverse-event kinds and
identifier systems. See ``docs/fhir.md``.

>>> instrument_coding("madrs", "total")["system"] == INSTRUMENT_SYSTEM
True
>>> instrument_coding("madrs", "total")["code"]
'madrs.total'
>>> VITALS["systolic"].code
'8480-6'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinical.sources import cite

__all__ = [
    "ADVERSE_EVENT_SYSTEM",
    "ALERT_KIND_SYSTEM",
    "ALERT_LEVEL_SYSTEM",
    "FLAG_PRIORITY_EXTENSION",
    "FLAG_PRIORITY_SYSTEM",
    "BASE",
    "INSTRUMENT_SYSTEM",
    "LOINC",
    "PHQ_ANSWER_CODES",
    "PRODUCT_SYSTEM",
    "ROUTE_SYSTEM",
    "UCUM",
    "VITALS",
    "Code",
    "coding",
    "identifier_system",
    "instrument_coding",
    "questionnaire_url",
]

#: The project's FHIR namespace (canonical URLs of local code systems and Questionnaires).
BASE = "https://ketamine-trd.org/fhir"
INSTRUMENT_SYSTEM = f"{BASE}/CodeSystem/instrument"
ANSWER_SYSTEM = f"{BASE}/CodeSystem/answer-value"
PRODUCT_SYSTEM = f"{BASE}/CodeSystem/product"
ROUTE_SYSTEM = f"{BASE}/CodeSystem/route"
ADVERSE_EVENT_SYSTEM = f"{BASE}/CodeSystem/adverse-event-kind"
COURSE_PHASE_SYSTEM = f"{BASE}/CodeSystem/course-phase"
#: the core's one alert vocabulary (``clinical.alert_vocabulary``) as code systems
ALERT_KIND_SYSTEM = f"{BASE}/CodeSystem/alert-kind"
ALERT_LEVEL_SYSTEM = f"{BASE}/CodeSystem/alert-level"
#: R4's Flag priority extension and its codes (IHE PCD alert priority): PN none, PL low, PM medium, PH high
FLAG_PRIORITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY_SYSTEM = "http://hl7.org/fhir/flag-priority-code"
TIMEPOINT_SYSTEM = f"{BASE}/CodeSystem/session-timepoint"
TIMEPOINT_EXTENSION = f"{BASE}/StructureDefinition/session-timepoint"
TAG_SYSTEM = f"{BASE}/CodeSystem/tag"
#: ``meta.tag`` of chair-side rating Observations (a total without items: exported, skipped on import).
SESSION_RATING_TAG = {"system": TAG_SYSTEM, "code": "session-rating"}

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NDC = "http://hl7.org/fhir/sid/ndc"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
# The code system's codes are case-sensitive: "Serious" and "Non-serious" (HL7 terminology, adverse-event-seriousness).
AE_SERIOUS = "Serious"
AE_NON_SERIOUS = "Non-serious"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


@dataclass(frozen=True, slots=True)
class Code:
    """One code of an external system, with the source that gives it."""

    system: str
    code: str
    display: str
    source: str

    def coding(self) -> dict[str, Any]:
        """The FHIR ``Coding`` JSON."""
        return {"system": self.system, "code": self.code, "display": self.display}


SURVEY = Code(OBSERVATION_CATEGORY, "survey", "Survey", source="us-core-screening-assessment")
VITAL_SIGNS = Code(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs", source="hl7-fhir-r4-vitalsigns")
MRN_TYPE = Code(IDENTIFIER_TYPE, "MR", "Medical record number", source="hl7-fhir-r4")
AMBULATORY = Code(ACT_CODE, "AMB", "ambulatory", source="hl7-fhir-r4")
SPRAVATO_NDC = Code(
    NDC, "50458-028", "SPRAVATO (esketamine hydrochloride) nasal spray 28 mg/0.2 mL", source="openfda-ndc-spravato"
)

#: Vital-sign codes of the FHIR R4 Vital Signs profile; units are UCUM.
VITALS: dict[str, Code] = {
    "bp_panel": Code(
        LOINC, "85354-9", "Blood pressure panel with all children optional", source="hl7-fhir-r4-vitalsigns"
    ),
    "systolic": Code(LOINC, "8480-6", "Systolic blood pressure", source="hl7-fhir-r4-vitalsigns"),
    "diastolic": Code(LOINC, "8462-4", "Diastolic blood pressure", source="hl7-fhir-r4-vitalsigns"),
    "heart_rate": Code(LOINC, "8867-4", "Heart rate", source="hl7-fhir-r4-vitalsigns"),
    "spo2": Code(LOINC, "2708-6", "Oxygen saturation in Arterial blood", source="hl7-fhir-r4-vitalsigns"),
    "spo2_pulse_oximetry": Code(
        LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", source="us-core-screening-assessment"
    ),
    "respiratory_rate": Code(LOINC, "9279-1", "Respiratory rate", source="hl7-fhir-r4-vitalsigns"),
}
VITAL_PROFILES: dict[str, str] = {
    "bp_panel": "http://hl7.org/fhir/StructureDefinition/bp",
    "heart_rate": "http://hl7.org/fhir/StructureDefinition/heartrate",
    "spo2": "http://hl7.org/fhir/StructureDefinition/oxygensat",
    "respiratory_rate": "http://hl7.org/fhir/StructureDefinition/resprate",
}

#: LOINC answer list LL358-3 (PHQ-9, PHQ-2): the answer code for each item weight 0-3. The display of
#: LA6568-5 was not verified (reference: L for the label), so no display is sent for any of them.
PHQ_ANSWER_CODES: dict[int, Code] = {
    0: Code(LOINC, "LA6568-5", "", source="loinc"),
    1: Code(LOINC, "LA6569-3", "", source="loinc"),
    2: Code(LOINC, "LA6570-1", "", source="loinc"),
    3: Code(LOINC, "LA6571-9", "", source="loinc"),
}
#: Instruments whose items use that answer list, with the source that shows it: the PHQ-9 and PHQ-2
#: (LOINC), and the GAD-7 (PACIO sample GAD-7 responses coded LA6568-5..LA6570-1; M, a CI build).
PHQ_ANSWER_INSTRUMENTS: dict[str, str] = {
    "phq9": cite("loinc"),
    "phq2": cite("loinc"),
    "gad7": cite("pacio-sample-data"),
}


def coding(code: Code) -> dict[str, Any]:
    """The FHIR ``Coding`` of ``code``, without an empty display.

    >>> coding(PHQ_ANSWER_CODES[1])
    {'system': 'http://loinc.org', 'code': 'LA6569-3'}
    """
    out = code.coding()
    if not out["display"]:
        del out["display"]
    return out


def instrument_coding(instrument_id: str, part: str, display: str = "") -> dict[str, Any]:
    """A local ``Coding`` for an instrument (``part`` ``panel``), its ``total``, ``risk`` or an item id.

    >>> instrument_coding("cadss", "panel")["code"]
    'cadss'
    """
    code = instrument_id if part == "panel" else f"{instrument_id}.{part}"
    out: dict[str, Any] = {"system": INSTRUMENT_SYSTEM, "code": code}
    if display:
        out["display"] = display
    return out


def questionnaire_url(instrument_id: str) -> str:
    """The canonical URL of an instrument's Questionnaire.

    >>> questionnaire_url("phq9")
    'https://ketamine-trd.org/fhir/Questionnaire/phq9'
    """
    return f"{BASE}/Questionnaire/{instrument_id}"


def identifier_system(clinic_slug: str, kind: str) -> str:
    """The identifier system of a clinic's ``mrn``, ``assessment``, ``session`` ... numbers.

    >>> identifier_system("harbour", "mrn")
    'https://ketamine-trd.org/fhir/sid/harbour/mrn'
    """
    return f"{BASE}/sid/{clinic_slug}/{kind}"
