"""The REMS Patient Monitoring Form record and its 7-day clock (S6, S8, S9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.monitoring_profiles import rems_profile
from ketamine_trd.clinical.rems import (
    RemsStatus,
    build_rems_record,
    mark_submitted,
    rems_problems,
    rems_status,
    rems_worklist,
)
from ketamine_trd.errors import ConflictError, InputError
from tests.monitoring.builders import (
    CONTACT,
    PATIENT,
    at,
    make_checklist,
    make_observations,
    make_session,
    signed,
    vitals,
)


def _record(**overrides: object):  # type: ignore[no-untyped-def]
    return build_rems_record(signed(make_session(**overrides)), PATIENT, CONTACT)


def test_record_carries_every_pmf_field_from_the_session_S8() -> None:
    record = _record(predose=make_checklist(concomitant=frozenset({"benzodiazepine", "opioid"})))
    assert record.rems_profile == "spravato-rems@2024-12"
    assert record.dose_administered == "56 mg" and record.lot_number == "LOT123"
    assert record.treatment_duration_minutes == 125
    assert (record.bp_predose.systolic_mmhg, record.bp_post_40_min.systolic_mmhg) == (128, 138)
    assert record.bp_before_completion is not None and record.bp_before_completion.taken_at == at(121)
    assert record.benzodiazepines is True and record.psychostimulants is False
    assert record.opioids is True  # the newer form asks about opioids (S9)
    assert (record.sedation, record.dissociation, record.respiratory_depression) == (True, False, False)
    assert rems_problems(record) == ()


def test_other_dose_box() -> None:
    assert _record(dose_mg=28, devices_used=1).dose_administered == "other"


def test_due_within_7_days_of_the_session_S8() -> None:
    record = _record()
    assert record.due_at == at(125) + dt.timedelta(days=7)
    assert rems_status(record, at(126)) is RemsStatus.DUE
    assert rems_status(record, at(125) + dt.timedelta(days=5, hours=1)) is RemsStatus.DUE_SOON
    assert rems_status(record, record.due_at) is RemsStatus.DUE_SOON
    assert rems_status(record, record.due_at + dt.timedelta(seconds=1)) is RemsStatus.OVERDUE


def test_submission_stops_the_clock() -> None:
    record = mark_submitted(_record(), at(200))
    assert rems_status(record, at(199)) is RemsStatus.DUE
    assert rems_status(record, at(60 * 24 * 30)) is RemsStatus.SUBMITTED


def test_an_incomplete_form_cannot_be_marked_submitted() -> None:
    record = _record(ready_to_leave_minutes=None)
    assert [p.field for p in rems_problems(record)] == ["ready_to_leave_minutes"]
    with pytest.raises(InputError):
        mark_submitted(record, at(200))


def test_problems_duration_under_120_and_enrolment_S6_S8() -> None:
    record = _record(
        monitoring_completed_at=at(110),
        observations=make_observations(vitals=(vitals(-10), vitals(40), vitals(105))),
        predose=make_checklist(first_treatment=True, rems_enrolled=False),
    )
    problems = {p.field: p for p in rems_problems(record)}
    assert set(problems) == {"treatment_duration_minutes", "patient_enrolled"}
    assert problems["patient_enrolled"].source == "S6"


def test_bp_before_completion_is_the_last_reading_before_completion_S8() -> None:
    obs = make_observations(vitals=(vitals(-10), vitals(40), vitals(90, 131, 82), vitals(124, 127, 79), vitals(130)))
    record = _record(observations=obs)
    assert record.bp_before_completion is not None
    assert (record.bp_before_completion.systolic_mmhg, record.bp_before_completion.taken_at) == (127, at(124))


def test_unknown_sex_is_a_pmf_problem_not_a_refusal_S8() -> None:
    record = build_rems_record(signed(make_session()), replace(PATIENT, sex="unknown"), CONTACT)
    assert [p.field for p in rems_problems(record)] == ["patient.sex"]


def test_unreviewed_medicines_leave_the_answers_blank() -> None:
    record = _record(predose=make_checklist(concomitant_reviewed=False))
    assert record.benzodiazepines is None
    assert "benzodiazepines" in {p.field for p in rems_problems(record)}


def test_only_signed_outpatient_esketamine_sessions_yield_a_pmf() -> None:
    with pytest.raises(ConflictError):
        build_rems_record(make_session(), PATIENT, CONTACT)
    with pytest.raises(InputError):
        build_rems_record(signed(make_session(setting="inpatient")), PATIENT, CONTACT)
    with pytest.raises(InputError):
        build_rems_record(signed(make_session(product="ketamine-iv")), PATIENT, CONTACT)


def test_a_rems_version_without_a_recorded_window_is_refused_not_guessed() -> None:
    old = rems_profile(on=dt.date(2023, 1, 1))
    with pytest.raises(InputError):
        build_rems_record(signed(make_session()), PATIENT, CONTACT, rems=old)


def test_worklist_orders_overdue_then_due_soon_then_due() -> None:
    base = _record()
    records = [
        replace(base, session_id="due", due_at=at(60 * 24 * 6), due_soon_from=at(60 * 24 * 4)),
        replace(base, session_id="overdue", due_at=at(60), due_soon_from=at(0)),
        replace(base, session_id="soon", due_at=at(60 * 24 * 1), due_soon_from=at(0)),
        mark_submitted(replace(base, session_id="done"), at(130)),
    ]
    items = rems_worklist(records, at(60 * 3))
    assert [(i.session_id, i.status.value) for i in items] == [
        ("overdue", "overdue"),
        ("soon", "due_soon"),
        ("due", "due"),
    ]
    assert items[0].hours_left < 0
    assert len(rems_worklist(records, at(60 * 3), include_submitted=True)) == 4


ORDER = {RemsStatus.DUE: 0, RemsStatus.DUE_SOON: 1, RemsStatus.OVERDUE: 2, RemsStatus.SUBMITTED: 3}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 60 * 24 * 10),
    st.integers(0, 60 * 24 * 10),
    st.one_of(st.none(), st.integers(130, 60 * 24 * 10)),
)
def test_status_is_monotone_in_time(t1: int, t2: int, submitted: int | None) -> None:
    record = _RECORD if submitted is None else replace(_RECORD, submitted_at=at(submitted))
    early, late = sorted((t1, t2))
    a, b = rems_status(record, at(early)), rems_status(record, at(late))
    if a is RemsStatus.SUBMITTED:
        assert b is RemsStatus.SUBMITTED
    elif b is not RemsStatus.SUBMITTED:
        assert ORDER[a] <= ORDER[b]


_RECORD = build_rems_record(signed(make_session()), PATIENT, CONTACT)


OMITTABLE = {
    "lot_number": None,
    "ready_to_leave_minutes": None,
    "sedation_observed": None,
    "dissociation_observed": None,
    "respiratory_depression_observed": None,
    "vitals_acceptable_before_administration": None,
    "vitals_acceptable_before_completion": None,
    "monitoring_completed_at": at(100),
    "predose": make_checklist(concomitant_reviewed=False),
    "observations": make_observations(vitals=(vitals(-10), vitals(121))),
}


@settings(max_examples=40, deadline=None)
@given(
    st.sets(st.sampled_from(sorted(OMITTABLE))),
    st.booleans(),
    st.one_of(st.none(), st.booleans()),
)
def test_a_signable_session_yields_a_complete_pmf(omit: set[str], first: bool, enrolled: bool | None) -> None:
    """Sign-off and the PMF agree: nothing missing for signature means no PMF problem."""
    from ketamine_trd.clinical.monitoring import missing_for_signature

    overrides = {name: OMITTABLE[name] for name in omit}
    if "predose" not in omit:
        overrides["predose"] = make_checklist(first_treatment=first, rems_enrolled=enrolled)
    session = make_session(**overrides)
    if missing_for_signature(session, "esketamine-nasal"):
        return
    assert rems_problems(build_rems_record(signed(session), PATIENT, CONTACT)) == ()


def test_the_session_date_is_the_settings_local_day_of_dosing_S8() -> None:
    """Dosed at 09:00 UTC on 2 March: 23:00 on 1 March in Honolulu, 18:00 on 2 March in Tokyo."""
    import zoneinfo

    session = signed(make_session())
    assert build_rems_record(session, PATIENT, CONTACT).session_date == dt.date(2026, 3, 2)  # UTC by default
    honolulu = build_rems_record(session, PATIENT, CONTACT, zone=zoneinfo.ZoneInfo("Pacific/Honolulu"))
    assert honolulu.session_date == dt.date(2026, 3, 1)
    assert honolulu.due_at == at(125) + dt.timedelta(days=7)  # the clock runs on the instant, not the calendar day
    tokyo = build_rems_record(session, PATIENT, CONTACT, zone=zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert tokyo.session_date == dt.date(2026, 3, 2)
