"""Mapping stored intake results and course plans onto the core's gate and dose-check values.

Nothing here decides anything clinical: it builds the frozen values that ``clinical.treatment_gate`` and
``clinical.dose_check`` judge, and reads the site's dose-check settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.conf import settings

from ketamine_trd.clinic.records.models import Course, IntakeKind, IntakeResult, Patient, Session, SessionStatus
from ketamine_trd.clinical.dose_check import DEFAULT_DOSE_RULES, DoseRules
from ketamine_trd.clinical.monitoring_profiles import Cited
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.treatment_gate import (
    GateInput,
    GateVerdict,
    IntakeSummary,
    ScreeningNote,
    judge_treatment_gate,
)

PRODUCTS = (Product.ESKETAMINE_NASAL.value, Product.KETAMINE_IV.value)
_Results = tuple["IntakeResult | None", dict[str, "IntakeResult"]]
#: patient id -> latest results, while :func:`results_read_once` is open (else ``None``: always read)
_MEMO: ContextVar[dict[int, _Results] | None] = ContextVar("ktrd_gate_results", default=None)


@contextmanager
def results_read_once() -> Iterator[None]:
    """Inside this block :func:`latest_results` reads each patient's intake results once (one judgement of a
    session asks for the screening, the gate and the override: one query instead of three). Only around code
    that writes no intake result."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def screening_product(row: IntakeResult) -> str:
    """The product a screening result was made for (stored with its input and its result)."""
    return str((row.result_data or {}).get("product") or (row.input_data or {}).get("product") or "")


def summary(row: IntakeResult | None) -> IntakeSummary | None:
    """A stored intake result as the core's ``IntakeSummary`` (effective verdict, sign-off, findings)."""
    if row is None:
        return None
    notes = tuple(
        ScreeningNote(str(f.get("rule", "")), str(f.get("level", "")), str(f.get("message", "")),
                      str(f.get("source", "")))  # fmt: skip
        for f in (row.result_data or {}).get("findings", [])
        if isinstance(f, dict)
    )
    product = screening_product(row) if row.kind == IntakeKind.SCREENING else None
    return IntakeSummary(row.effective_verdict, row.signed_off_at is not None, product or None, notes,
                         row.override_reason if row.override_verdict else "")  # fmt: skip


def latest_results(patient: Patient) -> tuple[IntakeResult | None, dict[str, IntakeResult]]:
    """The newest TRD result and the newest screening per product (one query; none again for the same patient
    inside :func:`results_read_once`)."""
    memo = _MEMO.get()
    if memo is not None and patient.pk in memo:
        return memo[patient.pk]
    trd: IntakeResult | None = None
    screenings: dict[str, IntakeResult] = {}
    for row in IntakeResult.objects.filter(patient=patient).select_related("signed_off_by", "overridden_by"):
        if row.kind == IntakeKind.TRD and trd is None:
            trd = row
        elif row.kind == IntakeKind.SCREENING:
            screenings.setdefault(screening_product(row), row)
    if memo is not None:
        memo[patient.pk] = (trd, screenings)
    return trd, screenings


def judge_gate(patient: Patient, product: str, reason: str = "") -> GateVerdict:
    """The eligibility gate for ``product`` from the patient's latest results."""
    trd, screenings = latest_results(patient)
    return judge_treatment_gate(GateInput(product, summary(trd), summary(screenings.get(product)), reason))


def gates_by_product(patient: Patient) -> dict[str, GateVerdict]:
    """The gate for each product the clinic plans (shown before a course is planned)."""
    trd, screenings = latest_results(patient)
    return {p: judge_treatment_gate(GateInput(p, summary(trd), summary(screenings.get(p)))) for p in PRODUCTS}


def standing_gate(course: Course) -> GateVerdict:
    """The gate for the course now, overridden by its stored reason only while that reason covers every finding."""
    verdict = judge_gate(course.patient, course.product)
    if verdict.open or not course.gate_override_reason:
        return verdict
    covered = {f.get("rule_id") for f in (course.gate_findings or {}).get("findings", [])}
    if set(verdict.rule_ids) <= covered:
        return judge_gate(course.patient, course.product, course.gate_override_reason)
    return verdict


def standing_override(course: Course) -> str:
    """The course's override reason while it still covers every finding of the gate now, else ``""``.

    The one test of "a prescriber has overridden these contraindications" for the dose check and the pre-dose
    decision: a reason given for other findings (say, no TRD verdict yet) never lifts a contraindication that a
    later screening found.
    """
    verdict = standing_gate(course)
    return verdict.override_reason if verdict.overridden else ""


def course_screening(course: Course) -> IntakeSummary | None:
    """The patient's latest screening for the course's product (what follows the patient to the chair)."""
    _, screenings = latest_results(course.patient)
    return summary(screenings.get(course.product))


def dose_rules() -> DoseRules:
    """The site's dose-check settings: ``KTRD_DOSE_PLAN_TOLERANCE_PERCENT`` and ``KTRD_DOSE_WINDOW_HOURS``
    (labelled ``site-decision``), else the shipped defaults."""
    tolerance = getattr(settings, "KTRD_DOSE_PLAN_TOLERANCE_PERCENT", None)
    window = getattr(settings, "KTRD_DOSE_WINDOW_HOURS", None)
    rules = DEFAULT_DOSE_RULES
    return DoseRules(
        plan_tolerance_percent=rules.plan_tolerance_percent if tolerance is None
        else Cited(Decimal(str(tolerance)), source="site-decision"),
        window_hours=rules.window_hours if window is None else Cited(Decimal(str(window)), source="site-decision"),
        arithmetic_allowance_percent=rules.arithmetic_allowance_percent,
    )  # fmt: skip


def session_number(session: Session) -> int:
    """The 1-based number of the session in its course (cancelled sessions do not count)."""
    earlier = (
        Session.objects.filter(course_id=session.course_id, scheduled_at__lt=session.scheduled_at)
        .exclude(status=SessionStatus.CANCELLED)
        .exclude(pk=session.pk)
        .count()
    )
    same_time_before = (
        Session.objects.filter(course_id=session.course_id, scheduled_at=session.scheduled_at, pk__lt=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .count()
    )
    return earlier + same_time_before + 1


def planned_session(course: Course, number: int) -> dict[str, Any]:
    """The plan's row for session ``number`` (the last row once the calendar is used up; empty without a plan)."""
    rows = (course.plan_data or {}).get("sessions") or []
    if not rows:
        return {}
    return dict(rows[min(number, len(rows)) - 1])


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def planned_dose(session: Session) -> dict[str, Any]:
    """What the plan gives this session: number, dose (mg), mg/kg, dosing weight (kg), devices (esketamine)."""
    course = session.course
    number = session_number(session)
    row = planned_session(course, number)
    weight = _decimal(session.patient.weight_kg)
    dose = _decimal(row.get("dose_mg"))
    per_kg = _decimal(row.get("mg_per_kg"))
    if per_kg is not None and weight is not None:  # IV: mg/kg x today's dosing weight (the plan's mg may be stale)
        dose = (per_kg * weight).quantize(Decimal("0.1"))
    devices = int(dose // 28) if course.product == Product.ESKETAMINE_NASAL.value and dose is not None else None
    return {"number": number, "dose_mg": dose, "mg_per_kg": per_kg, "weight_kg": weight, "devices": devices,
            "phase": row.get("phase", "")}  # fmt: skip


def previous_dose_mg(session: Session) -> Decimal | None:
    """The last dose (mg) given on the session's course before this session (for the label's dose steps)."""
    earlier = (
        Session.objects.filter(course_id=session.course_id, dosed_at__isnull=False,
                               scheduled_at__lte=session.scheduled_at)  # fmt: skip
        .exclude(pk=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("-dosed_at", "-pk")
        .values_list("dose_mg", flat=True)
        .first()
    )
    return None if earlier is None else Decimal(str(earlier))
