"""Dosing: IV ketamine (S23, S28), Devine weight (devine-1974), esketamine (label, S12), other routes (S28, S29)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.dosing import (
    ESKETAMINE_PROFILES,
    IV_PROFILES,
    ROUTE_PROFILES,
    IvDoseProfile,
    esketamine_dose,
    ideal_weight_kg,
    ketamine_iv_dose,
    racemic_route_dose,
)
from ketamine_trd.clinical.products import RACEMIC_NON_IV, Product
from ketamine_trd.errors import InputError, UnknownTermError


def test_s28_half_mg_per_kg_at_70_kg_is_35_mg_over_40_minutes() -> None:
    d = ketamine_iv_dose(weight_kg=70, mg_per_kg=0.5)
    assert (d.dose_mg, d.minutes, d.weight_basis, d.dosing_weight_kg) == (35.0, 40.0, "actual", 70.0)
    assert d.to_dict().keys() >= {"dose_mg", "minutes", "weight_basis", "dosing_weight_kg"}
    assert "rate_ml_per_h" not in d.to_dict() and "draw_ml" not in d.to_dict()


def test_pump_rate_and_draw_volume() -> None:
    d = ketamine_iv_dose(weight_kg=80, mg_per_kg=0.5, minutes=40, bag_ml=100, stock_mg_per_ml=50)
    assert d.rate_ml_per_h == 150.0  # 100 mL over 40 min
    assert d.draw_ml == 0.8  # 40 mg of a 50 mg/mL stock
    assert any("diluted" in n for n in ketamine_iv_dose(weight_kg=80, mg_per_kg=0.5, stock_mg_per_ml=100).notes)


def _site(cap_mg: float | None = 60.0, factor: float | None = 0.4, minutes: tuple[float, float] = (40, 40)):
    """A site's own profile: every value here is site configuration, chosen by the test, not a published one."""
    low, high = minutes
    return IvDoseProfile("site-test", "1", 0.1, 1.0, cap_mg, low, high, 40, factor, "S23", "site-configuration",
                         minutes_source="S23" if minutes == (40, 40) else "site-configuration")  # fmt: skip


def test_devine_ideal_and_adjusted_basis() -> None:
    # Devine: 50 kg + 2.3 kg per inch over 5 ft (male); 45.5 kg (female). 5 ft 10 in = 177.8 cm -> 73 kg.
    assert ideal_weight_kg(height_cm=177.8, sex="male") == pytest.approx(73.0)
    assert ideal_weight_kg(height_cm=177.8, sex="female") == pytest.approx(68.5)
    ideal = ketamine_iv_dose(weight_kg=120, mg_per_kg=0.5, weight_basis="ideal", height_cm=177.8, sex="male")
    assert ideal.dosing_weight_kg == pytest.approx(73.0) and ideal.dose_mg == 36.5
    assert any("NF" in n for n in ideal.notes)  # the weight basis for ketamine is not settled by a source
    site = _site(cap_mg=None, factor=0.4)
    adjusted = ketamine_iv_dose(
        weight_kg=120, mg_per_kg=0.5, weight_basis="adjusted", height_cm=177.8, sex="male", profile=site
    )
    assert adjusted.dosing_weight_kg == pytest.approx(73.0 + 0.4 * (120 - 73.0))


def test_adjusted_basis_uses_the_conventional_factor_and_a_site_may_unset_it() -> None:
    """The shipped profile uses IBW + 0.4 x (actual - IBW) (traynor-1995); a site profile without one refuses it."""
    shipped = IV_PROFILES["fava-2018-range"]
    assert (shipped.adjusted_factor, shipped.adjusted_factor_source) == (0.4, "traynor-1995")
    dose = ketamine_iv_dose(weight_kg=120, mg_per_kg=0.5, weight_basis="adjusted", height_cm=177.8, sex="male")
    # Devine IBW 73 kg (5 ft 10 in, male); 73 + 0.4 x 47 = 91.8 kg; x 0.5 mg/kg = 45.9 mg
    assert dose.dosing_weight_kg == pytest.approx(91.8) and dose.dose_mg == 45.9
    assert dose.weight_source == "traynor-1995"
    with pytest.raises(InputError) as caught:
        ketamine_iv_dose(weight_kg=120, mg_per_kg=0.5, weight_basis="adjusted", height_cm=177.8, sex="male",
                         profile=_site(cap_mg=None, factor=None))  # fmt: skip
    assert caught.value.field == "weight_basis" and "site profile" in caught.value.allowed


def test_s23_shipped_profile_has_no_absolute_cap_and_keeps_the_mg_per_kg_range() -> None:
    """S23 gives 0.1-1.0 mg/kg, each over 40 minutes, and no absolute cap in mg."""
    prof = IV_PROFILES["fava-2018-range"]
    assert (prof.min_mg_per_kg, prof.max_mg_per_kg, prof.max_dose_mg) == (0.1, 1.0, None)
    assert (prof.min_minutes, prof.max_minutes, prof.source, prof.cap_source) == (40, 40, "S23", "site-configuration")
    heavy = ketamine_iv_dose(weight_kg=150, mg_per_kg=1.0)
    assert heavy.dose_mg == 150.0 and heavy.max_dose_mg is None
    assert any("no absolute cap" in n for n in heavy.notes)
    assert heavy.to_dict()["max_dose_mg"] is None and heavy.to_dict()["cap_source"] == "site-configuration"
    for mg_per_kg in (0.09, 1.01):
        with pytest.raises(InputError) as caught:
            ketamine_iv_dose(weight_kg=70, mg_per_kg=mg_per_kg)
        assert caught.value.field == "mg_per_kg"


def test_site_profile_cap_refuses_never_caps() -> None:
    site = _site(cap_mg=60.0)
    assert ketamine_iv_dose(weight_kg=120, mg_per_kg=0.5, profile=site).dose_mg == 60.0  # at the cap: allowed
    with pytest.raises(InputError) as caught:
        ketamine_iv_dose(weight_kg=121, mg_per_kg=0.5, profile=site)
    assert (caught.value.field, caught.value.value) == ("dose_mg", 60.5)
    assert "site-configuration" in caught.value.allowed


def test_site_profile_may_only_narrow_the_studied_range() -> None:
    with pytest.raises(InputError):
        IvDoseProfile("wide", "1", 0.1, 2.0, None, 40, 40, 40, None, "S23", "site-configuration")
    with pytest.raises(InputError) as caught:  # other minutes must be labelled site configuration
        IvDoseProfile("fast", "1", 0.1, 1.0, None, 20, 60, 40, None, "S23", "site-configuration")
    assert caught.value.field == "minutes_source"
    with pytest.raises(InputError):
        _site(cap_mg=0)
    slow = _site(minutes=(40, 100))
    assert ketamine_iv_dose(weight_kg=70, mg_per_kg=0.5, minutes=100, bag_ml=100, profile=slow).rate_ml_per_h == 60.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight_kg": 700, "mg_per_kg": 0.5}, "weight_kg"),
        ({"weight_kg": 70, "mg_per_kg": 1.5}, "mg_per_kg"),
        ({"weight_kg": 70, "mg_per_kg": 0.5, "minutes": 2}, "minutes"),
        ({"weight_kg": 70, "mg_per_kg": 0.5, "minutes": 60}, "minutes"),  # S23 studied 40 minutes only
        ({"weight_kg": 70, "mg_per_kg": 0.5, "weight_basis": "ideal"}, "height_cm"),
        ({"weight_kg": 70, "mg_per_kg": 0.5, "weight_basis": "ideal", "height_cm": 170}, "sex"),
        ({"weight_kg": 70, "mg_per_kg": 0.5, "weight_basis": "lean"}, "weight_basis"),
        ({"weight_kg": 70, "mg_per_kg": 0.5, "height_cm": 300, "sex": "male", "weight_basis": "ideal"}, "height_cm"),
    ],
)
def test_iv_guard_rails_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(InputError) as caught:
        ketamine_iv_dose(**kwargs)
    assert caught.value.field == field


_weights = st.floats(30, 300)
_mg_per_kg = st.floats(0.1, 1.0)


@settings(max_examples=100, deadline=None)
@given(
    _weights,
    _mg_per_kg,
    st.sampled_from(["actual", "ideal", "adjusted"]),
    st.floats(153, 220),
    st.sampled_from(["female", "male"]),
    st.floats(20, 150),
)
def test_no_iv_dose_above_its_cap_for_any_weight(
    weight: float, mg_per_kg: float, basis: str, height: float, sex: str, cap: float
) -> None:
    """With a site cap: every dose is at most the cap, or refused naming dose_mg (never silently capped)."""
    site = _site(cap_mg=cap)
    try:
        d = ketamine_iv_dose(
            weight_kg=weight, mg_per_kg=mg_per_kg, weight_basis=basis, height_cm=height, sex=sex, profile=site
        )
    except InputError as error:
        assert error.field == "dose_mg" and error.value > cap
        assert round(mg_per_kg * weight, 1) > cap  # only refused when the weight itself would exceed the cap
    else:
        assert 0 < d.dose_mg <= cap and d.max_dose_mg == cap
        assert d.dose_mg == pytest.approx(mg_per_kg * d.dosing_weight_kg, abs=0.0501)
        assert d.dosing_weight_kg <= weight + 1e-9


@settings(max_examples=60, deadline=None)
@given(_weights, _mg_per_kg)
def test_shipped_profile_never_refuses_a_studied_mg_per_kg_for_a_plausible_weight(weight: float, mg: float) -> None:
    d = ketamine_iv_dose(weight_kg=weight, mg_per_kg=mg)
    assert d.dose_mg == pytest.approx(mg * weight, abs=0.0501) and d.dose_mg <= 1.0 * weight + 0.05


@settings(max_examples=100, deadline=None)
@given(_weights, _weights, _mg_per_kg, st.sampled_from(["actual", "ideal", "adjusted"]), st.floats(153, 220))
def test_iv_dose_is_monotone_in_weight(w1: float, w2: float, mg_per_kg: float, basis: str, height: float) -> None:
    low, high = sorted((w1, w2))
    kw = {"mg_per_kg": mg_per_kg, "weight_basis": basis, "height_cm": height, "sex": "female", "profile": _site(None)}
    assert ketamine_iv_dose(weight_kg=low, **kw).dose_mg <= ketamine_iv_dose(weight_kg=high, **kw).dose_mg


def test_label_esketamine_day1_is_56_mg_and_84_only_after() -> None:
    first = esketamine_dose(session_number=1)
    assert (first.dose_mg, first.devices, first.minutes_between_devices) == (56, 2, 5)
    with pytest.raises(InputError) as caught:
        esketamine_dose(session_number=1, dose_mg=84)
    assert caught.value.field == "dose_mg"
    later = esketamine_dose(session_number=2, dose_mg=84)
    assert (later.devices, later.minimum_administration_minutes) == (3, 10)


def test_label_suicidality_is_84_mg_and_may_reduce_to_56() -> None:
    assert esketamine_dose(session_number=1, indication="suicidality").dose_mg == 84
    assert esketamine_dose(session_number=1, indication="suicidality", dose_mg=56).dose_mg == 56


def test_s12_age65_profile_starts_at_28_mg() -> None:
    d = esketamine_dose(session_number=1, profile="eu-age65")
    assert (d.dose_mg, d.devices, d.source) == (28, 1, "S12")
    assert esketamine_dose(session_number=2, profile="eu-age65", dose_mg=56).dose_mg == 56
    with pytest.raises(InputError):
        esketamine_dose(session_number=2, dose_mg=28)  # 28 mg is not a US-label dose


def test_s12_age65_changes_in_28_mg_steps() -> None:
    assert esketamine_dose(session_number=3, profile="eu-age65", dose_mg=56, previous_dose_mg=28).dose_mg == 56
    with pytest.raises(InputError) as caught:
        esketamine_dose(session_number=2, profile="eu-age65", dose_mg=84, previous_dose_mg=28)
    assert caught.value.field == "dose_mg" and "28-mg steps" in caught.value.allowed
    assert esketamine_dose(session_number=2, dose_mg=84, previous_dose_mg=56).dose_mg == 84  # US label: no step rule


@pytest.mark.parametrize("dose", [42, 70, 100, 0, -28, 112])
def test_esketamine_dose_not_allowed_is_refused(dose: int) -> None:
    with pytest.raises(InputError) as caught:
        esketamine_dose(session_number=3, dose_mg=dose)
    assert caught.value.field == "dose_mg"


def test_esketamine_bad_inputs() -> None:
    with pytest.raises(InputError):
        esketamine_dose(session_number=0)
    with pytest.raises(InputError):
        esketamine_dose(session_number=1, indication="anxiety")
    with pytest.raises(UnknownTermError):
        esketamine_dose(session_number=1, profile="jp-label")
    assert any("longer" in n for n in esketamine_dose(session_number=2, hepatic_impairment="child_pugh_b").notes)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 60),
    st.sampled_from(["trd", "suicidality"]),
    st.sampled_from(sorted(ESKETAMINE_PROFILES)),
    st.integers(1, 4),
)
def test_every_allowed_esketamine_dose_is_whole_devices(
    session: int, indication: str, profile: str, devices: int
) -> None:
    prof = ESKETAMINE_PROFILES[profile]
    allowed = prof.suicidality_mg if indication == "suicidality" else (
        (prof.trd_first_mg,) if session == 1 else prof.trd_later_mg
    )  # fmt: skip
    try:
        d = esketamine_dose(session_number=session, indication=indication, profile=profile, dose_mg=28 * devices)
    except InputError as refused:
        assert refused.field == "dose_mg" and 28 * devices not in allowed
        return
    assert d.dose_mg == 28 * d.devices and d.dose_mg <= 84 and d.minutes_between_devices == 5
    assert d.dose_mg in allowed


def test_s28_s29_oral_equivalence() -> None:
    """S29: 2.0-2.5 mg/kg oral matches 0.5 mg/kg IV (about 35 mg at 70 kg, S28)."""
    d = racemic_route_dose(Product.KETAMINE_ORAL, mg_per_kg=2.5, weight_kg=70)
    low, high = d.iv_equivalent_range_mg
    assert d.dose_mg == 175.0 and low <= 35.0 <= high


def test_s28_im_bioavailability_and_intranasal_has_no_point_value() -> None:
    im = racemic_route_dose("ketamine-im", dose_mg=38)
    assert im.bioavailability == 0.93 and im.iv_equivalent_mg == pytest.approx(35.3, abs=0.1)
    nasal = racemic_route_dose("ketamine-intranasal", dose_mg=50)
    assert nasal.iv_equivalent_mg is None and nasal.iv_equivalent_range_mg == (5.5, 25.0)


@pytest.mark.parametrize(
    ("product", "kwargs", "field"),
    [
        ("ketamine-iv", {"dose_mg": 35}, "product"),
        ("esketamine-nasal", {"dose_mg": 56}, "product"),
        ("ketamine-oral", {"dose_mg": 1000}, "dose_mg"),
        ("ketamine-im", {"dose_mg": 0}, "dose_mg"),
        ("ketamine-oral", {"mg_per_kg": 2}, "weight_kg"),
        ("ketamine-oral", {}, "dose_mg"),
        ("ketamine-rectal", {"dose_mg": 10}, "product"),
    ],
)
def test_route_guard_rails(product: str, kwargs: dict, field: str) -> None:
    with pytest.raises(InputError) as caught:
        racemic_route_dose(product, **kwargs)
    assert caught.value.field == field


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(RACEMIC_NON_IV), st.floats(1, 400))
def test_route_dose_never_above_its_range_and_equivalent_below_dose(product: Product, dose: float) -> None:
    prof = ROUTE_PROFILES[product]
    try:
        d = racemic_route_dose(product, dose_mg=dose)
    except InputError:
        assert prof.max_dose_mg is not None and not prof.min_dose_mg <= dose <= prof.max_dose_mg
        return
    assert prof.max_dose_mg is None or d.dose_mg <= prof.max_dose_mg
    low, high = d.iv_equivalent_range_mg
    assert low <= high <= d.dose_mg


def test_s29_oral_range_is_the_only_shipped_route_range() -> None:
    """S29 reports 25-300 mg oral doses; S28 gives IM/SL/IN only as single equivalents, so no range is shipped."""
    assert (ROUTE_PROFILES[Product.KETAMINE_ORAL].min_dose_mg, ROUTE_PROFILES[Product.KETAMINE_ORAL].max_dose_mg) == (
        25.0,
        300.0,
    )
    for product in (Product.KETAMINE_IM, Product.KETAMINE_SUBLINGUAL, Product.KETAMINE_INTRANASAL):
        assert ROUTE_PROFILES[product].max_dose_mg is None
        d = racemic_route_dose(product, dose_mg=200, weight_kg=70)
        assert any("no supported dose range" in n for n in d.notes)
    im = racemic_route_dose(Product.KETAMINE_IM, dose_mg=100, weight_kg=70)  # 93 mg IV-eq = 1.33 mg/kg > 1.0 (S23)
    assert any("highest studied IV dose" in n for n in im.notes)
    assert not any(
        "highest studied" in n for n in racemic_route_dose(Product.KETAMINE_IM, dose_mg=38, weight_kg=70).notes
    )
