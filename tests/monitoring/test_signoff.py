"""Session sign-off completeness: the PMF's fields (S8, S9), the 120-min minimum (S8), devices of 28 mg."""

from __future__ import annotations

import pytest

from ketamine_trd.clinical.monitoring import AdverseEvent, missing_for_signature
from ketamine_trd.errors import InputError
from tests.monitoring.builders import IV, at, make_checklist, make_observations, make_session, vitals


def _fields(session: object, product: str = "esketamine-nasal", **kw: object) -> list[str]:
    return [m.field for m in missing_for_signature(session, product, **kw)]  # type: ignore[arg-type]


def test_complete_session_has_nothing_missing() -> None:
    assert _fields(make_session()) == []


def test_each_missing_pmf_field_is_named_S8() -> None:
    session = make_session(
        lot_number=None,
        ready_to_leave_minutes=None,
        sedation_observed=None,
        vitals_acceptable_before_completion=None,
        monitoring_hcp_name="",
    )
    missing = missing_for_signature(session, "esketamine-nasal")
    assert {m.field for m in missing} == {
        "lot_number",
        "ready_to_leave_minutes",
        "sedation_observed",
        "vitals_acceptable_before_completion",
        "monitoring_hcp_name",
    }
    assert {m.source for m in missing} == {"S8"}


def test_monitoring_under_120_min_is_flagged_S8() -> None:
    missing = missing_for_signature(make_session(monitoring_completed_at=at(100)), "esketamine-nasal")
    flagged = [m for m in missing if m.field == "monitoring_completed_at"]
    assert flagged and "100 min" in flagged[0].reason and flagged[0].source == "S6"


def test_missing_40_min_bp_is_named_S1() -> None:
    session = make_session(observations=make_observations(vitals=(vitals(-10), vitals(121))))
    assert _fields(session) == ["vitals.post-40"]


def test_device_count_must_match_the_dose() -> None:
    # 56 mg = 2 devices, 84 mg = 3 devices (28 mg per device)
    assert _fields(make_session(dose_mg=84, devices_used=3)) == []
    assert _fields(make_session(dose_mg=84, devices_used=2)) == ["devices_used"]


def test_unresolved_adverse_event_is_named() -> None:
    obs = make_observations(adverse_events=(AdverseEvent(at(20), "nausea"),))
    assert _fields(make_session(observations=obs)) == ["observations.adverse_events[0].resolved_at"]


def test_predose_answers_are_required_for_esketamine() -> None:
    session = make_session(predose=make_checklist(first_treatment=None, concomitant_reviewed=False))
    assert _fields(session) == ["predose.first_treatment", "predose.concomitant"]
    assert "predose" in _fields(make_session(predose=None))


def test_inpatient_sessions_need_no_rems_evaluation_answer() -> None:
    assert _fields(make_session(setting="inpatient", ready_to_leave_minutes=None)) == []


def test_iv_session_needs_the_infusion_end_not_the_pmf_answers() -> None:
    session = make_session(
        product="ketamine-iv", devices_used=None, ready_to_leave_minutes=None, sedation_observed=None
    )
    assert _fields(session, "ketamine-iv") == ["infusion_ended_at"]
    assert (
        _fields(session.__class__(**{**_asdict(session), "infusion_ended_at": at(40)}), "ketamine-iv", profile=IV) == []
    )


def _asdict(session: object) -> dict[str, object]:
    return {name: getattr(session, name) for name in session.__dataclass_fields__}  # type: ignore[attr-defined]


def test_product_must_match_and_values_are_checked() -> None:
    with pytest.raises(InputError):
        missing_for_signature(make_session(), "ketamine-iv")
    with pytest.raises(InputError):
        make_session(devices_used=4)
    with pytest.raises(InputError):
        make_session(signed_by="Dr X")  # signed_by without signed_at
