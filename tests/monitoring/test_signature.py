"""What blocks a signature (``clinical.monitoring.signature``), judged at one moment."""

from __future__ import annotations

import datetime as dt

from ketamine_trd.clinical.monitoring.discharge import Criterion, DischargeReadiness
from ketamine_trd.clinical.monitoring.signature import SignatureInput, discharge_override_used, signature_blockers
from ketamine_trd.clinical.monitoring.signoff import MissingField

AT = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
READY = DischargeReadiness(True, AT, None, (Criterion("moaas", True, "Last MOAA/S 5.", "S1"),), "p@1")
NOT_READY = DischargeReadiness(False, AT, None, (Criterion("moaas", False, "Last MOAA/S 3.", "S1"),), "p@1")
LOT = MissingField("lot_number", "Lot number not recorded.", "S8")
REASON = "patient left against medical advice"


def test_nothing_blocks_a_ready_complete_session() -> None:
    assert signature_blockers(SignatureInput((), READY, ())) == ()


def test_not_ready_for_discharge_blocks_and_names_the_unmet_criterion() -> None:
    blockers = signature_blockers(SignatureInput((), NOT_READY, ()))
    assert [b.field for b in blockers] == ["discharge"] and "Last MOAA/S 3." in blockers[0].reason
    assert blockers[0].source == "S1"


def test_a_reason_lifts_only_the_discharge_readiness() -> None:
    value = SignatureInput((LOT,), NOT_READY, ("SpO2 91%",), override_reason=REASON)
    assert [b.field for b in signature_blockers(value)] == ["lot_number", "alerts"]
    assert discharge_override_used(value)
    assert not discharge_override_used(SignatureInput((), READY, (), override_reason=REASON))
    assert [b.field for b in signature_blockers(SignatureInput((), NOT_READY, (), "short"))] == ["discharge"]


def test_an_unacknowledged_critical_alert_blocks() -> None:
    blockers = signature_blockers(SignatureInput((), READY, ("Critical SpO2 91%.",)))
    assert blockers == (MissingField("alerts", "Critical alert not acknowledged: Critical SpO2 91%.",
                                     "platform-defined"),)  # fmt: skip


def test_before_signing_is_judged_at_the_moment_of_signing() -> None:
    """The walk: before the discharge time was entered, the 40-min reading was called missing (judged as of
    dosing) while the schedule said done. Judged at ``at``, the list agrees with the schedule."""
    from ketamine_trd.clinical.monitoring.signoff import missing_for_signature
    from tests.monitoring.builders import LABEL, at, make_session

    during = make_session(monitoring_completed_at=None)
    old = {m.field for m in missing_for_signature(during, "esketamine-nasal", LABEL)}
    now = {m.field for m in missing_for_signature(during, "esketamine-nasal", LABEL, at=at(60))}
    assert "vitals.post-40" in old and "vitals.post-40" not in now
    assert "monitoring_completed_at" in now
    done = make_session()
    assert missing_for_signature(done, "esketamine-nasal", LABEL, at=at(130)) == ()
