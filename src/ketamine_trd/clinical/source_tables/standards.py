"""Sources cited by the standards area beyond the reference register (S-ids live in ``register``).

Rows are transcribed from ``shared/reference/ecosystem.md`` section 6 and the FHIR R4 specification pages
read for the interop area (``interop/fhir``); ``provides`` keeps the confidence tag (H, M, L).
"""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source


def _standard(sid: str, title: str, location: str, provides: str, version: str | None = None) -> Source:
    return Source(sid, title, kind="standard", location=location, provides=provides, version=version)


SOURCES: tuple[Source, ...] = (
    _standard(
        "hl7-fhir-r4",
        "HL7 FHIR Release 4 (v4.0.1): resources, data types and the terminology.hl7.org code systems they bind",
        "https://hl7.org/fhir/R4/",
        "Resource structure of Patient, Questionnaire(Response), Observation, MedicationAdministration, Encounter, "
        "AdverseEvent, CarePlan, Bundle; observation-category (survey, vital-signs), adverse-event seriousness, "
        "severity and outcome codes, v2-0203 identifier type MR, v3-ActCode AMB (H)",
        version="4.0.1",
    ),
    _standard(
        "hl7-fhir-r4-vitalsigns",
        "HL7 FHIR R4 Vital Signs profile and the observation-vitalsignresult value set",
        "https://hl7.org/fhir/R4/observation-vitalsigns.html ; https://hl7.org/fhir/R4/valueset-observation-vitalsignresult.html",
        "Blood pressure panel 85354-9 with systolic 8480-6 and diastolic 8462-4 (mm[Hg]); heart rate 8867-4 (/min); "
        "oxygen saturation 2708-6 (%); respiratory rate 9279-1 (/min); category vital-signs (H)",
        version="4.0.1",
    ),
    _standard(
        "us-core-screening-assessment",
        "US Core Observation Screening Assessment profile and the PHQ-9 examples (STU7)",
        "https://hl7.org/fhir/us/core/STU7/Observation-PHQ9-item-example-44261-6.html",
        "Scores as Observations with category survey, derivedFrom the QuestionnaireResponse; the panel 44249-1 "
        "groups members with hasMember; pulse oximetry 59408-5 beside 2708-6 (H; ecosystem.md 6.1)",
        version="7.0.0",
    ),
    _standard(
        "hl7-sdc-itemweight",
        "HL7 FHIR extension itemWeight (formerly ordinalValue) and SDC scoring conventions",
        "https://hl7.org/fhir/extensions/StructureDefinition-itemWeight.html ; "
        "https://hl7.org/fhir/uv/sdc/en/CodeSystem-CSPHQ9.html",
        "itemWeight on Questionnaire.item.answerOption or Coding; SDC CSPHQ9 weights 0-3 (H; ecosystem.md 6.4)",
        version="extensions 5.2.0; SDC 4.0.0",
    ),
    Source(
        "pacio-sample-data",
        "PACIO Sample Data Depot (HL7 FHIR IG continuous build): GAD-7 and PHQ-9 QuestionnaireResponse examples",
        kind="web",
        location="https://build.fhir.org/ig/paciowg/sample-data-fsh/",
        provides="GAD-7 answers coded with the LOINC answer list LL358-3: LA6568-5 'Not at all', LA6569-3 'Several "
        "days', LA6570-1 'More than half the days' (M: a CI build of sample data, not LOINC itself)",
    ),
    _standard(
        "openfda-ndc-spravato",
        "openFDA NDC directory: SPRAVATO product 50458-028 (esketamine hydrochloride 28 mg/0.2 mL)",
        'https://api.fda.gov/drug/ndc.json?search=product_ndc:"50458-028"',
        "NDC product 50458-028; kits 50458-028-02 and -03; DEA schedule CIII (H; ecosystem.md 6.3). "
        "No RxNorm code for esketamine or ingredient-level ketamine was verified (NF)",
    ),
    _standard(
        "hipaa-safe-harbor",
        "HIPAA Privacy Rule, de-identification standard: Safe Harbor method, 45 CFR 164.514(b)(2)",
        "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-E/section-164.514",
        "The 18 identifiers removed for Safe Harbor de-identification, including names, record numbers, all elements of "
        "dates except year, and ages over 89 aggregated into 90 or older (H; regulation text read in a search result)",
    ),
)
