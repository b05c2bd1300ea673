"""Pure import parsing: what becomes an assessment, what is rejected and why (no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import instruments
from ketamine_trd.errors import InputError
from ketamine_trd.interop.fhir.parse import parse_bundle
from tests.interop.builders import assessment, bundle, codes, resources

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "identifier": [
        {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
         "system": "urn:oid:1.2.3", "value": "EHR-42"}
    ],
    "name": [{"family": "Ng", "given": ["Sam"]}],
    "birthDate": "1975-04-03",
}  # fmt: skip
LA = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
PHQ9_LOINC_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]


def ehr_phq9(answers: list[int], **overrides: Any) -> dict[str, Any]:
    """A PHQ-9 QuestionnaireResponse as another system sends it: LOINC questionnaire, linkIds and answer codes."""
    qr = {
        "resourceType": "QuestionnaireResponse",
        "id": "qr1",
        "identifier": {"system": "urn:oid:1.2.3.99", "value": "A-1"},
        "questionnaire": "http://loinc.org/q/44249-1",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "authored": "2026-03-01T10:00:00Z",
        "item": [
            {"linkId": code, "answer": [{"valueCoding": {"system": "http://loinc.org", "code": LA[v]}}]}
            for code, v in zip(PHQ9_LOINC_ITEMS, answers, strict=True)
        ],
    }
    return qr | overrides


def wrap(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def test_round_trip_of_the_exported_bundle_keeps_answers_and_totals() -> None:
    parsed = parse_bundle(bundle())
    assert parsed.rejected == ()
    by_instrument = {a.instrument.id: a for a in parsed.assessments}
    assert set(by_instrument) == {"phq9", "gad7", "madrs", "cssrs-screener", "cadss"}
    assert by_instrument["phq9"].result.total == 8 and by_instrument["madrs"].result.total == 16
    assert by_instrument["cssrs-screener"].result.risk == "low"
    assert all(a.mrn == "MRN1" for a in parsed.assessments)
    assert [p.mrn for p in parsed.patients] == ["MRN1"]
    assert sum("chair-side" in s.reason for s in parsed.skipped) == 2


def test_a_phq9_from_another_system_is_read_through_loinc_codes() -> None:
    """loinc: 44249-1 panel, item codes, answer list LL358-3 (LA6568-5..LA6571-9 = 0..3)."""
    parsed = parse_bundle(wrap(PATIENT, ehr_phq9([0, 1, 2, 3, 0, 1, 2, 3, 0])))
    (found,) = parsed.assessments
    assert (found.instrument.id, found.mrn, found.result.total) == ("phq9", "EHR-42", 12)
    assert found.key == "urn:oid:1.2.3.99|A-1"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": "in-progress"}, "is not completed"),
        ({"questionnaire": "http://loinc.org/q/99999-9"}, "is not a known instrument"),
        ({"authored": "2026-03-01"}, "time zone"),
        ({"subject": {"reference": "Patient/nobody"}}, "unknown patient"),
    ],
)
def test_rejection_reasons(change: dict[str, Any], reason: str) -> None:
    parsed = parse_bundle(wrap(PATIENT, ehr_phq9([1] * 9, **change)))
    (rejected,) = parsed.rejected
    assert parsed.assessments == () and rejected.index == 1
    assert any(reason in r for r in rejected.reasons), rejected.reasons


def test_out_of_range_item_is_rejected_naming_the_item() -> None:
    qr = ehr_phq9([1] * 9)
    qr["item"][0]["answer"] = [{"valueInteger": 7}]
    (rejected,) = parse_bundle(wrap(PATIENT, qr)).rejected
    assert "phq9.q1" in rejected.reasons[0] and "measurement engine" in rejected.reasons[0]


def test_missing_answers_are_rejected_by_the_engine() -> None:
    qr = ehr_phq9([1] * 9)
    del qr["item"][8]
    (rejected,) = parse_bundle(wrap(PATIENT, qr)).rejected
    assert "phq9.q9" in " ".join(rejected.reasons)


def test_an_answer_without_a_score_is_rejected() -> None:
    qr = ehr_phq9([1] * 9)
    qr["item"][2]["answer"] = [{"valueCoding": {"system": "http://example.org", "code": "sometimes"}}]
    (rejected,) = parse_bundle(wrap(PATIENT, qr)).rejected
    assert "carries no score" in rejected.reasons[0]


def test_wrong_code_on_a_survey_observation_is_rejected() -> None:
    obs = {
        "resourceType": "Observation", "id": "o1", "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "survey"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "00000-0"}]},
        "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-03-01T10:00:00Z",
        "valueQuantity": {"value": 12},
    }  # fmt: skip
    (rejected,) = parse_bundle(wrap(PATIENT, obs)).rejected
    assert "wrong code" in rejected.reasons[0]


def test_a_total_without_answers_is_rejected() -> None:
    b = bundle()
    total = copy.deepcopy(next(o for o in resources(b, "Observation") if "44261-6" in codes(o)))
    del total["derivedFrom"]
    (rejected,) = parse_bundle(wrap(PATIENT, total)).rejected
    assert "missing answers" in rejected.reasons[0]


def test_a_declared_total_that_disagrees_with_the_engine_rejects_the_response() -> None:
    b = bundle()
    total = next(o for o in resources(b, "Observation") if "44261-6" in codes(o))
    total["valueQuantity"]["value"] = 9
    parsed = parse_bundle(b)
    (rejected,) = parsed.rejected
    assert rejected.resource_type == "QuestionnaireResponse" and "differs" in rejected.reasons[0]
    assert "phq9" not in {a.instrument.id for a in parsed.assessments}


def test_an_invalid_resource_is_rejected_with_the_validator_message() -> None:
    qr = ehr_phq9([1] * 9, authored="yesterday at ten")
    (rejected,) = parse_bundle(wrap(PATIENT, qr)).rejected
    assert rejected.reasons[0].startswith("not valid FHIR R4")


def test_panel_of_item_observations_is_an_assessment() -> None:
    """us-core-screening-assessment: a panel 44249-1 with hasMember item Observations (no QuestionnaireResponse)."""
    b = bundle()
    kept = [e for e in b["entry"] if e["resource"]["resourceType"] in ("Patient", "Observation")]
    for entry in kept:
        entry["resource"].pop("derivedFrom", None)
    b["entry"] = [
        e for e in kept if e["resource"]["resourceType"] == "Patient" or codes(e["resource"]) & {
            "44249-1", "44261-6", "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5",
            "44253-3", "44260-8"}
    ]  # fmt: skip
    parsed = parse_bundle(b)
    assert parsed.rejected == ()
    (found,) = parsed.assessments
    assert (found.resource_type, found.instrument.id, found.result.total) == ("Observation", "phq9", 8)


def test_not_a_bundle_is_bad_input() -> None:
    with pytest.raises(InputError, match="Bundle"):
        parse_bundle({"resourceType": "Patient"})


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_any_phq9_round_trips_through_loinc_answer_codes(answers: list[int]) -> None:
    (found,) = parse_bundle(wrap(PATIENT, ehr_phq9(answers))).assessments
    assert found.result.total == sum(answers)
    assert list(found.result.item_values.values()) == answers


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=10, max_size=10))
def test_any_madrs_export_round_trips(answers: list[int]) -> None:
    from ketamine_trd.interop.fhir.bundle import export_bundle
    from ketamine_trd.interop.records import PatientExport
    from tests.interop.builders import NOW, patient_export

    export = patient_export()
    one = PatientExport(export.patient, assessments=(assessment("1", "madrs", answers),))
    (found,) = parse_bundle(export_bundle([one], system="s", now=NOW)).assessments
    assert dict(found.result.item_values) == dict(one.assessments[0].item_values)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 30) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
_FIELDS = st.sampled_from(
    ["status", "questionnaire", "subject", "authored", "item", "derivedFrom", "hasMember", "code", "valueQuantity",
     "identifier", "effectiveDateTime", "category", "answer"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Patient", "QuestionnaireResponse", "Observation", "Encounter", 7]),
            st.dictionaries(_FIELDS, _JSON, max_size=5),
        ),
        max_size=4,
    ),
    _JSON,
)
def test_malformed_bundles_give_a_report_never_a_crash(entries: list[tuple[Any, dict[str, Any]]], meta: Any) -> None:
    listed = [{"resource": {"resourceType": kind, **fields}} for kind, fields in entries]
    b = {"resourceType": "Bundle", "type": "collection", "meta": meta, "entry": [*listed, {"x": 1}]}
    parsed = parse_bundle(b)
    outcomes = len(parsed.patients) + len(parsed.assessments) + len(parsed.rejected) + len(parsed.skipped)
    assert outcomes == len(b["entry"])


def test_a_gad7_coded_with_the_loinc_answer_list_is_scored() -> None:
    """pacio-sample-data: GAD-7 answers LA6569-3 x5, LA6568-5, LA6570-1 -> 1+1+1+1+0+1+2 = 7 (the example's total)."""
    answers = [1, 1, 1, 1, 0, 1, 2]
    qr = {
        "resourceType": "QuestionnaireResponse", "id": "g1", "status": "completed",
        "questionnaire": "https://ketamine-trd.org/fhir/Questionnaire/gad7",
        "subject": {"reference": "Patient/p1"}, "authored": "2025-10-16T11:32:40+00:00",
        "item": [{"linkId": f"q{n}", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": LA[v]}}]}
                 for n, v in enumerate(answers, 1)],
    }  # fmt: skip
    (found,) = parse_bundle(wrap(PATIENT, qr)).assessments
    assert found.result.total == 7


def test_mrn_system_limits_which_identifier_is_an_mrn() -> None:
    subject = {"identifier": {"system": "urn:oid:1.2.3", "value": "EHR-42"}}
    (found,) = parse_bundle(wrap(ehr_phq9([0] * 9, subject=subject)), mrn_system="urn:oid:1.2.3").assessments
    assert found.mrn == "EHR-42"
    (rejected,) = parse_bundle(wrap(ehr_phq9([0] * 9, subject=subject)), mrn_system="urn:other").rejected
    assert "unknown patient" in rejected.reasons[0]


@pytest.mark.parametrize("instrument", [i for i in instruments.all_instruments() if not i.gates], ids=lambda i: i.id)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_every_instrument_round_trips_through_export_and_import(instrument: instruments.Instrument, data: Any) -> None:
    """Invariant over all instruments: exported answers parse back to the same item values and total."""
    from ketamine_trd.interop.fhir.bundle import export_bundle
    from ketamine_trd.interop.records import PatientExport
    from tests.interop.builders import NOW, patient_export

    answers = {i.id: data.draw(st.sampled_from(i.allowed), label=i.id) for i in instrument.items}
    rec = assessment("1", instrument.id, answers)
    one = PatientExport(patient_export().patient, assessments=(rec,))
    (found,) = parse_bundle(export_bundle([one], system="s", now=NOW)).assessments
    assert dict(found.result.item_values) == dict(rec.item_values)
    assert found.result.total == rec.total
