"""Course plans: IV induction (S24-S26), esketamine label phases (spravato-hcp-dosing), calendar properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.courses import (
    ClosedDays,
    EsketamineCourseRequest,
    IvCourseRequest,
    RouteCourseRequest,
    plan_course,
)
from ketamine_trd.errors import InputError

MONDAY = dt.date(2026, 1, 5)


def test_s26_elekt_d_twice_weekly_for_three_weeks() -> None:
    plan = plan_course(IvCourseRequest(start=MONDAY, per_week=2, infusions=6, weight_kg=80))
    assert len(plan.sessions) == 6 and plan.sessions[-1].date <= MONDAY + dt.timedelta(weeks=3)
    assert all(s.phase == "induction" and s.mg_per_kg == 0.5 and s.dose_mg == 40.0 for s in plan.sessions)
    assert plan.end_of_induction_review == plan.sessions[-1].date
    assert "S26" in plan.sources


def test_s25_murrough_six_infusions_over_twelve_days() -> None:
    plan = plan_course(IvCourseRequest(start=MONDAY, per_week=3, infusions=6))
    assert (plan.sessions[-1].date - plan.sessions[0].date).days + 1 <= 12
    assert [s.date.weekday() for s in plan.sessions] == [0, 2, 4, 0, 2, 4]
    assert plan.sessions[0].dose_mg is None  # no weight: mg/kg only


def test_iv_maintenance_taper_and_reassessments() -> None:
    plan = plan_course(IvCourseRequest(start=MONDAY, maintenance="taper", maintenance_sessions=8,
                                       reassess_every_weeks=8))  # fmt: skip
    maint = [s for s in plan.sessions if s.phase == "maintenance"]
    gaps = [(b.date - a.date).days for a, b in zip(plan.sessions[5:], plan.sessions[6:], strict=False)]
    assert len(maint) == 8 and gaps[:4] == [7, 7, 14, 14] and all(g >= 28 for g in gaps[4:])
    assert plan.reassessment_dates and all(plan.end_of_induction_review < d for d in plan.reassessment_dates)
    assert any("platform-defined" in n for n in plan.notes)


def test_closed_dates_are_skipped() -> None:
    closed = ClosedDays(weekdays=frozenset({5, 6}), dates=frozenset({dt.date(2026, 1, 8)}))
    plan = plan_course(IvCourseRequest(start=MONDAY, closed=closed))
    assert dt.date(2026, 1, 8) not in [s.date for s in plan.sessions]
    assert plan.sessions[1].date == dt.date(2026, 1, 9)


def test_label_esketamine_trd_phases() -> None:
    plan = plan_course(EsketamineCourseRequest(start=MONDAY, total_weeks=16, from_week9="every-2-weeks",
                                               oral_antidepressant="sertraline", dose_mg=84))  # fmt: skip
    induction = [s for s in plan.sessions if s.phase == "induction"]
    maintenance = [s for s in plan.sessions if s.phase == "maintenance"]
    assert len(induction) == 8 and all(s.week <= 4 for s in induction)  # weeks 1-4 twice weekly
    assert [s.week for s in maintenance] == [5, 6, 7, 8, 9, 11, 13, 15]  # weekly weeks 5-8, then every 2 weeks
    assert plan.sessions[0].dose_mg == 56 and {s.dose_mg for s in plan.sessions[1:]} == {84}
    assert plan.monotherapy is False and plan.oral_antidepressant == "sertraline"
    assert plan.end_of_induction_review == induction[-1].date


def test_esketamine_monotherapy_weekly_and_age65_profile() -> None:
    plan = plan_course(EsketamineCourseRequest(start=MONDAY, total_weeks=12, from_week9="weekly", profile="eu-age65"))
    assert plan.monotherapy is True and plan.sessions[0].dose_mg == 28
    assert [s.week for s in plan.sessions if s.week > 8] == [9, 10, 11, 12]


def test_s12_age65_course_titrates_in_28_mg_steps() -> None:
    plan = plan_course(EsketamineCourseRequest(start=MONDAY, profile="eu-age65", dose_mg=84, total_weeks=8))
    doses = [s.dose_mg for s in plan.sessions]
    assert doses[:4] == [28, 56, 84, 84]
    assert all(abs(b - a) <= 28 for a, b in zip(doses, doses[1:], strict=False))  # type: ignore[operator]


def test_oral_antidepressant_is_recorded_by_generic_name() -> None:
    plan = plan_course(EsketamineCourseRequest(start=MONDAY, oral_antidepressant="Lexapro"))
    assert plan.oral_antidepressant == "escitalopram" and plan.monotherapy is False
    odd = plan_course(EsketamineCourseRequest(start=MONDAY, oral_antidepressant="herbal tea"))
    assert odd.oral_antidepressant == "herbal tea" and any("not in the antidepressant table" in n for n in odd.notes)


def test_esketamine_suicidality_is_four_weeks_at_84() -> None:
    plan = plan_course(
        EsketamineCourseRequest(start=MONDAY, indication="suicidality", oral_antidepressant="escitalopram")
    )
    assert len(plan.sessions) == 8 and {s.dose_mg for s in plan.sessions} == {84}
    assert plan.sessions[-1].week == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"per_week": 4}, "per_week"), ({"infusions": 0}, "infusions"), ({"maintenance": "yearly"}, "maintenance"),
     ({"mg_per_kg": 2.0}, "mg_per_kg"), ({"min_gap_days": 0}, "min_gap_days"),
     ({"maintenance_sessions": 3}, "maintenance")],
)  # fmt: skip
def test_iv_request_guard_rails(kwargs: dict, field: str) -> None:
    with pytest.raises(InputError) as caught:
        IvCourseRequest(start=MONDAY, **kwargs)
    assert caught.value.field == field


def test_all_weekdays_closed_is_refused() -> None:
    with pytest.raises(InputError):
        ClosedDays(weekdays=frozenset(range(7)))


_closed = st.builds(
    ClosedDays,
    weekdays=st.frozensets(st.integers(0, 6), max_size=5),
    dates=st.frozensets(st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 30)), max_size=10),
)


def _check_calendar(plan, req) -> None:  # type: ignore[no-untyped-def]
    dates = [s.date for s in plan.sessions]
    assert all(b > a for a, b in zip(dates, dates[1:], strict=False))
    assert all((b - a).days >= req.min_gap_days for a, b in zip(dates, dates[1:], strict=False))
    assert all(not req.closed.is_closed(d) for d in dates) and dates[0] >= req.start
    assert [s.number for s in plan.sessions] == list(range(1, len(dates) + 1))


@settings(max_examples=60, deadline=None)
@given(
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1)), st.sampled_from([2, 3]), st.integers(1, 12),
    st.sampled_from(["none", "weekly", "every-2-weeks", "monthly", "taper"]), st.integers(1, 10), st.integers(1, 5),
    _closed,
)  # fmt: skip
def test_iv_dates_strictly_increase_and_respect_the_gap(start, per_week, n, maint, m, gap, closed) -> None:  # type: ignore[no-untyped-def]
    count = 0 if maint == "none" else m
    req = IvCourseRequest(
        start=start,
        per_week=per_week,
        infusions=n,
        maintenance=maint,
        maintenance_sessions=count,
        min_gap_days=gap,
        closed=closed,
    )
    _check_calendar(plan_course(req), req)


@settings(max_examples=60, deadline=None)
@given(
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1)), st.sampled_from(["trd", "suicidality"]),
    st.sampled_from(["weekly", "every-2-weeks"]), st.integers(4, 30), st.integers(1, 4), _closed,
)  # fmt: skip
def test_esketamine_dates_strictly_increase_and_respect_the_gap(start, ind, wk9, weeks, gap, closed) -> None:  # type: ignore[no-untyped-def]
    req = EsketamineCourseRequest(start=start, indication=ind, from_week9=wk9, total_weeks=weeks, min_gap_days=gap,
                                  closed=closed)  # fmt: skip
    plan = plan_course(req)
    _check_calendar(plan, req)
    assert plan.sessions[0].dose_mg == (56 if ind == "trd" else 84)


def test_route_course_doses_are_checked_and_the_schedule_is_platform_defined() -> None:
    plan = plan_course(RouteCourseRequest(product="ketamine-sublingual", start=MONDAY, dose_mg=50, sessions=4,
                                          every_days=7))  # fmt: skip
    assert [s.dose_mg for s in plan.sessions] == [50.0] * 4 and plan.product == "ketamine-sublingual"
    assert "rolan-2014" in plan.sources and any("platform-defined" in n for n in plan.notes)
    with pytest.raises(InputError) as caught:
        RouteCourseRequest(product="ketamine-iv", start=MONDAY, dose_mg=35)
    assert caught.value.field == "product"
    with pytest.raises(InputError) as caught:
        plan_course(RouteCourseRequest(product="ketamine-oral", start=MONDAY, dose_mg=900))
    assert caught.value.field == "dose_mg"


@settings(max_examples=40, deadline=None)
@given(st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1)), st.integers(1, 20), st.integers(1, 14), st.integers(1, 5),
       _closed)  # fmt: skip
def test_route_dates_strictly_increase_and_respect_the_gap(start, n, every, gap, closed) -> None:  # type: ignore[no-untyped-def]
    req = RouteCourseRequest(product="ketamine-oral", start=start, dose_mg=100, sessions=n, every_days=every,
                             min_gap_days=gap, closed=closed)  # fmt: skip
    _check_calendar(plan_course(req), req)
