"""The eligibility gate (``clinical.treatment_gate``) and the screening at the chair's pre-dose decision."""

from __future__ import annotations

import datetime as dt

import pytest

from ketamine_trd.clinical.checklist import Decision, Finding, FindingLevel, PredoseResult
from ketamine_trd.clinical.treatment_gate import (
    GateInput,
    IntakeSummary,
    ScreeningNote,
    judge_treatment_gate,
    predose_with_screening,
)

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TRD = IntakeSummary("trd", signed=True)
ANEURYSM = ScreeningNote("esk-ci-aneurysm", "contraindication", "Aneurysmal vascular disease.", "S1")
PSYCHOSIS = ScreeningNote("esk-psychosis", "caution", "History of psychosis.", "S1")
NOT_ELIGIBLE = IntakeSummary("not_eligible", True, "esketamine-nasal", (ANEURYSM, PSYCHOSIS))
ELIGIBLE = IntakeSummary("eligible", True, "esketamine-nasal")
REASON = "benefit outweighs risk after vascular surgery review"


@pytest.mark.parametrize(("trd", "screening", "expected"), [
    (TRD, ELIGIBLE, ()),
    (None, ELIGIBLE, ("gate-trd-missing",)),
    (IntakeSummary("trd", signed=False), ELIGIBLE, ("gate-trd-unsigned",)),
    (IntakeSummary("not_trd", signed=True), ELIGIBLE, ("gate-trd-not-trd",)),
    (TRD, None, ("gate-screening-missing",)),
    (TRD, IntakeSummary("eligible", False, "esketamine-nasal"), ("gate-screening-unsigned",)),
    (TRD, NOT_ELIGIBLE, ("gate-screening-not-eligible",)),
    (TRD, IntakeSummary("eligible", True, "ketamine-iv"), ("gate-screening-missing",)),  # another product's
    (TRD, IntakeSummary("eligible_with_cautions", True, "esketamine-nasal", (PSYCHOSIS,)), ()),
])  # fmt: skip
def test_every_gate_rule(trd: IntakeSummary | None, screening: IntakeSummary | None, expected: tuple[str, ...]) -> None:
    verdict = judge_treatment_gate(GateInput("esketamine-nasal", trd, screening))
    assert verdict.rule_ids == expected and verdict.open == (not expected)


def test_a_not_eligible_screening_names_the_contraindication_and_its_source() -> None:
    verdict = judge_treatment_gate(GateInput("esketamine-nasal", TRD, NOT_ELIGIBLE))
    finding = verdict.findings[0]
    assert "Aneurysmal vascular disease." in finding.message and finding.source == "S1"
    assert verdict.contraindications == (ANEURYSM,) and verdict.cautions == (PSYCHOSIS,)


def test_an_override_needs_a_written_reason() -> None:
    assert not judge_treatment_gate(GateInput("esketamine-nasal", TRD, NOT_ELIGIBLE, "ok")).accepted
    verdict = judge_treatment_gate(GateInput("esketamine-nasal", TRD, NOT_ELIGIBLE, REASON))
    assert verdict.accepted and verdict.overridden and verdict.to_dict()["override_reason"] == REASON


def _predose(*findings: Finding) -> PredoseResult:
    decision = Decision.PROCEED_WITH_CAUTIONS if findings else Decision.PROCEED
    return PredoseResult(decision, findings, "esketamine-nasal", "spravato-label@1", AT)


def test_a_contraindication_holds_the_dose_until_overridden() -> None:
    held = predose_with_screening(_predose(), NOT_ELIGIBLE)
    assert held.decision is Decision.HOLD
    assert [(f.rule_id, f.level) for f in held.findings] == [
        ("screening-esk-ci-aneurysm", FindingLevel.HOLD), ("screening-esk-psychosis", FindingLevel.CAUTION)]
    overridden = predose_with_screening(_predose(), NOT_ELIGIBLE, REASON)
    assert overridden.decision is Decision.PROCEED_WITH_CAUTIONS
    assert REASON in overridden.findings[0].message


def test_the_intake_override_also_counts_and_a_clean_screening_changes_nothing() -> None:
    overridden_at_intake = IntakeSummary("eligible", True, "esketamine-nasal", (ANEURYSM,), override_reason=REASON)
    assert predose_with_screening(_predose(), overridden_at_intake).decision is Decision.PROCEED_WITH_CAUTIONS
    base = _predose()
    assert predose_with_screening(base, ELIGIBLE) == base and predose_with_screening(base, None) == base


def test_an_existing_hold_stays_a_hold() -> None:
    bp = Finding("predose-bp-hold", FindingLevel.HOLD, "BP too high.", "S10")
    result = PredoseResult(Decision.HOLD, (bp,), "esketamine-nasal", "p@1", AT)
    assert predose_with_screening(result, NOT_ELIGIBLE, REASON).decision is Decision.HOLD


def test_an_intake_override_has_a_direction() -> None:
    """Towards "not eligible" it holds (and closes the gate, naming the reason); towards eligible it lifts."""
    from ketamine_trd.clinical.treatment_gate import screening_holds

    why = "severe aortic stenosis on echocardiogram"
    held = IntakeSummary("not_eligible", True, "esketamine-nasal", override_reason=why)
    assert held.lifting_reason == "" and [n.rule for n in screening_holds(held)] == ["screening-judged-not-eligible"]
    gate = judge_treatment_gate(GateInput("esketamine-nasal", TRD, held))
    assert gate.rule_ids == ("gate-screening-not-eligible",) and why in gate.findings[0].message
    assert predose_with_screening(_predose(), held).decision.value == "hold"
    lifted = IntakeSummary("eligible", True, "esketamine-nasal", (ANEURYSM,), override_reason=REASON)
    assert lifted.lifting_reason == REASON and screening_holds(lifted) == ()
    assert REASON in predose_with_screening(_predose(), lifted).findings[0].message
