"""The records router of the one NinjaAPI: patients, courses, sessions, REMS records.

Every endpoint calls one service (the same ones the HTML views call); errors of the error tree are
mapped to HTTP by the API's one handler (``clinic.api``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from ketamine_trd.clinic.records import schemas as s
from ketamine_trd.clinic.records.quantities import parse_quantity
from ketamine_trd.clinic.records.services import courses, patients, rems, session_writes, sessions, signing
from ketamine_trd.clinic.records.services.patients import PatientInput

router = Router(tags=["records"])
ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 422), s.ErrorOut)


def _now() -> Any:
    return timezone.now()


def _patient_input(payload: s.PatientIn) -> PatientInput:
    def qty(field: str, value: Any, unit: str) -> Any:
        return None if value in (None, "") else parse_quantity(field, value, unit)

    return PatientInput(
        mrn=payload.mrn.strip(), given_name=payload.given_name.strip(), family_name=payload.family_name.strip(),
        date_of_birth=payload.date_of_birth, sex=payload.sex, weight_kg=qty("weight_kg", payload.weight_kg, "kg"),
        height_cm=qty("height_cm", payload.height_cm, "cm"), phone=payload.phone, email=payload.email,
    )  # fmt: skip


class PatientQuery(Schema):
    q: str = ""
    limit: int = 50
    offset: int = 0


@router.get("/patients", response={200: list[s.PatientOut], **ERRORS}, summary="Search patients")
def list_patients(request: HttpRequest, query: Query[PatientQuery]) -> Any:
    return patients.search_patients(request, query.q, now=_now(), limit=query.limit, offset=query.offset)


@router.post("/patients", response={201: s.PatientOut, **ERRORS}, summary="Register a patient")
def create_patient(request: HttpRequest, payload: s.PatientIn) -> Any:
    return Status(201, patients.register_patient(request, _patient_input(payload), now=_now()))


@router.get("/patients/{patient_id}", response={200: s.PatientOut, **ERRORS})
def get_patient(request: HttpRequest, patient_id: int) -> Any:
    return patients.get_patient(request, patient_id, now=_now())


@router.put("/patients/{patient_id}", response={200: s.PatientOut, **ERRORS})
def update_patient(request: HttpRequest, patient_id: int, payload: s.PatientIn) -> Any:
    return patients.update_patient(request, patient_id, _patient_input(payload), now=_now())


@router.get("/patients/{patient_id}/courses", response={200: list[s.CourseOut], **ERRORS})
def patient_courses(request: HttpRequest, patient_id: int) -> Any:
    return courses.patient_courses(request, patient_id, now=_now())


@router.post("/patients/{patient_id}/courses", response={201: s.CourseOut, **ERRORS}, summary="Plan a course")
def create_course(request: HttpRequest, patient_id: int, payload: s.CourseIn) -> Any:
    data = courses.CourseInput(**payload.dict())
    return Status(201, courses.plan_new_course(request, patient_id, data, now=_now()))


@router.get("/courses/{course_id}", response={200: s.CourseOut, **ERRORS})
def get_course(request: HttpRequest, course_id: int) -> Any:
    return courses.course_page(request, course_id, now=_now()).course


@router.post("/courses/{course_id}/phase", response={200: s.CourseOut, **ERRORS}, summary="Change the phase")
def course_phase(request: HttpRequest, course_id: int, payload: s.PhaseIn) -> Any:
    return courses.change_phase(request, course_id, phase=payload.phase, reason=payload.end_reason, now=_now(),
                                override_reason=payload.override_reason)  # fmt: skip


@router.get("/courses/{course_id}/sessions", response={200: list[s.SessionSummaryOut], **ERRORS})
def course_sessions(request: HttpRequest, course_id: int) -> Any:
    return list(courses.course_page(request, course_id, now=_now()).sessions)


@router.post("/courses/{course_id}/sessions", response={201: s.SessionSummaryOut, **ERRORS}, summary="Schedule")
def schedule(request: HttpRequest, course_id: int, payload: s.ScheduleIn) -> Any:
    now = _now()
    row = sessions.schedule_session(request, course_id, scheduled_at=payload.scheduled_at, chair=payload.chair, now=now)
    return Status(201, row)


def _session_out(request: HttpRequest, session_id: int) -> dict[str, Any]:
    view = sessions.chair_view(request, session_id, now=_now())
    row = view.session
    out = {f: getattr(row, f) for f in s.SessionOut.model_fields if hasattr(row, f) and f not in ("vitals", "ratings")}
    out.update(
        vitals=list(view.vitals), ratings=list(view.ratings), adverse_events=list(view.events),
        missing=list(view.missing),
        alerts=[{"rule_id": a.rule_id, "level": a.level.value, "message": a.message, "source": a.source,
                 "profile": a.profile} for a in view.alerts],
    )  # fmt: skip
    return out


@router.get("/sessions/{session_id}", response={200: s.SessionOut, **ERRORS}, summary="The chair-side view")
def get_session(request: HttpRequest, session_id: int) -> Any:
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/checklist", response={200: s.SessionOut, **ERRORS})
def session_checklist(request: HttpRequest, session_id: int, payload: s.ChecklistIn) -> Any:
    data = payload.dict() | {"concomitant": frozenset(payload.concomitant)}
    session_writes.record_checklist(request, session_id, session_writes.ChecklistInput(**data), now=_now())
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/dose", response={200: s.SessionOut, **ERRORS})
def session_dose(request: HttpRequest, session_id: int, payload: s.DoseIn) -> Any:
    session_writes.record_dose(request, session_id, session_writes.DoseInput(**payload.dict()), now=_now())
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/vitals", response={200: s.SessionOut, **ERRORS})
def session_vitals(request: HttpRequest, session_id: int, payload: s.VitalsIn) -> Any:
    session_writes.add_vitals(request, session_id, session_writes.VitalsInput(**payload.dict()), now=_now())
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/ratings", response={200: s.SessionOut, **ERRORS})
def session_rating(request: HttpRequest, session_id: int, payload: s.RatingIn) -> Any:
    session_writes.add_rating(request, session_id, session_writes.RatingInput(**payload.dict()), now=_now())
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/adverse-events", response={200: s.SessionOut, **ERRORS})
def session_event(request: HttpRequest, session_id: int, payload: s.EventIn) -> Any:
    session_writes.add_adverse_event(request, session_id, session_writes.EventInput(**payload.dict()), now=_now())
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/discharge", response={200: s.SessionOut, **ERRORS})
def session_discharge(request: HttpRequest, session_id: int, payload: s.DischargeIn) -> Any:
    session_writes.record_discharge(request, session_id, session_writes.DischargeInput(**payload.dict()), now=_now())
    return _session_out(request, session_id)


@router.post(
    "/sessions/{session_id}/sign", response={200: s.SignOut, **ERRORS}, summary="Sign, or list what is missing"
)
def session_sign(request: HttpRequest, session_id: int, payload: s.SignIn | None = None) -> Any:
    reason = payload.override_reason if payload is not None else ""
    outcome = signing.sign_session(request, session_id, now=_now(), override_reason=reason)
    rems_id = outcome.rems_record.pk if outcome.rems_record is not None else None
    return {"signed": outcome.signed, "missing": list(outcome.missing), "rems_record_id": rems_id}


def _rems_out(row: Any, status: str, problems: Any) -> dict[str, Any]:
    return {"id": row.pk, "session_id": row.session_id, "patient_id": row.patient_id, "status": status,
            "due_at": row.due_at, "form_version": row.form_version, "submitted_at": row.submitted_at,
            "problems": list(problems), "fields": row.fields}  # fmt: skip


@router.get("/rems", response={200: list[s.RemsOut], **ERRORS}, summary="REMS records due and overdue")
def rems_list(request: HttpRequest, include_submitted: bool = False) -> Any:
    items = rems.worklist(request, now=_now(), include_submitted=include_submitted)
    return [_rems_out(row, item.status.value, item.problems) for row, item in items]


@router.get("/rems/{record_id}", response={200: s.RemsOut, **ERRORS})
def rems_get(request: HttpRequest, record_id: int) -> Any:
    return _rems_out(*rems.get_record(request, record_id, now=_now()))
