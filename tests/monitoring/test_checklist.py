"""Pre-dose checks: BP per profile (S1, S10), fasting (label administration), medicines (S1, S8, S9), REMS (S6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import sources
from ketamine_trd.clinical.checklist import CONCOMITANT_CLASSES, Decision, FindingLevel, evaluate_predose
from ketamine_trd.clinical.monitoring import VitalSigns
from ketamine_trd.clinical.monitoring_profiles import BpLimit, Cited
from ketamine_trd.errors import InputError, UnknownTermError
from tests.monitoring.builders import IV, LABEL, TRIAL, at, make_checklist, vitals


def _rules(result: object) -> dict[str, str]:
    return {f.rule_id: f.level.value for f in result.findings}  # type: ignore[attr-defined]


def test_clean_checklist_proceeds() -> None:
    result = evaluate_predose(make_checklist(), vitals(-5, 128, 80), "esketamine-nasal", LABEL)
    assert result.decision is Decision.PROCEED and result.findings == ()
    assert result.profile == "spravato-label@1"


def test_label_bp_above_140_90_is_a_caution_not_a_hold_S1() -> None:
    result = evaluate_predose(make_checklist(), vitals(-5, 152, 88), "esketamine-nasal", LABEL)
    assert result.decision is Decision.PROCEED_WITH_CAUTIONS
    finding = result.findings[0]
    assert finding.rule_id == "predose-bp-elevated" and finding.source == "S1"
    assert "152/88" in finding.message
    assert {d.name: d.value for d in finding.data} == {"systolic_mmhg": 152, "diastolic_mmhg": 88}


def test_bp_exactly_140_90_proceeds_S1() -> None:
    assert (
        evaluate_predose(make_checklist(), vitals(-5, 140, 90), "esketamine-nasal", LABEL).decision is Decision.PROCEED
    )


def test_trial_hold_profile_holds_and_respects_age_S10() -> None:
    young = evaluate_predose(make_checklist(age_years=50), vitals(-5, 145, 85), "esketamine-nasal", TRIAL)
    assert young.decision is Decision.HOLD and _rules(young) == {"predose-bp-hold": "hold"}
    older = evaluate_predose(make_checklist(age_years=70), vitals(-5, 145, 85), "esketamine-nasal", TRIAL)
    assert older.decision is Decision.PROCEED_WITH_CAUTIONS and "predose-bp-elevated" in _rules(older)
    assert (
        evaluate_predose(make_checklist(age_years=70), vitals(-5, 151, 85), "esketamine-nasal", TRIAL).decision
        == "hold"
    )


def test_missing_or_stale_bp_holds_S1() -> None:
    assert _rules(evaluate_predose(make_checklist(), None, "esketamine-nasal", LABEL))["predose-bp-missing"] == "hold"
    stale = evaluate_predose(make_checklist(), vitals(-90), "esketamine-nasal", LABEL)
    assert stale.decision is Decision.HOLD


def test_food_within_2_h_and_liquids_within_30_min_are_cautions() -> None:
    result = evaluate_predose(
        make_checklist(last_food_at=at(-90), last_liquid_at=at(-20)), vitals(-5), "esketamine-nasal", LABEL
    )
    assert _rules(result) == {"fasting-food": "caution", "fasting-liquids": "caution"}
    assert {f.source for f in result.findings} == {"spravato-pi-administration"}
    edge = evaluate_predose(
        make_checklist(last_food_at=at(-120), last_liquid_at=at(-30)), vitals(-5), "esketamine-nasal", LABEL
    )
    assert edge.decision is Decision.PROCEED


def test_unrecorded_fasting_times_are_said_not_assumed() -> None:
    result = evaluate_predose(make_checklist(last_food_at=None), vitals(-5), "esketamine-nasal", LABEL)
    assert "not recorded" in result.findings[0].message


def test_nasal_corticosteroid_within_an_hour_is_a_caution() -> None:
    result = evaluate_predose(make_checklist(nasal_medicine_at=at(-30)), vitals(-5), "esketamine-nasal", LABEL)
    assert _rules(result) == {"nasal-medicine-timing": "caution"}


def test_rems_enrolment_hold_only_outpatient_S6() -> None:
    out = evaluate_predose(make_checklist(rems_enrolled=None), vitals(-5), "esketamine-nasal", LABEL)
    assert _rules(out) == {"rems-enrolment": "hold"} and out.findings[0].source == "S6"
    inpatient = evaluate_predose(
        make_checklist(rems_enrolled=None, setting="inpatient"), vitals(-5), "esketamine-nasal", LABEL
    )
    assert inpatient.decision is Decision.PROCEED


def test_missing_predose_spo2_under_the_2024_rems_S6() -> None:
    result = evaluate_predose(make_checklist(), vitals(-5, spo2_percent=None), "esketamine-nasal", LABEL)
    assert _rules(result) == {"predose-spo2-missing": "caution"} and result.findings[0].source == "S6"
    before = make_checklist(checked_at=at(-15) - dt.timedelta(days=800), planned_dose_at=None)
    old = evaluate_predose(before, VitalSigns(before.checked_at, 120, 80), "esketamine-nasal", LABEL)
    assert "predose-spo2-missing" not in _rules(old)  # the 2019 REMS required no pulse oximeter


def test_concomitant_classes_S1_S8_S9() -> None:
    result = evaluate_predose(
        make_checklist(concomitant=frozenset({"maoi", "benzodiazepine"})), vitals(-5), "esketamine-nasal", LABEL
    )
    by_rule = {f.rule_id: f for f in result.findings}
    assert by_rule["concomitant-bp"].source == "S1"
    assert by_rule["concomitant-sedative"].source == "S8"
    opioid = evaluate_predose(make_checklist(concomitant=frozenset({"opioid"})), vitals(-5), "esketamine-nasal", LABEL)
    assert opioid.findings[0].source == "S9"
    unreviewed = evaluate_predose(make_checklist(concomitant_reviewed=False), vitals(-5), "esketamine-nasal", LABEL)
    assert _rules(unreviewed) == {"concomitant-not-reviewed": "caution"}


def test_no_ride_home_is_a_caution_S7() -> None:
    result = evaluate_predose(make_checklist(safe_departure_arranged=None), vitals(-5), "esketamine-nasal", LABEL)
    assert result.findings[0].rule_id == "safe-departure" and "next day" in result.findings[0].message


def test_iv_ketamine_has_no_esketamine_label_rules() -> None:
    result = evaluate_predose(
        make_checklist(rems_enrolled=None, last_food_at=None, concomitant=frozenset({"psychostimulant"})),
        vitals(-5, 150, 85),
        "ketamine-iv",
        IV,
    )
    assert set(_rules(result)) == {"predose-bp-limits-unset", "concomitant-bp"}  # no IV BP limit shipped (S31)
    by_rule = {f.rule_id: f for f in result.findings}
    assert "by analogy" in by_rule["concomitant-bp"].message
    assert by_rule["predose-bp-limits-unset"].source == "site-configuration"
    no_bp = evaluate_predose(make_checklist(rems_enrolled=None, last_food_at=None), None, "ketamine-iv", IV)
    assert no_bp.findings[0].rule_id == "predose-bp-missing" and no_bp.findings[0].source == "S32"
    # A site that sets its own pre-dose limit (the test's choice, not a published value) gets the caution.
    limit = BpLimit("bp-predose-site", Cited(140, "site-configuration"), Cited(90, "site-configuration"))
    site = evaluate_predose(
        make_checklist(rems_enrolled=None, last_food_at=None), vitals(-5, 150, 85), "ketamine-iv",
        replace(IV, id="site-bp", predose_caution=limit),
    )  # fmt: skip
    assert _rules(site) == {"predose-bp-elevated": "caution"}
    assert site.findings[0].source == "site-configuration"


def test_bad_checklist_values_are_refused() -> None:
    with pytest.raises(UnknownTermError):
        make_checklist(concomitant=frozenset({"caffeine"}))
    with pytest.raises(UnknownTermError):
        make_checklist(setting="home")
    with pytest.raises(InputError):
        make_checklist(age_years=12)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(90, 200),
    st.integers(50, 89),
    st.frozensets(st.sampled_from(sorted(CONCOMITANT_CLASSES))),
    st.one_of(st.none(), st.booleans()),
    st.sampled_from([LABEL, TRIAL]),
)
def test_decision_is_the_most_severe_finding(
    sys: int, dia: int, meds: frozenset[str], enrolled: bool | None, profile: object
) -> None:
    result = evaluate_predose(
        make_checklist(concomitant=meds, rems_enrolled=enrolled),
        vitals(-5, sys, dia),
        "esketamine-nasal",
        profile,  # type: ignore[arg-type]
    )
    levels = {f.level for f in result.findings}
    expected = (
        "hold"
        if FindingLevel.HOLD in levels
        else "proceed_with_cautions"
        if levels - {FindingLevel.INFO}
        else "proceed"
    )
    assert result.decision.value == expected
    assert all(f.source in sources.registry() for f in result.findings)
