"""Every rule of ``clinical.dose_check.judge_charted_dose``: plan, product, arithmetic, window, screening, override."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.dose_check import (
    DEFAULT_DOSE_RULES,
    ChartedDose,
    DoseRules,
    Outcome,
    judge_charted_dose,
    planned_dose_mg,
)
from ketamine_trd.clinical.monitoring_profiles import Cited
from ketamine_trd.clinical.sources import get
from ketamine_trd.errors import InputError

T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REASON = "patient tolerated this dose at the referring clinic"


def iv(dose: str, **kw: object) -> ChartedDose:
    """The walk's patient: 81.6 kg, planned at 0.5 mg/kg (40.8 mg)."""
    values: dict[str, object] = {"planned_mg_per_kg": Decimal("0.5"), "dosing_weight_kg": Decimal("81.6")}
    values.update(kw)
    return ChartedDose("ketamine-iv", T, T, Decimal(dose), 1, **values)  # type: ignore[arg-type]


def esk(dose: int, session: int = 2, planned: int | None = 56, **kw: object) -> ChartedDose:
    values: dict[str, object] = {"devices_used": dose // 28, "planned_dose_mg": None if planned is None
                                 else Decimal(planned)}  # fmt: skip
    values.update(kw)
    return ChartedDose("esketamine-nasal", T, T, Decimal(dose), session, **values)  # type: ignore[arg-type]


def rules(verdict_dose: ChartedDose) -> dict[str, Outcome]:
    return {f.rule_id: f.outcome for f in judge_charted_dose(verdict_dose).findings}


def test_the_planned_iv_dose_is_mg_per_kg_times_the_dosing_weight() -> None:
    # 0.5 mg/kg x 81.6 kg = 40.8 mg (the walk's plan, S23)
    assert planned_dose_mg(iv("40.8")) == Decimal("40.8")
    verdict = judge_charted_dose(iv("40.8", mg_per_kg=Decimal("0.5")))
    assert verdict.accepted and verdict.findings == ()


def test_a_ten_fold_iv_dose_needs_an_override_and_is_accepted_with_a_reason() -> None:
    verdict = judge_charted_dose(iv("408"))
    assert not verdict.accepted and {f.rule_id for f in verdict.needs_override} == {"dose-off-plan",
                                                                                   "iv-outside-studied-range"}
    off_plan = next(f for f in verdict.findings if f.rule_id == "dose-off-plan")
    assert "10.0 x the planned 40.8 mg" in off_plan.message and off_plan.source == "site-decision"
    studied = next(f for f in verdict.findings if f.rule_id == "iv-outside-studied-range")
    assert "5 mg/kg" in studied.message and studied.source == "S23"
    overridden = judge_charted_dose(iv("408", override_reason=REASON))
    assert overridden.accepted and overridden.overridden and overridden.to_dict()["overridden"] is True


def test_a_short_reason_is_not_an_override() -> None:
    assert not judge_charted_dose(iv("408", override_reason="ok")).accepted


@pytest.mark.parametrize(("dose", "within"), [("44.8", True), ("44.9", True), ("45.0", False), ("36.7", True),
                                               ("36.6", False)])  # fmt: skip
def test_the_plan_tolerance_is_the_named_site_setting(dose: str, within: bool) -> None:
    # 10 % of 40.8 mg = 4.08 mg (site decision), plus the 0.05 mg rounding of a typed dose
    assert ("dose-off-plan" not in rules(iv(dose))) is within
    assert DEFAULT_DOSE_RULES.plan_tolerance_percent == Cited(Decimal(10), "site-decision")
    assert get("site-decision").kind == "platform"


def test_a_site_may_tighten_the_plan_tolerance() -> None:
    strict = DoseRules(plan_tolerance_percent=Cited(Decimal(5), "site-decision"))
    assert "dose-off-plan" in {f.rule_id for f in judge_charted_dose(iv("43.5"), strict).findings}
    assert "dose-off-plan" not in rules(iv("43.5"))
    with pytest.raises(InputError):
        DoseRules(window_hours=Cited(Decimal(0), "site-decision"))


def test_mg_and_mg_per_kg_that_disagree_are_refused_naming_both_fields() -> None:
    # the walk: "2.0 mg/kg" beside 40.8 mg
    verdict = judge_charted_dose(iv("40.8", mg_per_kg=Decimal("2.0")))
    refused = verdict.refused[0]
    assert refused.rule_id == "dose-inconsistent-mg-per-kg" and refused.fields == ("dose_mg", "mg_per_kg")
    assert "163.2 mg" in refused.message  # 2.0 x 81.6
    assert not judge_charted_dose(replace(iv("40.8", mg_per_kg=Decimal("2.0")), override_reason=REASON)).accepted


def test_rate_minutes_and_concentration_must_give_the_dose() -> None:
    # the walk: 1500 mL/h x 40 min x 0.408 mg/mL = 408 mg against a 40.8 mg dose
    bad = judge_charted_dose(iv("40.8", infusion_rate_ml_per_h=Decimal(1500), infusion_duration_min=40,
                                concentration_mg_per_ml=Decimal("0.408")))  # fmt: skip
    assert bad.refused[0].rule_id == "dose-inconsistent-infusion"
    assert bad.refused[0].fields[:2] == ("dose_mg", "infusion_rate_ml_per_h")
    good = judge_charted_dose(iv("40.8", infusion_rate_ml_per_h=Decimal(150), infusion_duration_min=40,
                                 concentration_mg_per_ml=Decimal("0.408")))  # fmt: skip
    assert good.accepted  # 150 mL/h x 40 min = 100 mL x 0.408 mg/mL = 40.8 mg


def test_iv_mg_per_kg_outside_the_studied_range_without_a_weight() -> None:
    dose = ChartedDose("ketamine-iv", T, T, Decimal(100), 1, mg_per_kg=Decimal("1.5"))
    assert rules(dose) == {"iv-outside-studied-range": Outcome.OVERRIDE, "dose-no-plan": Outcome.INFO}


def test_esketamine_doses_must_be_device_multiples() -> None:
    sixty = replace(esk(56), dose_mg=Decimal(60), devices_used=None)
    assert rules(sixty) == {"esk-device-multiple": Outcome.REFUSED}  # 60 mg is within 10 % of 56 mg
    # the walk: 500 mg of esketamine
    assert rules(replace(esk(56), dose_mg=Decimal(500)))["esk-device-multiple"] is Outcome.REFUSED


def test_devices_times_28_mg_must_give_the_dose() -> None:
    verdict = judge_charted_dose(esk(56, devices_used=3))
    assert verdict.refused[0].rule_id == "dose-inconsistent-devices"
    assert verdict.refused[0].fields == ("dose_mg", "devices_used")
    assert "3 device(s) deliver 84 mg" in verdict.refused[0].message


def test_84_mg_is_not_a_label_dose_at_the_first_session() -> None:
    first = rules(esk(84, session=1))
    assert first == {"esk-dose-not-for-session": Outcome.OVERRIDE, "dose-off-plan": Outcome.OVERRIDE}
    assert "esk-dose-not-for-session" not in rules(esk(84, session=2, planned=84))
    assert judge_charted_dose(esk(56, session=1)).accepted


def test_the_eu_age_65_profile_allows_28_mg() -> None:
    # EU/UK label, age 65 or over: 28 mg on day 1 (S12)
    assert judge_charted_dose(esk(28, session=1, planned=28, esketamine_profile="eu-age65")).accepted
    assert "esk-dose-not-for-session" in rules(esk(28, session=1, planned=28))


def test_a_dose_time_outside_the_session_window_is_refused() -> None:
    # the walk: a dose time of 2020 for a session scheduled today
    dose = replace(esk(56), dosed_at=dt.datetime(2020, 1, 1, 9, tzinfo=dt.UTC))
    verdict = judge_charted_dose(replace(dose, override_reason=REASON))
    assert verdict.refused[0].rule_id == "dose-outside-window" and verdict.refused[0].fields == ("dosed_at",)
    assert not verdict.accepted
    assert judge_charted_dose(replace(esk(56), dosed_at=T + dt.timedelta(hours=12))).accepted


def test_an_unresolved_contraindication_needs_an_override() -> None:
    dose = replace(esk(56), contraindications=(("Aneurysmal vascular disease.", "S1"),))
    verdict = judge_charted_dose(dose)
    assert [f.rule_id for f in verdict.needs_override] == ["dose-contraindicated"]
    assert verdict.needs_override[0].source == "S1"
    assert judge_charted_dose(replace(dose, override_reason=REASON)).accepted


def test_no_plan_is_said_not_guessed() -> None:
    verdict = judge_charted_dose(esk(56, planned=None))
    assert verdict.accepted and [f.rule_id for f in verdict.findings] == ["dose-no-plan"]


def test_bad_input_is_an_input_error() -> None:
    with pytest.raises(InputError):
        ChartedDose("ketamine-iv", T, T, Decimal(0), 1)
    with pytest.raises(InputError):
        ChartedDose("ketamine-iv", T.replace(tzinfo=None), T, Decimal(1), 1)
    with pytest.raises(InputError):
        ChartedDose("ketamine-iv", T, T, Decimal(1), 0)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal(1000), places=1),
       st.decimals(min_value=Decimal(30), max_value=Decimal(300), places=1))  # fmt: skip
def test_no_iv_dose_above_the_studied_range_is_accepted_without_a_reason(dose: Decimal, weight: Decimal) -> None:
    verdict = judge_charted_dose(ChartedDose("ketamine-iv", T, T, dose, 1, planned_mg_per_kg=Decimal("0.5"),
                                             dosing_weight_kg=weight))  # fmt: skip
    if dose / weight > Decimal("1.0005"):
        assert not verdict.accepted


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40))
def test_every_accepted_esketamine_dose_is_a_label_dose(devices: int) -> None:
    dose = ChartedDose("esketamine-nasal", T, T, Decimal(devices * 28), 3, planned_dose_mg=Decimal(56),
                       devices_used=devices)  # fmt: skip
    verdict = judge_charted_dose(dose)
    assert verdict.accepted == (devices == 2)


@pytest.mark.parametrize("field", ["planned_dose_mg", "planned_mg_per_kg", "dosing_weight_kg", "mg_per_kg"])
def test_a_zero_plan_or_weight_is_refused_by_name_not_divided_by(field: str) -> None:
    with pytest.raises(InputError) as refused:
        iv("35", **{field: Decimal(0)})
    assert refused.value.field == field


def test_the_window_message_shows_utc_whatever_offset_was_sent() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    late = replace(iv("35"), dosed_at=(T + dt.timedelta(hours=13)).astimezone(plus_two))
    findings = judge_charted_dose(late, DEFAULT_DOSE_RULES).findings
    finding = next(f for f in findings if f.rule_id == "dose-outside-window")
    assert f"{(T + dt.timedelta(hours=13)).astimezone(dt.UTC):%H:%M}" in finding.message and "(UTC)" in finding.message


def test_the_eu_28_mg_step_rule_is_checked_at_the_chair_S12() -> None:
    """Age 65 or over under the EU/UK label (profile eu-age65, S12): doses change in 28-mg steps. The dose check uses
    the label module's rule (``label_dose_problems``), the one that plans the course."""
    eu = {"esketamine_profile": "eu-age65"}
    jump = judge_charted_dose(esk(84, session=3, planned=84, previous_dose_mg=Decimal(28), **eu))
    step = next(f for f in jump.findings if f.rule_id == "esk-dose-step")
    assert step.outcome is Outcome.OVERRIDE and step.source == "S12" and "28 to 56 mg after 28 mg" in step.message
    assert not jump.accepted
    assert judge_charted_dose(esk(84, session=3, planned=84, previous_dose_mg=Decimal(28), override_reason=REASON,
                                  **eu)).accepted  # fmt: skip
    assert judge_charted_dose(esk(56, session=3, planned=56, previous_dose_mg=Decimal(28), **eu)).accepted
    down = judge_charted_dose(esk(28, session=4, planned=28, previous_dose_mg=Decimal(84), **eu))
    assert [f.rule_id for f in down.findings] == ["esk-dose-step"]
    # the US label has no step rule: 56 -> 84 is a label dose
    assert judge_charted_dose(esk(84, session=3, planned=84, previous_dose_mg=Decimal(56))).accepted


def test_the_dose_check_and_the_planner_share_one_label_rule() -> None:
    from ketamine_trd.clinical.dosing.esketamine import esketamine_dose

    with pytest.raises(InputError, match="28 to 56 mg after 28 mg"):
        esketamine_dose(session_number=3, profile="eu-age65", dose_mg=84, previous_dose_mg=28)
