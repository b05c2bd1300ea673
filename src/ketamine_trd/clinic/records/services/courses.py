"""Treatment courses: the plan and calendar from ``clinical.courses``, phases, review and reassessment dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.authn.reauth import require_recent_auth_of
from ketamine_trd.clinic.records.models import Course, Phase, Session, SessionStatus
from ketamine_trd.clinic.records.services import gates
from ketamine_trd.clinic.records.services._scope import course_for, patient_for
from ketamine_trd.clinic.site import settings_service as site_settings
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.courses import EsketamineCourseRequest, IvCourseRequest, plan_course
from ketamine_trd.clinical.inputs.courses import CourseInput
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.scheduling import ClosedDays
from ketamine_trd.clinical.treatment_gate import GateVerdict, IntakeSummary
from ketamine_trd.errors import CheckRefused, ConflictError, InputError

#: the course workflow (platform-defined): phases move forward only, and any phase may end with a reason
NEXT_PHASES: dict[str, tuple[str, ...]] = {
    Phase.EVALUATION: (Phase.INDUCTION, Phase.ENDED),
    Phase.INDUCTION: (Phase.MAINTENANCE, Phase.ENDED),
    Phase.MAINTENANCE: (Phase.ENDED,),
    Phase.ENDED: (),
}
MAX_START_DISTANCE = dt.timedelta(days=730)


def pass_gate(actor: Actor, patient: Any, product: str, reason: str, *, now: dt.datetime,
              standing: Course | None = None) -> GateVerdict:  # fmt: skip
    """The eligibility gate for ``product``: open, or overridden by ``reason`` (re-authenticated), else refused.

    ``standing`` is a course whose earlier override still covers the same findings (moving it to induction).
    """
    verdict = gates.judge_gate(patient, product, reason)
    if verdict.open:
        return verdict
    if not verdict.overridden and standing is not None:
        kept = gates.standing_gate(standing)
        if kept.overridden:
            return kept
    if not verdict.overridden:
        problems = " ".join(f.message for f in verdict.findings)
        raise CheckRefused("override_reason", reason.strip(), f"Eligibility is not established. {problems} A "
                           "prescriber may go ahead with a written "
                         f"reason of at least {MIN_OVERRIDE_REASON_CHARS} characters",
                         reason="is needed: eligibility is not established")  # fmt: skip
    require_recent_auth_of(actor, now)
    return verdict


def _store_override(course: Course, verdict: GateVerdict, user: Any, now: dt.datetime) -> list[str]:
    course.gate_findings = verdict.to_dict()
    changed = ["gate_findings"]
    if verdict.overridden and verdict.override_reason != course.gate_override_reason:
        course.gate_override_reason, course.gate_overridden_by, course.gate_overridden_at = (
            verdict.override_reason, user, now)  # fmt: skip
        changed += ["gate_override_reason", "gate_overridden_by", "gate_overridden_at"]
    return changed


def _request(data: CourseInput, product: Product, patient: Any,
             closed: ClosedDays) -> EsketamineCourseRequest | IvCourseRequest:  # fmt: skip
    if product is Product.ESKETAMINE_NASAL:
        return EsketamineCourseRequest(
            start=data.start_date, indication=data.indication, dose_mg=data.dose_mg, from_week9=data.from_week9,
            total_weeks=data.total_weeks, oral_antidepressant=data.oral_antidepressant or None, closed=closed,
        )  # fmt: skip
    if product is Product.KETAMINE_IV:
        return IvCourseRequest(
            start=data.start_date, mg_per_kg=float(data.mg_per_kg), infusions=data.infusions, per_week=data.per_week,
            maintenance=data.maintenance, maintenance_sessions=data.maintenance_sessions,
            weight_kg=float(patient.weight_kg) if patient.weight_kg is not None else None,
            height_cm=float(patient.height_cm) if patient.height_cm is not None else None,
            sex=patient.sex if patient.sex in ("female", "male") else None, closed=closed,
        )  # fmt: skip
    raise InputError("product", product.value, "esketamine-nasal or ketamine-iv (the core plans these courses)")


def _closed_words(closed: ClosedDays, number: int, plan: dict[str, Any]) -> str:
    """The closed days the calendar skipped, and the settings version they come from (a stamp on the plan)."""
    days = [dt.date.fromisoformat(p["date"]) for p in plan.get("sessions", [])]
    names = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
    weekdays = ", ".join(names[d] for d in sorted(closed.weekdays)) or "no weekday"
    dates = [d.isoformat() for d in sorted(closed.dates) if days and days[0] <= d <= days[-1]]
    within = f"closed dates {', '.join(dates)}" if dates else "no closed date falls in the course"
    version = f"site settings version {number}" if number else "the shipped site settings"
    return f"Closed days skipped ({version}): {weekdays}; {within}."


def next_reassessment(plan: dict[str, Any], today: dt.date) -> dt.date | None:
    """The first reassessment date of the plan on or after ``today`` (else the last one)."""
    dates = [dt.date.fromisoformat(d) for d in plan.get("reassessment_dates", [])]
    upcoming = [d for d in dates if d >= today]
    return upcoming[0] if upcoming else (dates[-1] if dates else None)


def plan_new_course(actor: Actor, patient_id: int, data: CourseInput, *, now: dt.datetime) -> Course:
    """Plan a course with the core and store it in the evaluation phase."""
    user = authorize(actor, "course.plan")
    product = Product.parse(data.product)
    if abs(data.start_date - now.date()) > MAX_START_DISTANCE:
        raise InputError("start_date", data.start_date.isoformat(), "within two years of today")
    with writing():
        patient = patient_for(user, patient_id)
        if Course.objects.filter(patient=patient).exclude(phase=Phase.ENDED).exists():
            raise ConflictError("this patient already has a course that has not ended: end it first")
        verdict = pass_gate(actor, patient, product.value, data.override_reason, now=now)
        number, closed = site_settings.closed_days_in_force(patient.clinic_id)
        plan = plan_course(_request(data, product, patient, closed))
        plan_data = plan.to_dict()
        plan_data["site_settings_version"] = number  # the closed days placed under (0: the shipped defaults)
        plan_data["notes"].append(_closed_words(closed, number, plan_data))
        course = Course(
            patient=patient, product=product.value, route=product.route, phase=Phase.EVALUATION,
            start_date=data.start_date, plan_data=plan_data, rule_version=plan.rule_version,
            monitoring_profile=data.monitoring_profile, review_due_on=plan.end_of_induction_review,
            reassessment_due_on=next_reassessment(plan_data, now.date()), prescriber=user,
            created_at=now, updated_at=now,
        )  # fmt: skip
        gate_fields = _store_override(course, verdict, user, now)
        course.save()
        record(actor, "create", obj=course, changed_fields=["product", "plan_data", "phase", *gate_fields], now=now)
    return course


def change_phase(
    actor: Actor, course_id: int, *, phase: str, reason: str = "", now: dt.datetime, override_reason: str = ""
) -> Course:
    """Move the course to its next phase; ending needs a written reason; induction passes the eligibility gate
    again (judged now; an earlier override covers the same findings, new ones need ``override_reason``)."""
    user = authorize(actor, "course.change_phase")
    with writing():
        course = course_for(user, course_id, lock=True)
        allowed = NEXT_PHASES[course.phase]
        if phase not in allowed:
            shown = ", ".join(allowed) or "none (the course has ended)"
            raise InputError("phase", phase, f"from {course.phase}: {shown}")
        changed = ["phase", "updated_at"]
        if phase == Phase.ENDED:
            if len(reason.strip()) < 5:
                raise InputError("end_reason", reason, "a reason of at least 5 characters")
            course.end_reason, course.ended_on = reason.strip(), now.date()
            changed += ["end_reason", "ended_on"]
        if phase == Phase.INDUCTION:
            verdict = pass_gate(actor, course.patient, course.product, override_reason, now=now, standing=course)
            changed += _store_override(course, verdict, user, now)
        course.phase, course.updated_at = phase, now
        course.save(update_fields=changed)
        record(actor, "update", obj=course, changed_fields=changed, now=now)
        if phase == Phase.ENDED:
            _cancel_planned_sessions(actor, course, now=now)
    return course


def _cancel_planned_sessions(actor: Actor, course: Course, *, now: dt.datetime) -> None:
    """An ended course keeps no booked chair: its planned (not started) sessions are cancelled, each audited.

    Sessions in progress or signed are kept as they are.
    """
    planned = Session.objects.select_for_update().filter(course=course, status=SessionStatus.PLANNED)
    for session in planned:
        session.status, session.updated_at = SessionStatus.CANCELLED, now
        session.version += 1
        session.save(update_fields=["status", "updated_at", "version"])
        record(actor, "update", obj=session, patient_id=course.patient_id, changed_fields=("status",), now=now)


@dataclass(frozen=True, slots=True)
class CoursePage:
    """The course, its sessions, and what follows the patient: the gate now and the screening for the product."""

    course: Course
    sessions: tuple[Session, ...]
    next_phases: tuple[str, ...]
    gate: GateVerdict | None = None
    screening: IntakeSummary | None = None


def course_page(actor: Actor, course_id: int, *, now: dt.datetime) -> CoursePage:
    """The course with its sessions (a ``read``)."""
    user = authorize(actor, "course.view")
    with reading():
        course = course_for(user, course_id)
        sessions = tuple(course.sessions.order_by("scheduled_at", "id"))
        gate = gates.standing_gate(course)
        screening = gates.course_screening(course)
    record(actor, "read", obj=course, now=now)
    return CoursePage(course, sessions, tuple(NEXT_PHASES[course.phase]), gate, screening)


@dataclass(frozen=True, slots=True)
class CourseFormPage:
    """The patient and the eligibility gate for each product, shown before a course is planned."""

    patient: Any
    gates: dict[str, GateVerdict]


def course_form_page(actor: Actor, patient_id: int, *, now: dt.datetime) -> CourseFormPage:
    """The patient (a ``read``) and the gate for each product the clinic plans."""
    user = authorize(actor, "course.plan")
    with reading():
        patient = patient_for(user, patient_id)
        by_product = gates.gates_by_product(patient)
    record(actor, "read", obj=patient, now=now)
    return CourseFormPage(patient, by_product)


def patient_courses(actor: Actor, patient_id: int, *, now: dt.datetime) -> list[Course]:
    """The patient's courses, newest first (a ``read``)."""
    user = authorize(actor, "course.view")
    with reading():
        patient = patient_for(user, patient_id)
        found = list(Course.objects.filter(patient=patient))
    record(actor, "read", object_type="records.course_list", patient_id=patient.pk, now=now)
    return found
