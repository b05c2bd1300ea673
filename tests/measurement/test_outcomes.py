"""The outcome engine on timelines covering every event type and the edges.

Definitions transcribed from the sources (instruments-and-outcomes.md §2): response >= 50%
reduction (cochrane-cd011612); remission MADRS <= 12 (S13) or <= 10 (S45), PHQ-9 < 5 (cms159),
QIDS-SR16 <= 5 and HAM-D17 <= 7 (trivedi-2006); early response on day 2 (turkoz-2021); relapse
MADRS >= 22 on 2 consecutive assessments 5-15 days apart (nct02493868), HAM-D17 >= 18 7-14 days
apart (nct04007367). Loss of response and fading benefit are platform-defined.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.measurement_rules import OutcomeConfig
from ketamine_trd.clinical.outcomes import (
    Assessment,
    DoseRecord,
    OutcomeReport,
    RelapseEvent,
    evaluate_outcomes,
    events_by_type,
)
from ketamine_trd.errors import InputError

D0 = dt.date(2026, 1, 5)  # first dose


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def madrs(*pairs: tuple[int, float], instrument: str = "madrs") -> list[Assessment]:
    return [Assessment(day(n), total, instrument) for n, total in pairs]


def doses(*days: int, phase: str | None = "induction", mg: float = 56) -> list[DoseRecord]:
    return [DoseRecord(day(n), mg, phase) for n in days]


INDUCTION = doses(0, 3, 7, 10, 14, 17, 21, 24)


def types(report: OutcomeReport) -> list[str]:
    return [e.type for e in report.events]


def test_every_event_type_on_one_timeline() -> None:
    scores = madrs(
        (-1, 36),  # baseline
        (1, 16),  # day 2: early response (16 <= 18)
        (7, 12),  # remission (<= 12), sustained response
        (14, 10),  # sustained remission
        (35, 23),
        (42, 24),  # relapse: 2 x >= 22, 7 days apart
        (49, 14),  # response again
        (56, 20),
        (63, 21),  # loss of response: 2 x > 18, 7 days apart, below relapse threshold
    )
    maintenance = doses(31, 45, 52, 56, phase="maintenance")  # intervals 14, 7, 4: two shortenings
    report = evaluate_outcomes(scores, INDUCTION + maintenance, "madrs")
    by_type = events_by_type(report)
    assert by_type["early_response"] == [day(1)]
    assert by_type["response"] == [day(1), day(49)]
    assert by_type["sustained_response"][0] == day(7)
    assert by_type["remission"] == [day(7)]
    assert by_type["sustained_remission"] == [day(14)]
    assert by_type["relapse"] == [day(42)]
    assert by_type["loss_of_response"] == [day(63)]
    assert by_type["fading_benefit_signal"] == [day(56)]
    assert report.durability_days == 42 - 24
    assert report.days_to_response == 1 and report.sessions_to_response == 1
    assert report.days_to_remission == 7 and report.sessions_to_remission == 3
    dates = [e.date for e in report.events]
    assert dates == sorted(dates)


def test_events_carry_definition_threshold_and_source() -> None:
    report = evaluate_outcomes(madrs((-1, 30), (7, 12), (14, 22), (20, 22)), INDUCTION, "madrs")
    by = {e.type: e for e in report.events}
    assert by["response"].threshold == 15 and by["response"].source == "cochrane-cd011612"
    assert by["remission"].threshold == 12 and by["remission"].source == "S13"
    assert "<= 12" in by["remission"].definition
    assert by["relapse"].source == "nct02493868" and by["relapse"].threshold == 22
    assert by["relapse"].data["first_date"] == day(14).isoformat()
    assert not any(e.platform_defined for e in report.events if e.type in ("response", "remission", "relapse"))


def test_platform_defined_events_are_labelled_as_such() -> None:
    report = evaluate_outcomes(madrs((-1, 30), (7, 10), (14, 20), (21, 20)), INDUCTION, "madrs")
    loss = [e for e in report.events if e.type == "loss_of_response"]
    assert loss and loss[0].platform_defined and loss[0].source == "platform-defined"
    assert "platform-defined" in loss[0].definition
    assert loss[0].to_dict()["platform_defined"] is True


def test_aspire_consistent_remission_is_madrs_only_other_scales_platform_defined() -> None:
    """ASPIRE: MADRS <= 12 at two consecutive visits (M); for another scale the same rule is an analogy."""
    madrs_report = evaluate_outcomes(madrs((-1, 30), (7, 12), (14, 10)), INDUCTION, "madrs")
    (sustained,) = [e for e in madrs_report.events if e.type == "sustained_remission"]
    assert sustained.source == "aspire-consistent-remission" and not sustained.platform_defined
    phq = evaluate_outcomes(madrs((-1, 20), (7, 4), (14, 3), instrument="phq9"), INDUCTION, "phq9")
    (analogy,) = [e for e in phq.events if e.type == "sustained_remission"]
    assert analogy.source == "platform-defined" and analogy.platform_defined and "by analogy" in analogy.definition


def test_summary_values_match_the_cli_contract() -> None:
    report = evaluate_outcomes(madrs((-1, 40), (7, 30), (28, 10)), INDUCTION, "madrs")
    d = report.to_dict()
    assert d["baseline"] == 40 and d["latest"] == 10 and d["percent_change"] == -75.0
    assert d["response"] is True and d["remission"] is True and d["remission_threshold"] == 12
    assert d["days_to_response"] == 28 and d["days_to_remission"] == 28
    assert {e["type"] for e in d["events"]} >= {"response", "remission"}
    assert all({"type", "date"} <= set(e) for e in d["events"])


# --- remission thresholds ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("threshold", "total", "remits", "source"),
    [(None, 12, True, "S13"), (None, 13, False, "S13"), (10, 11, False, "S45"), (10, 10, True, "S45")],
)
def test_madrs_remission_esketamine_programme_s13_or_escape_trd_s45(
    threshold: float | None, total: float, remits: bool, source: str
) -> None:
    report = evaluate_outcomes(madrs((-1, 30), (14, total)), INDUCTION, "madrs", remission_threshold=threshold)
    assert report.remission is remits
    assert report.remission_source == source
    assert report.remission_threshold == (threshold or 12)


def test_site_configured_remission_threshold_is_marked() -> None:
    report = evaluate_outcomes(madrs((-1, 30), (14, 9)), INDUCTION, "madrs", remission_threshold=9)
    assert report.remission and report.remission_source == "site-configuration"


@pytest.mark.parametrize(
    ("instrument", "at", "beyond"),
    [("phq9", 4, 5), ("qids-sr16", 5, 6), ("hamd17", 7, 8)],
)
def test_remission_cutoffs_cms159_trivedi_2006(instrument: str, at: float, beyond: float) -> None:
    base = 20.0
    yes = evaluate_outcomes(madrs((-1, base), (14, at), instrument=instrument), INDUCTION, instrument)
    no = evaluate_outcomes(madrs((-1, base), (14, beyond), instrument=instrument), INDUCTION, instrument)
    assert yes.remission and not no.remission


def test_scale_without_published_cutoffs_says_unknown() -> None:
    report = evaluate_outcomes(madrs((-1, 18), (14, 2), instrument="gad7"), INDUCTION, "gad7")
    assert report.response and not report.remission and report.remission_threshold is None
    assert any("No published remission cut-off" in n for n in report.notes)
    assert any("relapse" in n for n in report.notes)


# --- baseline edges ---------------------------------------------------------------------------
def test_no_baseline_gives_no_response_but_still_remission() -> None:
    report = evaluate_outcomes(madrs((3, 20), (10, 8)), INDUCTION, "madrs")
    assert report.baseline is None and report.percent_change is None and not report.response
    assert report.remission and types(report) == ["remission"]
    assert any("No baseline" in n for n in report.notes)


@pytest.mark.parametrize(("days_before", "found"), [(30, True), (31, False), (0, True)])
def test_baseline_window_is_configurable(days_before: int, found: bool) -> None:
    report = evaluate_outcomes(madrs((-days_before, 30), (14, 14)), INDUCTION, "madrs")
    assert (report.baseline == 30) is found
    narrow = evaluate_outcomes(
        madrs((-10, 30), (14, 14)), INDUCTION, "madrs", config=OutcomeConfig(baseline_window_days=7)
    )
    assert narrow.baseline is None


def test_baseline_is_the_last_score_before_the_first_dose() -> None:
    report = evaluate_outcomes(madrs((-20, 40), (-3, 32), (14, 16)), INDUCTION, "madrs")
    assert report.baseline == 32 and report.baseline_date == day(-3) and report.response


def test_a_same_day_score_after_the_first_dose_is_not_the_baseline() -> None:
    dose_at = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC)
    morning, evening = dose_at - dt.timedelta(minutes=15), dose_at + dt.timedelta(hours=6)
    scores = [Assessment(D0, 17, "phq9", at=morning), Assessment(D0, 7, "phq9", at=evening),
              Assessment(day(14), 8, "phq9")]  # fmt: skip
    report = evaluate_outcomes(scores, [DoseRecord(D0, 56, "induction", at=dose_at)], "phq9")
    assert report.baseline == 17 and report.response  # the morning score, not the evening one
    only_evening = evaluate_outcomes(scores[1:], [DoseRecord(D0, 56, "induction", at=dose_at)], "phq9")
    assert only_evening.baseline is None  # taken after the first dose: no baseline, never a guessed one
    without_times = evaluate_outcomes([Assessment(D0, 17, "phq9"), Assessment(D0, 7, "phq9")], [DoseRecord(D0)],
                                      "phq9")  # fmt: skip
    assert without_times.baseline == 7  # dates only: the last score of the day counts (baseline_same_day)


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(InputError, match="assessment.at"):
        Assessment(D0, 17, "phq9", at=dt.datetime(2026, 1, 5, 9, 0))
    with pytest.raises(InputError, match="dose.at"):
        DoseRecord(D0, at=dt.datetime(2026, 1, 5, 9, 0))


def test_single_post_dose_score() -> None:
    report = evaluate_outcomes(madrs((-1, 30), (7, 14)), INDUCTION, "madrs")
    assert report.response and types(report) == ["response"]
    only_baseline = evaluate_outcomes(madrs((-1, 30)), INDUCTION, "madrs")
    assert only_baseline.latest == 30 and only_baseline.percent_change is None and not only_baseline.response
    assert only_baseline.events == ()


def test_scores_only_before_the_window_never_count_as_remission() -> None:
    report = evaluate_outcomes(madrs((-60, 30), (-40, 8)), INDUCTION, "madrs")
    assert report.baseline is None and report.latest == 8
    assert not report.remission and not report.response and report.events == ()


def test_no_doses_uses_first_score_as_baseline() -> None:
    report = evaluate_outcomes(madrs((0, 30), (14, 12)), [], "madrs")
    assert report.baseline == 30 and report.response and report.days_to_response is None
    assert report.sessions_to_response is None


def test_empty_timeline() -> None:
    report = evaluate_outcomes([], [], "madrs")
    assert report.baseline is None and report.latest is None and report.events == ()


# --- relapse (SUSTAIN-1, nct02493868) ---------------------------------------------------------
@pytest.mark.parametrize(("gap", "relapse"), [(4, False), (5, True), (10, True), (15, True), (16, False)])
def test_relapse_pair_gap_5_to_15_days_nct02493868(gap: int, relapse: bool) -> None:
    scores = madrs((-1, 30), (7, 10), (40, 22), (40 + gap, 25))
    report = evaluate_outcomes(scores, INDUCTION, "madrs")
    assert ("relapse" in types(report)) is relapse


def test_relapse_needs_both_scores_at_threshold_nct02493868() -> None:
    assert "relapse" not in types(evaluate_outcomes(madrs((-1, 30), (7, 10), (40, 21), (47, 30)), INDUCTION, "madrs"))
    assert "relapse" in types(evaluate_outcomes(madrs((-1, 30), (7, 10), (40, 22), (47, 22)), INDUCTION, "madrs"))


def test_missed_visit_breaks_the_pair_then_the_next_pair_counts() -> None:
    scores = madrs((-1, 30), (7, 10), (40, 24), (60, 26), (67, 27))  # 20-day gap, then 7 days
    relapses = events_by_type(evaluate_outcomes(scores, INDUCTION, "madrs"))["relapse"]
    assert relapses == [day(67)]


def test_no_relapse_without_prior_response_or_remission() -> None:
    report = evaluate_outcomes(madrs((-1, 30), (7, 25), (14, 26)), INDUCTION, "madrs")
    assert "relapse" not in types(report)


def test_recorded_relapse_event_without_scores_nct02493868() -> None:
    event = RelapseEvent(day(50), "hospitalisation_worsening_depression")
    report = evaluate_outcomes([], INDUCTION, "madrs", relapse_events=[event])
    assert types(report) == ["relapse"]
    only = report.events[0]
    assert only.source == "nct02493868" and only.data["after_response_or_remission"] is False
    assert report.durability_days == 50 - 24


def test_recorded_relapse_event_after_response() -> None:
    event = RelapseEvent(day(30), "suicide_attempt")
    report = evaluate_outcomes(madrs((-1, 30), (7, 10), (40, 12)), INDUCTION, "madrs", relapse_events=[event])
    assert types(report) == ["response", "remission", "relapse", "response", "remission"]
    assert report.events[2].data["after_response_or_remission"] is True


def test_hamd17_relapse_rule_nct04007367() -> None:
    base = madrs((-1, 24), (7, 6), instrument="hamd17")
    inside = evaluate_outcomes([*base, *madrs((30, 18), (37, 19), instrument="hamd17")], INDUCTION, "hamd17")
    outside = evaluate_outcomes([*base, *madrs((30, 18), (35, 19), instrument="hamd17")], INDUCTION, "hamd17")
    assert "relapse" in types(inside) and "relapse" not in types(outside)
    assert inside.relapse_rule is not None and "7-14 days" in inside.relapse_rule


def test_configured_relapse_threshold_for_a_scale_without_one() -> None:
    scores = madrs((-1, 20), (7, 4), (30, 15), (37, 16), instrument="phq9")
    plain = evaluate_outcomes(scores, INDUCTION, "phq9")
    configured = evaluate_outcomes(scores, INDUCTION, "phq9", relapse_threshold=15)
    assert "relapse" not in types(plain)
    relapse = [e for e in configured.events if e.type == "relapse"]
    assert relapse and relapse[0].source == "site-configuration"


# --- loss of response and fading benefit (platform-defined) -----------------------------------
@pytest.mark.parametrize(("gap", "lost"), [(6, False), (7, True)])
def test_loss_of_response_needs_two_scores_7_days_apart(gap: int, lost: bool) -> None:
    scores = madrs((-1, 30), (7, 12), (30, 18), (30 + gap, 19))
    assert ("loss_of_response" in types(evaluate_outcomes(scores, INDUCTION, "madrs"))) is lost


def test_fading_benefit_from_dose_rises_and_shorter_intervals() -> None:
    scores = madrs((-1, 30), (7, 12))
    rising = doses(40, 54, phase="maintenance") + doses(68, phase="maintenance", mg=84)
    shorter = doses(78, phase="maintenance", mg=84)  # 14 -> 10 days
    report = evaluate_outcomes(scores, INDUCTION + rising + shorter, "madrs")
    fading = [e for e in report.events if e.type == "fading_benefit_signal"]
    assert [e.date for e in fading] == [day(78)]
    assert fading[0].platform_defined and len(fading[0].data["changes"]) == 2


def test_no_fading_signal_without_a_response_or_on_a_steady_schedule() -> None:
    steady = doses(30, 44, 58, 72, 86, phase="maintenance")
    assert "fading_benefit_signal" not in types(
        evaluate_outcomes(madrs((-1, 30), (7, 12)), INDUCTION + steady, "madrs")
    )
    shrinking = doses(30, 44, 51, 54, phase="maintenance")
    no_response = evaluate_outcomes(madrs((-1, 30), (7, 25)), INDUCTION + shrinking, "madrs")
    assert "fading_benefit_signal" not in types(no_response)


# --- bad input --------------------------------------------------------------------------------
def test_bad_input_is_refused() -> None:
    with pytest.raises(InputError, match="one instrument per report"):
        evaluate_outcomes(madrs((0, 10), instrument="phq9"), [], "madrs")
    with pytest.raises(InputError, match="an instrument with a total score"):
        evaluate_outcomes([], [], "cssrs-screener")
    with pytest.raises(InputError, match=r"assessment\.total \(madrs\)"):
        Assessment(D0, 61, "madrs")
    with pytest.raises(InputError, match="relapse_event.kind"):
        RelapseEvent(D0, "felt worse")
    with pytest.raises(InputError, match="dose.phase"):
        DoseRecord(D0, 56, "loading")


# --- properties -------------------------------------------------------------------------------
timelines = st.lists(st.tuples(st.integers(-5, 200), st.integers(0, 60)), min_size=0, max_size=25)


@settings(max_examples=60, deadline=None)
@given(timelines, st.sampled_from([None, 10.0]))
def test_outcome_invariants(points: list[tuple[int, int]], threshold: float | None) -> None:
    report = evaluate_outcomes(madrs(*points), INDUCTION, "madrs", remission_threshold=threshold)
    dates = [e.date for e in report.events]
    assert dates == sorted(dates)
    state = False
    for e in report.events:  # response events alternate with what ends a response
        if e.type == "response":
            assert not state
            state = True
        elif e.type in ("relapse", "loss_of_response"):
            state = False
    for e in report.events:
        if e.type == "relapse":
            prior = [x for x in report.events if x.date <= e.date and x.type in ("response", "remission")]
            assert prior
    if report.response:
        assert report.percent_change is not None and report.percent_change <= -50
    if report.remission:
        assert report.latest is not None and report.latest <= (threshold or 12)


def test_scales_where_higher_is_better_get_change_only() -> None:
    report = evaluate_outcomes(madrs((-1, 28), (90, 26), instrument="moca"), INDUCTION, "moca")
    assert report.baseline == 28 and report.latest == 26 and report.change == -2
    assert report.events == () and not report.response and not report.remission
    assert any("not a symptom scale" in n for n in report.notes)
