"""Vital-sign plausibility and the timed schedule (SPRAVATO: pre-dose, ~40 min, before completion; S1, S8)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.monitoring import CheckStatus, VitalSigns, vitals_schedule
from ketamine_trd.clinical.monitoring_profiles import get_profile
from ketamine_trd.errors import InputError
from tests.monitoring.builders import IV, LABEL, T0, at, vitals


def test_implausible_bp_is_refused_with_field_and_range() -> None:
    with pytest.raises(InputError) as caught:
        VitalSigns(T0, 300, 20)
    assert caught.value.field == "systolic_mmhg"
    assert caught.value.value == 300
    assert "50 to 260 mmHg" in caught.value.allowed


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("diastolic_mmhg", {"systolic_mmhg": 120, "diastolic_mmhg": 10}),
        ("diastolic_mmhg", {"systolic_mmhg": 120, "diastolic_mmhg": 120}),
        ("spo2_percent", {"systolic_mmhg": 120, "diastolic_mmhg": 80, "spo2_percent": 101}),
        ("heart_rate_bpm", {"systolic_mmhg": 120, "diastolic_mmhg": 80, "heart_rate_bpm": 0}),
        ("respiratory_rate_per_min", {"systolic_mmhg": 120, "diastolic_mmhg": 80, "respiratory_rate_per_min": 99}),
    ],
)
def test_each_vital_is_checked(field: str, kwargs: dict[str, int]) -> None:
    with pytest.raises(InputError) as caught:
        VitalSigns(T0, **kwargs)
    assert caught.value.field == field


def test_naive_time_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        VitalSigns(dt.datetime(2026, 3, 2, 9, 0), 120, 80)
    assert caught.value.field == "taken_at"


def _status(checks: tuple[object, ...]) -> dict[str, str]:
    return {c.time_point: c.status.value for c in checks}  # type: ignore[attr-defined]


def test_spravato_schedule_points_S1_S8() -> None:
    checks = vitals_schedule((), "esketamine-nasal", LABEL, at(0), dosed_at=T0)
    assert [c.time_point for c in checks] == ["predose", "post-40", "discharge"]
    assert checks[1].due_at == at(40) and checks[1].source == "S1"
    assert checks[2].due_at == at(120) and checks[2].source == "S8"


def test_before_dosing_only_the_predose_check_is_due() -> None:
    status = _status(vitals_schedule((), "esketamine-nasal", LABEL, at(-20), dosed_at=None))
    assert status == {"predose": "due", "post-40": "awaiting_dose", "discharge": "awaiting_dose"}
    status = _status(vitals_schedule((vitals(-25),), "esketamine-nasal", LABEL, at(-20), dosed_at=None))
    assert status["predose"] == "done"


def test_schedule_statuses_over_the_session() -> None:
    readings = (vitals(-10), vitals(41))
    assert _status(vitals_schedule(readings, "esketamine-nasal", LABEL, at(20), dosed_at=T0)) == {
        "predose": "done",
        "post-40": "upcoming",
        "discharge": "upcoming",
    }
    assert _status(vitals_schedule(readings, "esketamine-nasal", LABEL, at(45), dosed_at=T0))["post-40"] == "done"
    late = _status(vitals_schedule(readings[:1], "esketamine-nasal", LABEL, at(51), dosed_at=T0))
    assert late["post-40"] == "overdue"
    assert _status(vitals_schedule(readings, "esketamine-nasal", LABEL, at(300), dosed_at=T0))["discharge"] == "due"


def test_dosing_without_a_predose_reading_is_overdue() -> None:
    assert vitals_schedule((), "esketamine-nasal", LABEL, at(5), dosed_at=T0)[0].status is CheckStatus.OVERDUE


def test_frequent_iv_profile_adds_time_points_S35() -> None:
    frequent = get_profile("iv-ketamine-site-frequent-bp", on=T0.date())
    checks = vitals_schedule((), "ketamine-iv", frequent, at(0), dosed_at=T0)
    assert len(checks) > len(vitals_schedule((), "ketamine-iv", IV, at(0), dosed_at=T0))
    assert {c.source for c in checks} >= {"S35"}
    done = vitals_schedule((vitals(-5), vitals(14)), "ketamine-iv", frequent, at(16), dosed_at=T0)
    assert [c.time_point for c in done if c.status is CheckStatus.DONE] == ["predose", "post-10"]


def test_profile_must_cover_the_product() -> None:
    with pytest.raises(InputError):
        vitals_schedule((), "ketamine-iv", LABEL, at(0), dosed_at=T0)


ORDER = {"upcoming": 0, "due": 1, "overdue": 2, "done": 3}


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(-60, 200), max_size=4),
    st.integers(0, 300),
    st.integers(0, 300),
)
def test_status_is_monotone_in_time(reading_minutes: list[int], t1: int, t2: int) -> None:
    """Later ``now`` never moves a post-dose check back (upcoming < due < overdue; done stays done)."""
    early, late = sorted((t1, t2))
    readings = tuple(vitals(m) for m in reading_minutes)
    first = vitals_schedule(readings, "esketamine-nasal", LABEL, at(early), dosed_at=T0)
    second = vitals_schedule(readings, "esketamine-nasal", LABEL, at(late), dosed_at=T0)
    for a, b in zip(first[1:], second[1:], strict=True):
        if a.status is CheckStatus.DONE:
            assert b.status is CheckStatus.DONE
        elif b.status is not CheckStatus.DONE:
            assert ORDER[a.status.value] <= ORDER[b.status.value]
