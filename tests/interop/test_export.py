"""Pure export mapping: codes from the published sources, structure, and R4 validation of every resource type."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.products import Product
from ketamine_trd.errors import InputError
from ketamine_trd.interop.fhir import codes as c
from ketamine_trd.interop.fhir.ids import Ids
from ketamine_trd.interop.fhir.scores import assessment_resources, questionnaire
from ketamine_trd.interop.fhir.validate import problems, validate_bundle, validate_resource
from tests.interop.builders import NOW, assessment, bundle, codes, patient_export, resources

EXPECTED_TYPES = {
    "Patient",
    "CarePlan",
    "Encounter",
    "MedicationAdministration",
    "Observation",
    "AdverseEvent",
    "QuestionnaireResponse",
    "Questionnaire",
    "CodeSystem",
}


def test_whole_bundle_validates_as_r4() -> None:
    b = bundle()
    validate_bundle(b)
    assert {e["resource"]["resourceType"] for e in b["entry"]} == EXPECTED_TYPES


@pytest.mark.parametrize("kind", sorted(EXPECTED_TYPES))
@pytest.mark.parametrize("product", [Product.KETAMINE_IV, Product.ESKETAMINE_NASAL])
def test_every_resource_type_validates(kind: str, product: Product) -> None:
    found = resources(bundle(product), kind)
    assert found
    for resource in found:
        assert problems(resource) == (), resource


def test_validator_refuses_an_invalid_resource() -> None:
    obs = resources(bundle(), "Observation")[0] | {"status": "done"}
    assert problems(obs)
    with pytest.raises(InputError, match="status"):
        validate_resource(obs)


def test_phq9_codes_follow_us_core_screening_assessment() -> None:
    """loinc / us-core-screening-assessment: panel 44249-1 hasMember items and total 44261-6, derivedFrom the QR."""
    b = bundle()
    qr = next(r for r in resources(b, "QuestionnaireResponse") if r["questionnaire"].endswith("/phq9"))
    qr_ref = f"urn:uuid:{qr['id']}"
    obs = resources(b, "Observation")
    total = next(o for o in obs if "44261-6" in codes(o))
    panel = next(o for o in obs if "44249-1" in codes(o))
    assert total["category"][0]["coding"][0]["code"] == "survey"
    assert total["valueQuantity"]["value"] == 8
    assert total["derivedFrom"] == [{"reference": qr_ref}]
    members = {m["reference"] for m in panel["hasMember"]}
    assert f"urn:uuid:{total['id']}" in members
    item_codes = {code for o in obs if f"urn:uuid:{o['id']}" in members for code in codes(o)}
    assert {
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    } <= item_codes


def test_gad7_total_code_and_local_code_system_for_unlisted_instruments() -> None:
    """loinc: GAD-7 total 70274-6; MADRS and CADSS have no LOINC code (instruments-and-outcomes 1c): local codes."""
    obs = resources(bundle(), "Observation")
    assert any("70274-6" in codes(o) for o in obs)
    madrs = next(o for o in obs if "madrs.total" in codes(o))
    assert [x["system"] for x in madrs["code"]["coding"]] == [c.INSTRUMENT_SYSTEM]
    assert any("cadss.total" in codes(o) for o in obs)


def test_licence_gated_instruments_carry_scores_not_text() -> None:
    """MADRS and C-SSRS are licence-gated (instruments-and-outcomes 1c): no Questionnaire, no text anywhere."""
    b = bundle()
    shared = {q["id"] for q in resources(b, "Questionnaire")}
    assert shared == {"phq9", "gad7", "cadss"} & {i.id for i in instruments.all_instruments() if i.text_shareable}
    for qr in resources(b, "QuestionnaireResponse"):
        assert '"text"' not in json.dumps(qr)
    assert questionnaire(instruments.get("madrs")) is None
    assert questionnaire(instruments.get("cssrs-screener")) is None


def test_cssrs_risk_is_a_coded_observation() -> None:
    risk = next(o for o in resources(bundle(), "Observation") if "93374-7" in codes(o))
    assert risk["valueCodeableConcept"]["text"] == "low"


@pytest.mark.parametrize("instrument", [i for i in instruments.all_instruments() if i.text_shareable])
def test_questionnaire_item_weights_are_the_item_scores(instrument: instruments.Instrument) -> None:
    """hl7-sdc-itemweight: each answer option carries its score as itemWeight."""
    q = questionnaire(instrument)
    assert q is not None and problems(q) == ()
    for item, entry in zip(instrument.items, q["item"], strict=True):
        weights = [o["valueCoding"]["extension"][0]["valueDecimal"] for o in entry["answerOption"]]
        assert entry["linkId"] == item.id and weights == list(item.allowed)
        assert all(o["valueCoding"]["extension"][0]["url"] == c.ITEM_WEIGHT for o in entry["answerOption"])


def test_vital_signs_use_the_r4_vital_signs_codes_and_ucum_units() -> None:
    """hl7-fhir-r4-vitalsigns: BP panel 85354-9 (8480-6, 8462-4 in mm[Hg]), HR 8867-4 /min, SpO2 2708-6 %."""
    vitals = [o for o in resources(bundle(), "Observation") if o["category"][0]["coding"][0]["code"] == "vital-signs"]
    bp = next(o for o in vitals if "85354-9" in codes(o))
    parts = {x["code"]["coding"][0]["code"]: x["valueQuantity"] for x in bp["component"]}
    assert parts["8480-6"]["value"] == 128 and parts["8480-6"]["code"] == "mm[Hg]"
    assert parts["8462-4"]["value"] == 82
    assert next(o for o in vitals if "8867-4" in codes(o))["valueQuantity"]["code"] == "/min"
    spo2 = next(o for o in vitals if "2708-6" in codes(o))
    assert "59408-5" in codes(spo2) and spo2["valueQuantity"]["code"] == "%"
    assert sum(1 for o in vitals if "9279-1" in codes(o)) == 1  # the second reading has no respiratory rate


def test_medication_administration_for_iv_ketamine() -> None:
    (ma,) = resources(bundle(Product.KETAMINE_IV), "MedicationAdministration")
    assert ma["contained"][0]["batch"]["lotNumber"] == "LOT-7781"
    assert ma["dosage"]["dose"] == {"value": 35, "unit": "mg", "system": c.UCUM, "code": "mg"}
    assert ma["dosage"]["rateQuantity"]["code"] == "mL/h"
    assert set(ma["effectivePeriod"]) == {"start", "end"}


def test_esketamine_carries_the_spravato_ndc_product_code() -> None:
    """openfda-ndc-spravato: NDC product 50458-028."""
    (ma,) = resources(bundle(Product.ESKETAMINE_NASAL), "MedicationAdministration")
    med_codes = {x["code"] for x in ma["contained"][0]["code"]["coding"]}
    assert {"50458-028", "esketamine-nasal"} <= med_codes
    assert "effectiveDateTime" in ma and "2 nasal spray device(s)" in ma["dosage"]["text"]


def test_adverse_event_and_care_plan() -> None:
    b = bundle()
    (ae,) = resources(b, "AdverseEvent")
    assert ae["actuality"] == "actual" and ae["severity"]["coding"][0]["code"] == "mild"
    # HL7 adverse-event-seriousness codes are case-sensitive: "Non-serious" / "Serious" (issue 15)
    assert ae["seriousness"]["coding"][0]["code"] == "Non-serious"
    (ma,) = resources(b, "MedicationAdministration")
    assert ae["suspectEntity"] == [{"instance": {"reference": f"urn:uuid:{ma['id']}"}}]
    (plan,) = resources(b, "CarePlan")
    (enc,) = resources(b, "Encounter")
    assert plan["status"] == "active" and plan["activity"][0]["outcomeReference"] == [
        {"reference": f"urn:uuid:{enc['id']}"}
    ]


def test_chair_side_ratings_are_tagged_session_observations() -> None:
    """MOAA/S and CADSS-6 totals recorded at the chair (no items): local codes, the session's Encounter."""
    b = bundle()
    (enc,) = resources(b, "Encounter")
    ratings = [o for o in resources(b, "Observation") if o.get("meta", {}).get("tag")]
    assert sorted(code for o in ratings for code in codes(o)) == ["cadss6.total", "moaas.total"]
    assert all(o["encounter"]["reference"] == f"urn:uuid:{enc['id']}" for o in ratings)


def test_every_local_instrument_code_is_defined_in_the_bundle_code_system() -> None:
    b = bundle()
    (cs,) = resources(b, "CodeSystem")
    defined = {concept["code"] for concept in cs["concept"]}
    used = {
        coding["code"]
        for o in resources(b, "Observation")
        for coding in o["code"]["coding"]
        if coding["system"] == c.INSTRUMENT_SYSTEM
    }
    assert {"madrs.total", "moaas.total", "cadss6.total", "phq9.q9"} <= used <= defined


def test_references_resolve_inside_the_bundle() -> None:
    b = bundle()
    urls = {e["fullUrl"] for e in b["entry"]}
    refs = {m for m in json.dumps(b).split('"') if m.startswith("urn:uuid:")}
    assert refs <= urls


def test_export_is_stable() -> None:
    assert bundle() == bundle()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_any_phq9_exports_valid_resources_with_its_total(answers: list[int]) -> None:
    rec = assessment("1", "phq9", answers)
    out = assessment_resources(rec, Ids("x"), "urn:uuid:p")
    total = next(o for o in out if o["resourceType"] == "Observation" and "44261-6" in codes(o))
    assert total["valueQuantity"]["value"] == sum(answers)
    assert all(problems(r) == () for r in out)


def test_patient_export_fixture_is_used_once() -> None:
    assert patient_export().patient.mrn == "MRN1" and NOW > patient_export().assessments[0].administered_at


def test_bundle_validation_reaches_inside_entries() -> None:
    b = bundle()
    broken = copy.deepcopy(b)
    resources(broken, "Encounter")[0]["status"] = "over"
    with pytest.raises(InputError, match="required value set"):
        validate_bundle(broken)
    broken = copy.deepcopy(b)
    resources(broken, "Encounter")[0]["bogus"] = 1
    with pytest.raises(InputError, match="bogus"):
        validate_bundle(broken)
