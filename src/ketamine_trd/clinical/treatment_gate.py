"""The eligibility gate before a course is planned or moved to induction, and the screening at the chair.

A course of a product needs a signed TRD verdict that is ``trd`` and a signed screening *for that product and
route* whose decision is not ``not_eligible``. Each gap is a finding a prescriber may override with a written
reason; the core says what is missing, the service decides who may override and records it.

Rules (rule id, source):

- ``gate-trd-missing`` / ``gate-trd-unsigned`` / ``gate-trd-not-trd``: the products are for treatment-resistant
  depression (SPRAVATO label, S1; IV ketamine consensus, S32); a signed verdict is platform-defined.
- ``gate-screening-missing`` / ``gate-screening-unsigned`` / ``gate-screening-not-eligible``: the screening of
  :mod:`ketamine_trd.clinical.screening` for this product (its contraindications cite the label, S1, S5).

- ``gate-course-in-evaluation`` / ``gate-course-ended``: a dose is given only in induction or maintenance
  (:data:`DOSING_PHASES`): a course still in evaluation has not passed the induction gate (platform-defined).

At the chair, :func:`dosing_gate` says what refuses a dose now: a course not yet in a dosing phase, and every
finding of the course's standing gate that no recorded override covers, except the screening's "not eligible",
which :func:`screening_holds` judges note by note (each contraindication holds the dose until a prescriber has
overridden it). :func:`predose_with_screening` adds both to the pre-dose decision; each caution is a caution.

An intake override has a direction: towards eligible it lifts the screening's contraindications (its reason is
shown); towards "not eligible" it holds the dose like a contraindication, with the prescriber's reason.

>>> trd = IntakeSummary("trd", signed=True)
>>> screening = IntakeSummary("not_eligible", signed=True, product="esketamine-nasal", notes=(
...     ScreeningNote("esk-ci-aneurysm", "contraindication", "Aneurysmal vascular disease.", "S1"),))
>>> verdict = judge_treatment_gate(GateInput("esketamine-nasal", trd, screening))
>>> verdict.accepted, [f.rule_id for f in verdict.findings]
(False, ['gate-screening-not-eligible'])
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ketamine_trd.clinical.checklist import Decision, Finding, FindingLevel, PredoseResult
from ketamine_trd.clinical.measurement_timeline import PHASES as DOSING_PHASES
from ketamine_trd.clinical.monitoring_profiles import ESKETAMINE, parse_product
from ketamine_trd.clinical.overrides import is_written_reason
from ketamine_trd.clinical.sources import cite

__all__ = [
    "DOSING_PHASES",
    "GateFinding",
    "GateInput",
    "GateVerdict",
    "IntakeSummary",
    "ScreeningNote",
    "dosing_gate",
    "judge_treatment_gate",
    "predose_with_screening",
    "screening_holds",
]


@dataclass(frozen=True, slots=True)
class ScreeningNote:
    """One screening finding as stored: rule id, level (contraindication, caution, information), sentence, source."""

    rule: str
    level: str
    message: str
    source: str


@dataclass(frozen=True, slots=True)
class IntakeSummary:
    """A stored intake result: its effective verdict (the clinician's when overridden), sign-off and findings.

    ``override_reason`` is the clinician's reason when the verdict was overridden at intake. An override always
    differs from the core's verdict, so its direction follows from the effective verdict: "not eligible" was chosen
    against the core (it holds the dose), anything else was chosen towards eligible (it lifts contraindications).
    """

    verdict: str
    signed: bool
    product: str | None = None
    notes: tuple[ScreeningNote, ...] = ()
    override_reason: str = ""

    @property
    def lifting_reason(self) -> str:
        """The intake override's reason when it was towards eligible (it lifts contraindications), else ``""``.

        >>> IntakeSummary("not_eligible", True, override_reason="judged unsafe after review").lifting_reason
        ''
        """
        reason = self.override_reason.strip()
        return reason if self.verdict != "not_eligible" and is_written_reason(reason) else ""

    @property
    def contraindications(self) -> tuple[ScreeningNote, ...]:
        return tuple(n for n in self.notes if n.level == "contraindication")

    @property
    def cautions(self) -> tuple[ScreeningNote, ...]:
        return tuple(n for n in self.notes if n.level == "caution")


@dataclass(frozen=True, slots=True)
class GateInput:
    """The course's product, the latest TRD result and the latest screening *for that product*, and a reason."""

    product: str
    trd: IntakeSummary | None
    screening: IntakeSummary | None
    override_reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "product", parse_product(self.product))


@dataclass(frozen=True, slots=True)
class GateFinding:
    """Why the gate is closed: rule id, a sentence a clinician reads, the source id."""

    rule_id: str
    message: str
    source: str


@dataclass(frozen=True, slots=True)
class GateVerdict:
    """The gate's findings, the screening's contraindications and cautions, and whether the course may go ahead."""

    product: str
    findings: tuple[GateFinding, ...]
    contraindications: tuple[ScreeningNote, ...]
    cautions: tuple[ScreeningNote, ...]
    override_reason: str

    @property
    def open(self) -> bool:
        """True when nothing needs an override."""
        return not self.findings

    @property
    def overridden(self) -> bool:
        return bool(self.findings) and is_written_reason(self.override_reason)

    @property
    def accepted(self) -> bool:
        return self.open or self.overridden

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.findings)

    def to_dict(self) -> dict[str, object]:
        return {
            "product": self.product,
            "findings": [{"rule_id": f.rule_id, "message": f.message, "source": f.source} for f in self.findings],
            "contraindications": [n.rule for n in self.contraindications],
            "cautions": [n.rule for n in self.cautions],
            "override_reason": self.override_reason,
            "overridden": self.overridden,
        }


def _product_words(product: str) -> str:
    return "esketamine nasal spray" if product == ESKETAMINE else product.replace("-", " ")


def _trd_findings(trd: IntakeSummary | None, indication_source: str) -> list[GateFinding]:
    if trd is None:
        return [GateFinding("gate-trd-missing", "No treatment-history (TRD) verdict recorded.", indication_source)]
    out = []
    if not trd.signed:
        out.append(GateFinding("gate-trd-unsigned", "The TRD verdict is not signed off by a prescriber.",
                               cite("platform-defined")))  # fmt: skip
    if trd.verdict != "trd":
        out.append(GateFinding("gate-trd-not-trd", "The treatment history does not meet the TRD definition.",
                               indication_source))  # fmt: skip
    return out


def _screening_findings(product: str, screening: IntakeSummary | None) -> list[GateFinding]:
    words = _product_words(product)
    if screening is None:
        return [GateFinding("gate-screening-missing", f"No medical screening recorded for {words}.", cite("S1"))]
    out = []
    if not screening.signed:
        out.append(GateFinding("gate-screening-unsigned", f"The screening for {words} is not signed off.",
                               cite("platform-defined")))  # fmt: skip
    if screening.verdict == "not_eligible":
        judged = f"a prescriber's verdict at intake: {screening.override_reason.strip()}"
        named = "; ".join(n.message for n in screening.contraindications) or (
            judged if screening.override_reason.strip() else "see the screening")
        source = screening.contraindications[0].source if screening.contraindications else cite("S1")
        out.append(GateFinding("gate-screening-not-eligible", f"Screening for {words}: not eligible ({named}).",
                               source))  # fmt: skip
    return out


def judge_treatment_gate(gate: GateInput) -> GateVerdict:
    """The findings that close the gate for ``gate.product``; a reason of 15 characters or more overrides them.

    A screening for another product does not count (pass ``None``).

    >>> signed = IntakeSummary("trd", signed=True)
    >>> ok = IntakeSummary("eligible", signed=True, product="ketamine-iv")
    >>> judge_treatment_gate(GateInput("ketamine-iv", signed, ok)).open
    True
    >>> judge_treatment_gate(GateInput("ketamine-iv", None, None)).rule_ids
    ('gate-trd-missing', 'gate-screening-missing')
    """
    product = gate.product
    screening = gate.screening
    if screening is not None and screening.product is not None and parse_product(screening.product) != product:
        screening = None
    indication = cite("S1") if product == ESKETAMINE else cite("S32")
    findings = _trd_findings(gate.trd, indication) + _screening_findings(product, screening)
    notes = screening.notes if screening is not None else ()
    return GateVerdict(
        product,
        tuple(findings),
        tuple(n for n in notes if n.level == "contraindication"),
        tuple(n for n in notes if n.level == "caution"),
        gate.override_reason.strip(),
    )


def dosing_gate(phase: str, standing: GateVerdict) -> tuple[GateFinding, ...]:
    """What refuses a dose on a course in ``phase`` whose gate, judged now with its recorded override, is ``standing``.

    Empty when the dose may go on to the dose check. The screening's "not eligible" is left to
    :func:`screening_holds` (a prescriber may override a contraindication at the dose); every other finding of a
    gate that is not accepted refuses the dose, with its source.

    >>> ok = judge_treatment_gate(GateInput("ketamine-iv", IntakeSummary("trd", True),
    ...                                     IntakeSummary("eligible", True, "ketamine-iv")))
    >>> [f.rule_id for f in dosing_gate("evaluation", ok)], dosing_gate("induction", ok)
    (['gate-course-in-evaluation'], ())
    >>> [f.rule_id for f in dosing_gate("induction", judge_treatment_gate(GateInput("ketamine-iv", None, None)))]
    ['gate-trd-missing', 'gate-screening-missing']
    """
    out: list[GateFinding] = []
    if phase == "evaluation":
        out.append(GateFinding("gate-course-in-evaluation", "The course is still in evaluation: a prescriber moves it "
                               "to induction, which checks eligibility, before the first dose.",
                               cite("platform-defined")))  # fmt: skip
    elif phase not in DOSING_PHASES:
        out.append(GateFinding("gate-course-ended", "The course has ended: no dose is given on it.",
                               cite("platform-defined")))  # fmt: skip
    if not standing.accepted:
        out += [f for f in standing.findings if f.rule_id != "gate-screening-not-eligible"]
    return tuple(out)


def screening_holds(screening: IntakeSummary | None, course_override: str = "") -> tuple[ScreeningNote, ...]:
    """The screening's notes that hold a dose: its contraindications, and a "not eligible" chosen at intake.

    Nothing holds when a written reason lifts them: the course's standing eligibility override, or an intake
    override towards eligible. An intake override towards "not eligible" never lifts anything: it holds the dose
    (rule ``screening-judged-not-eligible``, platform-defined) with the prescriber's reason.

    >>> held = IntakeSummary("not_eligible", True, "ketamine-iv", override_reason="judged unsafe after review")
    >>> [n.message for n in screening_holds(held)]
    ['A prescriber judged the patient not eligible at intake: judged unsafe after review.']
    >>> screening_holds(held, "benefit outweighs risk after cardiology review")
    ()
    """
    if screening is None or is_written_reason(course_override) or screening.lifting_reason:
        return ()
    held = list(screening.contraindications)
    if screening.verdict == "not_eligible" and not held:
        why = screening.override_reason.strip() or "see the screening"
        held.append(ScreeningNote("screening-judged-not-eligible", "contraindication",
                                  f"A prescriber judged the patient not eligible at intake: {why}.",
                                  cite("platform-defined")))  # fmt: skip
    return tuple(held)


def _decided(findings: tuple[Finding, ...]) -> Decision:
    levels = {f.level for f in findings}
    if FindingLevel.HOLD in levels:
        return Decision.HOLD
    if FindingLevel.CAUTION in levels:
        return Decision.PROCEED_WITH_CAUTIONS
    return Decision.PROCEED


def predose_with_screening(
    result: PredoseResult,
    screening: IntakeSummary | None,
    override_reason: str = "",
    gate: tuple[GateFinding, ...] = (),
) -> PredoseResult:
    """The pre-dose decision with the course's gate (``gate``, from :func:`dosing_gate`) and the patient's
    screening for this product added.

    Each gate finding is a ``hold``. A contraindication is a ``hold`` unless lifted (the course's eligibility
    override ``override_reason``, or an intake override towards eligible), then a ``caution`` saying so with the
    reason; an intake override towards "not eligible" is a ``hold``; a screening caution is a ``caution``.

    >>> import datetime as dt
    >>> at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> base = PredoseResult(Decision.PROCEED, (), "esketamine-nasal", "spravato-label@1", at)
    >>> s = IntakeSummary("not_eligible", True, "esketamine-nasal",
    ...                   (ScreeningNote("esk-ci-avm", "contraindication", "Arteriovenous malformation.", "S1"),))
    >>> predose_with_screening(base, s).decision.value
    'hold'
    >>> predose_with_screening(base, s, "benefit outweighs risk after cardiology review").decision.value
    'proceed_with_cautions'
    """
    added: list[Finding] = [
        Finding(f.rule_id, FindingLevel.HOLD, f"{f.message} Hold: no dose until this is resolved.", f.source)
        for f in gate
    ]
    if screening is not None:
        held = screening_holds(screening, override_reason)
        reason = override_reason.strip() if is_written_reason(override_reason) else screening.lifting_reason
        for note in held:
            added.append(Finding(f"screening-{note.rule}", FindingLevel.HOLD,
                                 f"{'Contraindication on the screening: ' if note in screening.notes else ''}"
                                 f"{note.message} Hold until a prescriber overrides it with a written reason.",
                                 note.source))  # fmt: skip
        if not held:
            for note in screening.contraindications:
                added.append(Finding(f"screening-{note.rule}", FindingLevel.CAUTION,
                                     f"Contraindication overridden by the prescriber ({reason}): {note.message}",
                                     note.source))  # fmt: skip
        for note in screening.cautions:
            added.append(Finding(f"screening-{note.rule}", FindingLevel.CAUTION, f"Screening caution: {note.message}",
                                 note.source))  # fmt: skip
    findings = (*added, *result.findings)
    return replace(result, decision=_decided(findings), findings=findings)
