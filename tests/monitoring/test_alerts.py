"""Live monitoring alerts: BP (S2 Table 6), SpO2, MOAA/S (S1, S10), CADSS, adverse events (S1 p7, S6)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import sources
from ketamine_trd.clinical.monitoring import (
    AdverseEvent,
    AlertLevel,
    DissociationRating,
    SedationRating,
    evaluate_monitoring,
)
from ketamine_trd.clinical.monitoring_profiles import BpLimit, Cited
from ketamine_trd.errors import InputError, UnknownTermError
from tests.monitoring.builders import IV, LABEL, at, make_observations, vitals


def _alerts(
    obs: object, minutes: float, profile: object = LABEL, product: str = "esketamine-nasal"
) -> dict[str, object]:
    return {a.rule_id: a for a in evaluate_monitoring(obs, product, profile, at(minutes))}  # type: ignore[arg-type]


def test_quiet_session_has_no_alerts() -> None:
    assert _alerts(make_observations(sedation=()), 45) == {}


@pytest.mark.parametrize(("sys", "dia", "fires"), [(180, 100, True), (150, 110, True), (179, 109, False)])
def test_table6_outlier_marker_S2(sys: int, dia: int, fires: bool) -> None:
    obs = make_observations(vitals=(vitals(-10, 150, 95), vitals(40, sys, dia)), sedation=())
    alerts = _alerts(obs, 45)
    assert ("bp-outlier-table6" in alerts) is fires
    if fires:
        alert = alerts["bp-outlier-table6"]
        assert alert.source == "S2" and alert.level is AlertLevel.WARNING  # type: ignore[attr-defined]
        assert alert.observed_at == at(40)  # type: ignore[attr-defined]
        assert {d.name: d.value for d in alert.data}["systolic_mmhg"] == sys  # type: ignore[attr-defined]


def test_rise_of_40_systolic_from_predose_S2() -> None:
    obs = make_observations(vitals=(vitals(-10, 120, 70), vitals(40, 160, 80)), sedation=())
    alert = _alerts(obs, 45)["bp-rise-table6"]
    assert {d.name: d.value for d in alert.data}["systolic_rise_mmhg"] == 40  # type: ignore[attr-defined]
    obs = make_observations(vitals=(vitals(-10, 120, 70), vitals(40, 159, 94)), sedation=())
    assert "bp-rise-table6" not in _alerts(obs, 45)


def test_low_spo2_is_critical() -> None:
    obs = make_observations(vitals=(vitals(-10), vitals(40, spo2_percent=92)), sedation=())
    alert = _alerts(obs, 45)["spo2-low"]
    assert alert.level is AlertLevel.CRITICAL and alert.source == "S10"  # type: ignore[attr-defined]
    assert "spo2-low" not in _alerts(make_observations(vitals=(vitals(-10), vitals(40, spo2_percent=93))), 45)


def test_heart_rate_alert_only_when_the_site_sets_a_range() -> None:
    obs = make_observations(vitals=(vitals(-10), vitals(40, heart_rate_bpm=150)), sedation=())
    assert "heart-rate-out-of-range" not in _alerts(obs, 45)  # no published HR limit (NF)
    site = replace(IV, id="site-with-hr", heart_rate_range_bpm=Cited((50, 120), source="site-configuration"))
    alert = _alerts(obs, 45, site, "ketamine-iv")["heart-rate-out-of-range"]
    assert alert.source == "site-configuration" and alert.profile == f"site-with-hr@{IV.version}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("score", "rule", "level", "source"),
    [
        (0, "moaas-loss-of-consciousness", AlertLevel.CRITICAL, "S1"),
        (3, "moaas-moderate-sedation", AlertLevel.WARNING, "S10"),
        (4, "moaas-mild-sedation", AlertLevel.INFO, "S10"),
    ],
)
def test_moaas_levels(score: int, rule: str, level: AlertLevel, source: str) -> None:
    obs = make_observations(sedation=(SedationRating(at(30), score),))
    alert = _alerts(obs, 45)[rule]
    assert alert.level is level and alert.source == source  # type: ignore[attr-defined]
    assert "moaas" not in "".join(_alerts(make_observations(sedation=(SedationRating(at(30), 5),)), 45))


def test_cadss_above_zero_is_shown_without_a_severity_cut_off() -> None:
    obs = make_observations(dissociation=(DissociationRating(at(40), 14),), sedation=())
    alert = _alerts(obs, 45)["cadss-dissociation"]
    assert alert.level is AlertLevel.INFO and "no validated" in alert.message  # type: ignore[attr-defined]


def test_hypertensive_crisis_symptom_refers_for_emergency_care_S1() -> None:
    obs = make_observations(adverse_events=(AdverseEvent(at(30), "sudden-severe-headache"),), sedation=())
    alert = _alerts(obs, 45)["ae-hypertensive-emergency"]
    assert alert.level is AlertLevel.CRITICAL and "emergency care" in alert.message  # type: ignore[attr-defined]
    resolved = make_observations(adverse_events=(AdverseEvent(at(30), "chest-pain", resolved_at=at(35)),))
    assert "ae-hypertensive-emergency" in _alerts(resolved, 45)  # a crisis symptom stays on the list


def test_open_and_resolved_adverse_events() -> None:
    obs = make_observations(adverse_events=(AdverseEvent(at(20), "nausea", resolved_at=at(50)),), sedation=())
    assert "ae-open" in _alerts(obs, 45)
    assert "ae-open" not in _alerts(obs, 55)
    rd = make_observations(adverse_events=(AdverseEvent(at(20), "respiratory-depression"),), sedation=())
    assert _alerts(rd, 45)["ae-respiratory-depression"].source == "S6"  # type: ignore[attr-defined]


def test_overdue_vitals_alert() -> None:
    obs = make_observations(vitals=(vitals(-10),), sedation=())
    assert "vitals-overdue" in _alerts(obs, 55)
    assert "vitals-overdue" not in _alerts(obs, 45)


def test_future_observations_are_ignored() -> None:
    obs = make_observations(vitals=(vitals(-10), vitals(40, 190, 100)), sedation=())
    assert "bp-outlier-table6" not in _alerts(obs, 30)


def test_alerts_are_ordered_most_urgent_first() -> None:
    obs = make_observations(
        sedation=(SedationRating(at(20), 4), SedationRating(at(30), 0)),
        vitals=(vitals(-10), vitals(40, 185, 90)),
    )
    levels = [a.level.rank for a in evaluate_monitoring(obs, "esketamine-nasal", LABEL, at(45))]
    assert levels == sorted(levels, reverse=True)


def test_iv_site_profile_alerts_cite_site_configuration() -> None:
    """No IV BP limit is verified (S31, S32): the shipped profile alerts on none; a site's own limit cites the site."""
    obs = make_observations(vitals=(vitals(-10), vitals(40, 185, 90)), sedation=())
    assert not any(rule.startswith("bp-") for rule in _alerts(obs, 45, IV, "ketamine-iv"))
    # The 180/110 below is the test's own site choice, not a published IV limit.
    limit = BpLimit("bp-monitoring-site", Cited(180, "site-configuration"), Cited(110, "site-configuration"), True)
    site = replace(IV, id="site-bp", monitoring_bp_limit=limit)
    alert = _alerts(obs, 45, site, "ketamine-iv")["bp-monitoring-site"]
    assert alert.source == "site-configuration" and alert.profile == f"site-bp@{IV.version}"  # type: ignore[attr-defined]
    assert "bp-monitoring-site" not in _alerts(make_observations(vitals=(vitals(-10), vitals(40, 179, 109))), 45, site,
                                               "ketamine-iv")  # fmt: skip


def test_bad_ratings_and_events_are_refused() -> None:
    with pytest.raises(InputError):
        SedationRating(at(0), 6)
    with pytest.raises(InputError):
        DissociationRating(at(0), 25, version="cadss-6")
    with pytest.raises(UnknownTermError):
        AdverseEvent(at(0), "grumpiness")
    with pytest.raises(InputError):
        AdverseEvent(at(0), "other")
    with pytest.raises(InputError):
        AdverseEvent(at(10), "nausea", resolved_at=at(5))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 180), st.integers(90, 220), st.integers(50, 89), st.integers(85, 100)), max_size=5
    ),
    st.lists(st.tuples(st.integers(0, 180), st.integers(0, 5)), max_size=4),
    st.integers(0, 240),
)
def test_every_alert_cites_a_source_and_comes_from_the_past(
    readings: list[tuple[int, int, int, int]], ratings: list[tuple[int, int]], now: int
) -> None:
    obs = make_observations(
        vitals=(vitals(-10), *(vitals(m, s, d, spo2_percent=o) for m, s, d, o in readings)),
        sedation=tuple(SedationRating(at(m), r) for m, r in ratings),
    )
    for alert in evaluate_monitoring(obs, "esketamine-nasal", LABEL, at(now)):
        assert alert.source in sources.registry()
        assert alert.observed_at is None or alert.observed_at <= at(now)
        assert alert.message.strip()
