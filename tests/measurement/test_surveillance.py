"""Long-term safety surveillance: exposure, screens due and signals (intervals and margins are configuration)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.measurement_timeline import Assessment, DoseRecord, ScreenRecord
from ketamine_trd.clinical.surveillance import SurveillanceConfig, survey
from ketamine_trd.errors import InputError

D0 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def dose(n: int, mg: float | None = 56, **kw: object) -> DoseRecord:
    return DoseRecord(day(n), mg, **kw)  # type: ignore[arg-type]


def kinds(report: object) -> list[str]:
    return [s.type for s in report.signals]  # type: ignore[attr-defined]


def test_exposure_counts_and_windows() -> None:
    history = [dose(0), dose(3), dose(40, 84, escalation_reason="partial response"), dose(70, 84), dose(99, None)]
    report = survey(history + [dose(120)], [], today=day(100))  # the dose after today is ignored
    assert report.cumulative_mg == 56 + 56 + 84 + 84
    assert report.doses_without_mg == 1 and any("lower bound" in n for n in report.notes)
    assert report.sessions_total == 5
    assert report.sessions_last_30_days == 1  # day 99; day 70 is exactly 30 days ago: outside
    assert report.sessions_last_90_days == 3  # days 40, 70, 99; day 3 is 97 days ago
    assert report.dose_escalations == 1 and "dose_escalation_without_reason" not in kinds(report)


def test_session_window_boundaries() -> None:
    report = survey([dose(0), dose(1), dose(61)], [], today=day(90))
    assert report.sessions_last_30_days == 1  # day 61 is 29 days ago
    assert report.sessions_last_90_days == 2  # day 0 is exactly 90 days ago: outside the window


def test_escalation_without_reason_is_a_misuse_signal() -> None:
    report = survey(
        [dose(0, 56), dose(3, 84), dose(7, 56), dose(10, 84, escalation_reason="clinician: response")], [], day(20)
    )
    signals = [s for s in report.signals if s.type == "dose_escalation_without_reason"]
    assert [s.date for s in signals] == [day(3)]
    assert signals[0].source == "platform-defined" and signals[0].platform_defined
    assert "platform-defined" in signals[0].message
    assert signals[0].data["previous_mg"] == 56 and signals[0].data["dose_mg"] == 84
    assert report.dose_escalations == 2


@pytest.mark.parametrize(("second", "signal"), [(60, True), (95, False)])
def test_early_session_requests_within_the_window(second: int, signal: bool) -> None:
    history = [dose(0, early_request=True), dose(second, early_request=True)]
    assert ("early_session_requests" in kinds(survey(history, [], day(120)))) is signal


@pytest.mark.parametrize(("recent_days", "signal"), [((35, 40, 45, 50), True), ((40, 50), False)])
def test_session_frequency_rising(recent_days: tuple[int, ...], signal: bool) -> None:
    # today = day 60: days 31-60 are the last 30 days; days 1-30 the 30 days before (2 sessions)
    history = [dose(0, phase="induction"), dose(10, phase="maintenance"), dose(24, phase="maintenance")]
    history += [dose(n, phase="maintenance") for n in recent_days]
    report = survey(history, [], day(60))
    assert ("session_frequency_rising" in kinds(report)) is signal


def scores(instrument: str, *pairs: tuple[int, float]) -> list[Assessment]:
    return [Assessment(day(n), total, instrument) for n, total in pairs]


@pytest.mark.parametrize(("latest", "signal"), [(6, False), (7, True)])
def test_rising_bladder_index(latest: float, signal: bool) -> None:
    report = survey([dose(0)], scores("icsi", (0, 3), (60, 5), (90, latest)), day(100))
    assert ("bladder_index_rising" in kinds(report)) is signal


def test_cognitive_fall_and_cutoff_nasreddine_2005() -> None:
    report = survey([dose(0)], scores("moca", (0, 28), (180, 26)), day(200))
    assert kinds(report) == ["cognitive_decline"]
    below = survey([dose(0)], scores("moca", (0, 27), (180, 25)), day(200))
    assert kinds(below) == ["cognitive_decline", "cognitive_below_cutoff"]
    cutoff = [s for s in below.signals if s.type == "cognitive_below_cutoff"][0]
    assert cutoff.source == "nasreddine-2005" and not cutoff.platform_defined
    margin = survey(
        [dose(0)], scores("moca", (0, 28), (180, 26)), day(200), SurveillanceConfig(cognitive_fall_points=3)
    )
    assert kinds(margin) == []


@pytest.mark.parametrize(("rise", "signal"), [(9, False), (10, True)])
def test_rising_predose_blood_pressure(rise: float, signal: bool) -> None:
    values = [120, 122, 118] + [120 + rise] * 3
    history = [dose(n * 7, predose_systolic_mmhg=v) for n, v in enumerate(values)]
    report = survey(history, [], day(60))
    assert ("predose_bp_rising" in kinds(report)) is signal
    too_few = survey(history[:5], [], day(60))
    assert "predose_bp_rising" not in kinds(too_few)


def test_screens_due_from_first_dose_then_by_interval() -> None:
    history = [dose(0), dose(30)]
    done = scores("icsi", (10, 4)) + scores("moca", (5, 29))
    report = survey(history, done, day(100), screens=[ScreenRecord(day(20), "liver_enzymes")])
    due = {d.screen: d for d in report.due}
    assert due["bladder"].date == day(100) and due["bladder"].last_done == day(10) and not due["bladder"].overdue
    assert due["cognitive"].date == day(185)
    assert due["liver_enzymes"].date == day(200)
    # never done: due its interval after the first dose (day 0 + 30), so 70 days overdue on day 100
    bp = due["blood_pressure_review"]
    assert bp.date == day(30) and bp.overdue and bp.days_overdue == 70 and bp.warning
    assert all(d.source == "site-configuration" for d in report.due)
    assert any("placeholders" in n for n in report.notes)  # monitoring intervals are NF: the report says so
    site = SurveillanceConfig(name="site-a", bladder_interval_days=90, placeholder=False)
    assert not any("placeholders" in n for n in survey(history, done, day(100), site).notes)
    short = survey(history, done, day(100), SurveillanceConfig(bladder_interval_days=30))
    assert {d.screen: d for d in short.due}["bladder"].overdue


def test_report_to_dict_matches_the_cli_contract() -> None:
    d = survey([dose(0), dose(3, 84)], [], day(10)).to_dict()
    assert {"cumulative_mg", "sessions_last_30_days", "sessions_last_90_days", "signals", "due"} <= set(d)
    assert all({"type", "date", "message", "source"} <= set(s) for s in d["signals"])
    assert all({"screen", "date"} <= set(x) for x in d["due"])


def test_bad_configuration_and_input_are_refused() -> None:
    with pytest.raises(InputError, match="bladder_interval_days"):
        SurveillanceConfig(bladder_interval_days=0)
    with pytest.raises(InputError, match="bp_rise_mmhg"):
        SurveillanceConfig(bp_rise_mmhg=-1)
    with pytest.raises(InputError, match="today"):
        survey([], [], today=dt.datetime(2026, 1, 1))
    with pytest.raises(InputError, match="screen.screen"):
        ScreenRecord(D0, "kidney")
    with pytest.raises(InputError, match="predose_systolic_mmhg"):
        DoseRecord(D0, 56, predose_systolic_mmhg=400)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from([28.0, 56.0, 84.0])), max_size=40), st.integers(0, 400))
def test_exposure_invariants(points: list[tuple[int, float]], today: int) -> None:
    history = [dose(n, mg) for n, mg in points]
    report = survey(history, [], day(today))
    assert report.sessions_last_30_days <= report.sessions_last_90_days <= report.sessions_total
    assert report.cumulative_mg == sum(mg for n, mg in points if n <= today)
    assert report.dose_escalations <= max(0, report.sessions_total - 1)
