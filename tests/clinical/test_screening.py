"""Screening: label contraindications (S1, S5) are hard; everything else cautions; BP via named profiles."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import sources
from ketamine_trd.clinical.eligibility_profiles import BP_PROFILES, BpProfile
from ketamine_trd.clinical.medical_profile import CONCOMITANT_CLASSES, CONDITIONS, MedicalProfile
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.screening import LEVELS, screen
from ketamine_trd.errors import InputError, UnitError, UnknownTermError

from .conftest import load_example

RACEMIC = [p for p in Product if not p.is_esketamine]


def _profile(**kw: Any) -> MedicalProfile:
    base = {"age": 45, "sex": "male", "blood_pressure": {"systolic": 120, "diastolic": 75}, "rems_enrolled": True,
            "hepatic_impairment": "none", "pregnant": False}  # fmt: skip
    return MedicalProfile.from_dict(base | kw)


def test_clean_profile_is_eligible() -> None:
    r = screen(_profile(), Product.ESKETAMINE_NASAL)
    assert r.decision == "eligible" and r.findings == ()


@pytest.mark.parametrize(
    "condition",
    ["aneurysmal_vascular_disease", "arteriovenous_malformation", "intracerebral_hemorrhage", "hypersensitivity"],
)
def test_s1_label_contraindications_are_hard_for_esketamine(condition: str) -> None:
    r = screen(_profile(conditions=[condition]), Product.ESKETAMINE_NASAL)
    assert r.decision == "not_eligible"
    assert r.findings[0].level == "contraindication" and r.findings[0].source in ("S1", "S5")


@pytest.mark.parametrize("product", RACEMIC)
@pytest.mark.parametrize(
    "condition", ["aneurysmal_vascular_disease", "arteriovenous_malformation", "intracerebral_hemorrhage"]
)
def test_racemic_vascular_items_are_cautions_not_hard_rules(product: Product, condition: str) -> None:
    r = screen(_profile(conditions=[condition]), product)
    assert r.decision == "eligible_with_cautions"


def test_s1_predose_bp_above_140_90_is_a_caution_by_default() -> None:
    r = screen(_profile(blood_pressure={"systolic": 150, "diastolic": 85}), Product.ESKETAMINE_NASAL)
    assert r.decision == "eligible_with_cautions" and r.bp_profile == "spravato-label-2019"
    assert [f.rule for f in r.findings] == ["bp-pre-dose-elevated"] and r.findings[0].source == "S1"
    at_limit = screen(_profile(blood_pressure={"systolic": 140, "diastolic": 90}), Product.ESKETAMINE_NASAL)
    assert at_limit.decision == "eligible"


def test_s10_trial_hold_profile_raises_the_systolic_limit_from_age_65() -> None:
    old = _profile(age=70, blood_pressure={"systolic": 145, "diastolic": 80})
    assert screen(old, Product.ESKETAMINE_NASAL, "esketamine-trial-hold").decision == "eligible"
    assert screen(old, Product.ESKETAMINE_NASAL).decision == "eligible_with_cautions"


def test_racemic_bp_finding_says_the_threshold_is_borrowed_and_unset_profile_says_so() -> None:
    p = _profile(blood_pressure={"systolic": 160, "diastolic": 100})
    r = screen(p, Product.KETAMINE_IV, "spravato-label-2019")
    assert "borrowed" in r.findings[0].message
    unset = screen(p, Product.KETAMINE_IV, "site-unset")
    assert unset.decision == "eligible" and unset.findings[0].rule == "bp-profile-unset"


@pytest.mark.parametrize("product", RACEMIC)
def test_racemic_default_is_the_hypertensive_crisis_range(product: Product) -> None:
    """No verified caution limit for racemic ketamine (S31, S32), but not eligible in a hypertensive crisis:
    SBP > 180 and/or DBP > 120 mmHg (2017 ACC/AHA, acc-aha-2017-htn), where the Ketalar label contraindicates ketamine
    (a significant rise in blood pressure would be a serious hazard, S30): the finding says "do not dose", so its level
    is a contraindication and its source the label."""
    below = screen(_profile(blood_pressure={"systolic": 180, "diastolic": 120}), product)
    assert below.bp_profile == "racemic-hypertensive-crisis" and below.decision == "eligible"
    crises = ({"systolic": 181, "diastolic": 100}, {"systolic": 170, "diastolic": 121},
              {"systolic": 200, "diastolic": 125})
    for bp in crises:
        r = screen(_profile(blood_pressure=bp), product)
        assert r.decision == "not_eligible"
        crisis = next(f for f in r.findings if f.rule == "bp-hypertensive-crisis")
        assert crisis.level == "contraindication" and crisis.source == "S30" and "do not dose" in crisis.message


def test_a_site_can_tighten_the_racemic_bp_profile() -> None:
    p = _profile(blood_pressure={"systolic": 160, "diastolic": 100})
    assert screen(p, Product.KETAMINE_IV).decision == "eligible"
    assert screen(p, Product.KETAMINE_IV, "spravato-label-2019").decision == "eligible_with_cautions"


def test_missing_bp_reading_is_information() -> None:
    p = MedicalProfile.from_dict({"age": 45, "sex": "male", "rems_enrolled": True, "hepatic_impairment": "none"})
    assert screen(p, Product.ESKETAMINE_NASAL).findings[0].rule == "bp-no-reading"


def test_s1_hepatic_and_rems_and_pregnancy() -> None:
    b = screen(_profile(hepatic_impairment="child_pugh_b"), Product.ESKETAMINE_NASAL)
    assert [f.rule for f in b.findings] == ["esk-hepatic-b"]
    r = screen(_profile(rems_enrolled=False), Product.ESKETAMINE_NASAL)
    assert r.findings[0].rule == "esk-rems-not-enrolled" and r.findings[0].source == "S6"
    assert screen(_profile(rems_enrolled=False), Product.KETAMINE_IV).decision == "eligible"
    preg = screen(_profile(sex="female", pregnant=True), Product.ESKETAMINE_NASAL)
    assert preg.decision == "eligible_with_cautions" and "pregnancy" in [f.rule for f in preg.findings]
    # S5 gives no age band for reproductive potential: the information finding is not limited by an invented one.
    for age in (19, 58):
        rules = [f.rule for f in screen(_profile(sex="female", age=age, pregnant=False), Product.KETAMINE_IV).findings]
        assert "reproductive-potential" in rules


def test_s1_stimulant_and_maoi_monitor_bp() -> None:
    r = screen(_profile(concomitant=["psychostimulant", "maoi"]), Product.ESKETAMINE_NASAL)
    assert {f.rule for f in r.findings} == {"esk-stimulant", "esk-maoi"}


def test_example_files() -> None:
    ok = screen(MedicalProfile.from_dict(load_example("profile.json")), Product.ESKETAMINE_NASAL)
    assert ok.decision == "eligible_with_cautions"
    bad = screen(MedicalProfile.from_dict(load_example("profile-contraindicated.json")), Product.ESKETAMINE_NASAL)
    assert bad.decision == "not_eligible"
    assert [f.level for f in bad.findings] == sorted((f.level for f in bad.findings), key=LEVELS.index)


@pytest.mark.parametrize(
    ("doc", "field", "error"),
    [
        ({"conditions": ["psychosis", "gout"]}, "conditions[1]", UnknownTermError),
        ({"concomitant": ["ssri"]}, "concomitant[0]", UnknownTermError),
        ({"weight_lb": 150}, "weight_lb", UnitError),
        ({"hepatic_impairment": "mild"}, "hepatic_impairment", InputError),
        ({"blood_pressure": {"systolic": 400, "diastolic": 80}}, "blood_pressure.systolic", InputError),
        ({"age": "forty"}, "age", InputError),
    ],
)
def test_bad_input_names_the_field(doc: dict, field: str, error: type) -> None:
    with pytest.raises(error) as caught:
        MedicalProfile.from_dict({"age": 45, "sex": "male"} | doc)
    assert caught.value.field == field


def test_bp_profile_refuses_implausible_limits() -> None:
    with pytest.raises(InputError):
        BpProfile("x", "1", "2026-01-01", 20, 90, "site-configuration", "bad")


@settings(max_examples=80, deadline=None)
@given(
    st.floats(12, 100),
    st.lists(st.sampled_from(CONDITIONS), max_size=5),
    st.lists(st.sampled_from(CONCOMITANT_CLASSES), max_size=3),
    st.sampled_from(["none", "child_pugh_a", "child_pugh_b", "child_pugh_c", "unknown"]),
    st.one_of(st.none(), st.tuples(st.integers(90, 220), st.integers(40, 85))),
    st.sampled_from(list(Product)),
    st.sampled_from(sorted(BP_PROFILES)),
    st.one_of(st.none(), st.booleans()),
)
def test_every_finding_cites_a_registered_source_and_the_decision_follows(
    age,
    conditions,
    concomitant,
    hepatic,
    bp,
    product,
    bp_profile,
    pregnant,  # type: ignore[no-untyped-def]
) -> None:
    doc = {"age": age, "sex": "female", "conditions": conditions, "concomitant": concomitant,
           "hepatic_impairment": hepatic, "pregnant": pregnant}  # fmt: skip
    if bp:
        doc["blood_pressure"] = {"systolic": bp[0], "diastolic": bp[1]}
    r = screen(MedicalProfile.from_dict(doc), product, bp_profile)
    for f in r.findings:
        assert f.source in sources.registry() and f.level in LEVELS and f.rule and f.message
    levels = {f.level for f in r.findings}
    expected = ("not_eligible" if "contraindication" in levels
                else "eligible_with_cautions" if "caution" in levels else "eligible")  # fmt: skip
    assert r.decision == expected
    if not product.is_esketamine:
        # racemic: only the label-backed hypersensitivity and hypertensive-crisis pressure (S5, S30) are hard
        hard = {"ket-ci-hypersensitivity", "bp-hypertensive-crisis"}
        assert all(f.rule in hard for f in r.findings if f.level == "contraindication")


_STOP_WORDS = ("do not dose", "do not give", "must not")


def _every_finding() -> list[tuple[str, str, str]]:
    """(rule, level, message) of every declarative rule and of each product's findings for a crisis reading."""
    from ketamine_trd.clinical.screening_rules import CONCOMITANT_RULES, CONDITION_RULES

    rows = [(r.rule, r.level, r.message) for table in (CONDITION_RULES, CONCOMITANT_RULES)
            for by_family in table.values() for r in by_family.values()]  # fmt: skip
    for product in Product:
        crisis = _profile(blood_pressure={"systolic": 200, "diastolic": 125}, hepatic_impairment="child_pugh_c",
                          pregnant=True, breastfeeding=True, age=16)  # fmt: skip
        rows += [(f.rule, f.level, f.message) for f in screen(crisis, product).findings]
    return rows


@pytest.mark.parametrize(("rule", "level", "message"), _every_finding())
def test_a_finding_that_says_do_not_dose_is_a_contraindication(rule: str, level: str, message: str) -> None:
    """A finding's level matches its words: "do not dose" (unconditionally) is a contraindication, never a caution.
    ("Do not administer if ... poses a serious risk", the SPRAVATO label's, S1 p7, asks for a judgement: a caution.)"""
    if any(word in message.lower() for word in _STOP_WORDS):
        assert level == "contraindication", rule


@pytest.mark.parametrize(
    ("missing", "doc"),
    [
        ("sex", {"age": 40, "hepatic_impairment": "none"}),
        ("hepatic_impairment", {"age": 40, "sex": "male"}),
        ("pregnant", {"age": 40, "sex": "female", "hepatic_impairment": "none"}),
    ],
)
def test_the_screening_refuses_to_judge_until_what_the_rules_need_is_answered(missing: str, doc: dict) -> None:
    """No silent default: an unknown sex is not "female", an unrecorded liver is not "no impairment", a female
    patient's unrecorded pregnancy is not "not pregnant". The refusal names the field in clinical words."""
    from ketamine_trd.clinical.medical_profile import NEEDED

    with pytest.raises(InputError) as refused:
        MedicalProfile.from_dict(doc)
    assert refused.value.field == missing and NEEDED[missing] in str(refused.value)
    assert "does not judge" in str(refused.value)


def test_unknown_is_an_answer_the_rules_read() -> None:
    """'unknown' hepatic function and a pregnancy that is not known are answers: information findings, not 'none'."""
    p = MedicalProfile.from_dict({"age": 40, "sex": "female", "hepatic_impairment": "unknown", "pregnant": None})
    rules = {f.rule for f in screen(p, Product.ESKETAMINE_NASAL).findings}
    assert {"hepatic-unknown", "pregnancy-unknown"} <= rules and p.pregnant is None
