"""Monitoring and REMS profiles: values transcribed from the label and REMS, every value cited."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import sources
from ketamine_trd.clinical.monitoring_profiles import (
    BpLimit,
    Cited,
    default_profile,
    get_profile,
    profiles,
    rems_profile,
    rems_profiles,
)
from ketamine_trd.errors import InputError, UnknownTermError

ON = dt.date(2026, 3, 2)


def _cited(value: object) -> list[Cited[object]]:
    """Every ``Cited`` value inside a profile (recursively through dataclasses and tuples)."""
    if isinstance(value, Cited):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [c for f in dataclasses.fields(value) for c in _cited(getattr(value, f.name))]
    if isinstance(value, tuple):
        return [c for item in value for c in _cited(item)]
    return []


@pytest.mark.parametrize("profile", [*profiles(), *rems_profiles()], ids=lambda p: f"{p.id}@{p.version}")
def test_every_profile_value_cites_a_registered_source(profile: object) -> None:
    cited = _cited(profile)
    assert cited
    for value in cited:
        assert value.source in sources.registry(), value


def test_label_predose_consideration_is_140_over_90_strict_S1() -> None:
    # S1 p7: "in patients whose BP is elevated before dosing (e.g. SBP >140 or DBP >90 mmHg)"
    label = get_profile("spravato-label", on=ON)
    assert label.predose_caution is not None and label.predose_hold is None
    assert label.predose_caution.systolic_above_mmhg == Cited(140, "S1")
    assert label.predose_caution.exceeded_by(141, 80)
    assert label.predose_caution.exceeded_by(120, 91)
    assert not label.predose_caution.exceeded_by(140, 90)


def test_trial_hold_is_140_over_90_and_150_at_65_S10() -> None:
    hold = get_profile("spravato-trial-hold", on=ON).predose_hold
    assert hold is not None and hold.systolic_above_mmhg.source == "S10"
    assert hold.exceeded_by(145, 85, age_years=64)
    assert not hold.exceeded_by(145, 85, age_years=65)
    assert hold.exceeded_by(151, 85, age_years=70)
    assert hold.exceeded_by(130, 91, age_years=70)


def test_table6_outlier_markers_are_inclusive_S2() -> None:
    label = get_profile("spravato-label", on=ON)
    assert label.monitoring_bp_limit is not None and label.monitoring_bp_rise is not None
    assert label.monitoring_bp_limit.exceeded_by(180, 100)  # "SBP ≥180 mmHg"
    assert label.monitoring_bp_limit.exceeded_by(150, 110)  # "DBP ≥110 mmHg"
    assert not label.monitoring_bp_limit.exceeded_by(179, 109)
    assert label.monitoring_bp_rise.exceeded_by(40, 0) and label.monitoring_bp_rise.exceeded_by(0, 25)
    assert not label.monitoring_bp_rise.exceeded_by(39, 24)


def test_spravato_minimum_observation_is_120_min_S6() -> None:
    minimum = get_profile("spravato-label", on=ON).minimum_observation_minutes
    assert minimum == Cited(120, "S6")


def test_iv_profiles_are_site_configuration_with_sources_consulted() -> None:
    # Encoding rule 3 and trd-and-eligibility §9: IV ketamine BP limits are site configuration, no shipped default.
    for profile in profiles():
        if "ketamine-iv" in profile.products:
            assert profile.configured_by == "site-configuration"
            assert {"S25", "S31", "S35"} <= set(profile.consulted)
            if profile.in_effect(ON):
                assert profile.predose_caution is None and profile.predose_hold is None
                assert profile.monitoring_bp_limit is None and profile.monitoring_bp_rise is None


def test_iv_default_v3_holds_at_hypertensive_crisis_pressure() -> None:
    """From 2026-12-02: SBP > 180 and/or DBP > 120 mmHg holds an IV dose (2017 ACC/AHA, acc-aha-2017-htn)."""
    v3 = get_profile("iv-ketamine-site-default", on=dt.date(2026, 12, 2))
    assert v3.version == "3" and v3.predose_caution is None and v3.predose_hold is not None
    assert v3.predose_hold.systolic_above_mmhg == Cited(180, "acc-aha-2017-htn")
    assert v3.predose_hold.exceeded_by(181, 80) and v3.predose_hold.exceeded_by(150, 121)
    assert not v3.predose_hold.exceeded_by(180, 120)
    assert get_profile("iv-ketamine-site-default", on=dt.date(2026, 12, 1)).version == "2"


def test_withdrawn_iv_v1_explains_stored_results_but_is_never_in_effect() -> None:
    v1 = get_profile("iv-ketamine-site-default", on=ON, version="1")
    assert v1.withdrawn and v1.predose_caution is not None
    assert not any(v1.in_effect(dt.date(2026, 1, 1) + dt.timedelta(days=d)) for d in range(0, 400, 30))
    assert get_profile("iv-ketamine-site-default", on=ON).version == "2"


def test_rems_versions_S6_S8_S9() -> None:
    current = rems_profile(on=ON)
    assert current.version == "2024-12"
    assert current.submission_window_days == Cited(7, "S8")
    assert current.min_monitoring_minutes.value == 120
    assert current.pulse_oximeter_required == Cited(True, "S6")
    assert current.opioids_on_form is not None and current.opioids_on_form.source == "S9"
    old = rems_profile(on=dt.date(2023, 6, 1))
    assert old.version == "2019-06"
    assert old.pulse_oximeter_required.value is False
    assert old.submission_window_days is None and old.pmf_required is None  # NF: not recorded, never guessed
    assert rems_profile(on=dt.date(2024, 12, 31)).version == "2024-12"
    assert rems_profile(on=dt.date(2024, 12, 30)).version == "2019-06"


def test_lookup_refuses_unknown_profiles_and_dates() -> None:
    with pytest.raises(UnknownTermError):
        get_profile("no-such-profile", on=ON)
    with pytest.raises(UnknownTermError):
        get_profile("spravato-label", on=dt.date(2018, 1, 1))
    with pytest.raises(UnknownTermError):
        rems_profile(on=dt.date(2018, 1, 1))
    with pytest.raises(InputError):
        default_profile("ketamine-oral", on=ON)
    with pytest.raises(InputError):
        get_profile("spravato-label", on=ON).require_product("ketamine-iv")


def test_default_profiles() -> None:
    assert default_profile("esketamine-nasal", on=ON).id == "spravato-label"
    assert default_profile("ketamine-iv", on=ON).id == "iv-ketamine-site-default"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([p for p in profiles() for p in (p.predose_caution, p.predose_hold, p.monitoring_bp_limit) if p]),
    st.integers(50, 260),
    st.integers(20, 160),
    st.integers(0, 40),
    st.one_of(st.none(), st.integers(18, 100)),
)
def test_bp_limits_are_monotone(limit: BpLimit, sys: int, dia: int, more: int, age: int | None) -> None:
    if limit.exceeded_by(sys, dia, age):
        assert limit.exceeded_by(sys + more, dia, age)
        assert limit.exceeded_by(sys, dia + more, age)


def test_label_profile_covers_the_pmf_bp_time_points_S8() -> None:
    bp_points = rems_profile(on=ON).bp_time_points
    assert bp_points is not None and bp_points.value == ("predose", "post-40", "completion")
    ids = [t.id for t in get_profile("spravato-label", on=ON).time_points]
    assert ids == ["predose", "post-40", "discharge"]  # "completion" is the before-discharge reading


def test_iv_predose_crisis_pressure_holds_at_the_chair() -> None:
    from ketamine_trd.clinical.checklist import PredoseChecklist, evaluate_predose
    from ketamine_trd.clinical.monitoring.vitals import VitalSigns

    at = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    v3 = get_profile("iv-ketamine-site-default", on=at.date())
    checks = PredoseChecklist(at, age_years=45, concomitant_reviewed=True, safe_departure_arranged=True)
    held = evaluate_predose(checks, VitalSigns(at, 186, 104, spo2_percent=98), "ketamine-iv", v3)
    hold = next(f for f in held.findings if f.rule_id == "predose-bp-hold")
    assert held.decision.value == "hold" and hold.source == "acc-aha-2017-htn"
    fine = evaluate_predose(checks, VitalSigns(at, 150, 95, spo2_percent=98), "ketamine-iv", v3)
    assert fine.decision.value == "proceed"


CRISIS_FROM = dt.date(2026, 12, 2)


@pytest.mark.parametrize("profile_id", sorted({p.id for p in profiles() if "ketamine-iv" in p.products}))
def test_every_iv_profile_in_effect_from_v3_holds_at_crisis_pressure(profile_id: str) -> None:
    """Every IV profile a site can choose from 2026-12-02 carries the crisis hold, with its source (acc-aha-2017-htn;
    the Ketalar label, S30), so that choosing more frequent readings never drops it."""
    from ketamine_trd.clinical.checklist import Decision, evaluate_predose
    from tests.monitoring.builders import make_checklist, vitals

    profile = get_profile(profile_id, on=CRISIS_FROM)
    hold = profile.predose_hold
    assert hold is not None and hold.systolic_above_mmhg == Cited(180, "acc-aha-2017-htn")
    assert {"S30", "acc-aha-2017-htn"} <= set(profile.consulted)
    held = evaluate_predose(make_checklist(), vitals(-5, 190, 100), "ketamine-iv", profile)
    assert held.decision is Decision.HOLD and held.findings[0].source == "acc-aha-2017-htn"
    assert evaluate_predose(make_checklist(), vitals(-5, 180, 120), "ketamine-iv", profile).decision is Decision.PROCEED


def test_the_frequent_bp_profile_keeps_its_intervals_in_v3_and_v2_explains_older_results() -> None:
    v3 = get_profile("iv-ketamine-site-frequent-bp", on=CRISIS_FROM)
    v2 = get_profile("iv-ketamine-site-frequent-bp", on=CRISIS_FROM - dt.timedelta(days=1))
    assert (v3.version, v2.version) == ("3", "2") and v3.time_points == v2.time_points and v2.predose_hold is None
