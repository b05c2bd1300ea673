"""Discharge readiness: >=2 h and until resolution (S6, S8), stable vitals (S8), safe departure (S1, S7)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.monitoring import AdverseEvent, SedationRating, discharge_readiness
from tests.monitoring.builders import IV, LABEL, at, make_observations, vitals


def _ready(obs: object, minutes: float, **kw: object) -> object:
    kw.setdefault("clinically_stable", True)
    kw.setdefault("safe_departure_arranged", True)
    return discharge_readiness(obs, "esketamine-nasal", LABEL, at(minutes), **kw)  # type: ignore[arg-type]


def _unmet(result: object) -> list[str]:
    return [c.criterion for c in result.unmet]  # type: ignore[attr-defined]


def test_ready_at_120_min_when_everything_is_met_S6_S8() -> None:
    result = _ready(make_observations(), 125)
    assert result.ready and _unmet(result) == []  # type: ignore[attr-defined]
    assert result.earliest_at == at(120)  # type: ignore[attr-defined]
    assert result.criteria[0].source == "S6"  # type: ignore[attr-defined]


def test_not_ready_at_119_min_even_if_all_else_is_met() -> None:
    obs = make_observations(vitals=(vitals(-10), vitals(40), vitals(111)), sedation=(SedationRating(at(100), 5),))
    assert _unmet(_ready(obs, 119)) == ["minimum-observation"]
    assert _ready(obs, 120).ready  # type: ignore[attr-defined]


def test_unresolved_sedation_blocks_discharge_S6() -> None:
    obs = make_observations(sedation=(SedationRating(at(110), 4),))
    assert _unmet(_ready(obs, 130)) == ["sedation-resolved"]
    assert _unmet(_ready(make_observations(sedation=()), 130)) == ["sedation-resolved"]


def test_open_adverse_event_blocks_discharge() -> None:
    obs = make_observations(adverse_events=(AdverseEvent(at(30), "dissociation"),))
    assert _unmet(_ready(obs, 130)) == ["adverse-events-resolved"]
    obs = make_observations(adverse_events=(AdverseEvent(at(30), "dissociation", resolved_at=at(90)),))
    assert _ready(obs, 130).ready  # type: ignore[attr-defined]


def test_final_vitals_are_needed_and_in_range_S8() -> None:
    assert "vitals-before-discharge" in _unmet(_ready(make_observations(vitals=(vitals(-10), vitals(40))), 130))
    high = make_observations(vitals=(vitals(-10), vitals(40), vitals(120, 182, 100)))
    assert "vitals-before-discharge" in _unmet(_ready(high, 125))
    no_spo2 = make_observations(vitals=(vitals(-10), vitals(40), vitals(120, spo2_percent=None)))
    assert "vitals-before-discharge" in _unmet(_ready(no_spo2, 125))


def test_stability_and_ride_home_must_be_confirmed_S1_S7() -> None:
    result = _ready(make_observations(), 125, clinically_stable=None, safe_departure_arranged=False)
    assert _unmet(result) == ["clinically-stable", "safe-departure"]
    assert result.criteria[-1].source == "S7"  # type: ignore[attr-defined]


def test_moderate_hepatic_impairment_adds_a_note_S1() -> None:
    result = _ready(make_observations(), 125, moderate_hepatic_impairment=True)
    assert "Child-Pugh B" in result.notes[0]  # type: ignore[attr-defined]


def test_iv_uses_the_site_profile() -> None:
    result = discharge_readiness(
        make_observations(), "ketamine-iv", IV, at(125), clinically_stable=True, safe_departure_arranged=True
    )
    assert result.ready
    assert {c.source for c in result.criteria} == {"site-configuration"}  # no published IV discharge rule (NF)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 300),
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 5)), max_size=4),
    st.booleans(),
)
def test_never_ready_before_the_minimum_observation(now: int, ratings: list[tuple[int, int]], stable: bool) -> None:
    obs = make_observations(sedation=tuple(SedationRating(at(m), s) for m, s in ratings))
    result = _ready(obs, now, clinically_stable=stable)
    if result.ready:  # type: ignore[attr-defined]
        assert now >= 120 and stable


@settings(max_examples=40, deadline=None)
@given(st.integers(120, 400), st.integers(0, 200))
def test_readiness_does_not_lapse_with_time_once_met(t: int, later: int) -> None:
    obs = make_observations()
    if _ready(obs, t).ready:  # type: ignore[attr-defined]
        assert _ready(obs, t + later).ready  # type: ignore[attr-defined]
