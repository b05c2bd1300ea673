"""The records router of the one NinjaAPI: patients, courses, sessions, REMS records.

Every endpoint calls one service (the same ones the HTML views call); errors of the error tree are
mapped to HTTP by the API's one handler (``clinic.api``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from ketamine_trd.clinic.inputs import InputSchema, schema_for
from ketamine_trd.clinic.records import schemas as s
from ketamine_trd.clinic.records.services import courses, patients, rems, session_writes, sessions, signing
from ketamine_trd.clinical.inputs.registration import PatientSearchInput
from ketamine_trd.errors import InputError

router = Router(tags=["records"])
ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 422), s.ErrorOut)


def _now() -> Any:
    return timezone.now()


def _if_match(request: HttpRequest) -> int | None:
    """The version in an ``If-Match`` header (``"3"`` or ``W/"3"``, as the ``ETag`` gave it), or None when absent."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    text = raw.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise InputError("If-Match", raw[:40], 'the ETag of the record as you last read it, e.g. "3"')
    return int(text)


def _etag(response: HttpResponse, row: Any) -> Any:
    """Send the row's version as its ``ETag`` (the ``If-Match`` of the next change); returns the row."""
    response["ETag"] = f'"{row.version}"'
    return row


if TYPE_CHECKING:
    PatientQuery = InputSchema
else:
    PatientQuery = schema_for(PatientSearchInput, "PatientQuery")


@router.get("/patients", response={200: list[s.PatientOut], **ERRORS}, summary="Search patients")
def list_patients(request: HttpRequest, query: Query[PatientQuery]) -> Any:
    asked = query.to_input()
    return patients.search_patients(request, asked.q, now=_now(), limit=asked.limit, offset=asked.offset)


@router.post("/patients", response={201: s.PatientOut, **ERRORS}, summary="Register a patient")
def create_patient(request: HttpRequest, payload: s.PatientIn) -> Any:
    return Status(201, patients.register_patient(request, payload.to_input(), now=_now()))


@router.get("/patients/{patient_id}", response={200: s.PatientOut, **ERRORS})
def get_patient(request: HttpRequest, patient_id: int, response: HttpResponse) -> Any:
    """The patient; its ``ETag`` is the version to send back in ``If-Match`` with a change."""
    return _etag(response, patients.get_patient(request, patient_id, now=_now()))


@router.put("/patients/{patient_id}", response={200: s.PatientOut, **ERRORS})
def update_patient(request: HttpRequest, patient_id: int, payload: s.PatientIn, response: HttpResponse) -> Any:
    """Change the patient. ``If-Match`` (the ``ETag`` of your last read) is required; a stale one answers 409."""
    expected = _if_match(request)
    if expected is None:
        raise InputError("If-Match", None, 'the ETag of the patient as you last read it, e.g. "3"', reason="is missing")
    return _etag(response, patients.update_patient(request, patient_id, payload.to_input(), now=_now(),
                                                   expected_version=expected))  # fmt: skip


@router.get("/patients/{patient_id}/courses", response={200: list[s.CourseOut], **ERRORS})
def patient_courses(request: HttpRequest, patient_id: int) -> Any:
    return courses.patient_courses(request, patient_id, now=_now())


@router.post("/patients/{patient_id}/courses", response={201: s.CourseOut, **ERRORS}, summary="Plan a course")
def create_course(request: HttpRequest, patient_id: int, payload: s.CourseIn) -> Any:
    return Status(201, courses.plan_new_course(request, patient_id, payload.to_input(), now=_now()))


@router.get("/courses/{course_id}", response={200: s.CourseOut, **ERRORS})
def get_course(request: HttpRequest, course_id: int) -> Any:
    return courses.course_page(request, course_id, now=_now()).course


@router.post("/courses/{course_id}/phase", response={200: s.CourseOut, **ERRORS}, summary="Change the phase")
def course_phase(request: HttpRequest, course_id: int, payload: s.PhaseIn) -> Any:
    data = payload.to_input()
    return courses.change_phase(request, course_id, phase=data.phase, reason=data.end_reason, now=_now(),
                                override_reason=data.override_reason)  # fmt: skip


@router.get("/courses/{course_id}/sessions", response={200: list[s.SessionSummaryOut], **ERRORS})
def course_sessions(request: HttpRequest, course_id: int) -> Any:
    return list(courses.course_page(request, course_id, now=_now()).sessions)


@router.post("/courses/{course_id}/sessions", response={201: s.SessionSummaryOut, **ERRORS}, summary="Schedule")
def schedule(request: HttpRequest, course_id: int, payload: s.ScheduleIn) -> Any:
    now = _now()
    data = payload.to_input()
    row = sessions.schedule_session(request, course_id, scheduled_at=data.scheduled_at, chair=data.chair, now=now)
    return Status(201, row)


def _session_out(request: HttpRequest, session_id: int) -> dict[str, Any]:
    view = sessions.chair_view(request, session_id, now=_now())
    row = view.session
    out = {f: getattr(row, f) for f in s.SessionOut.model_fields if hasattr(row, f) and f not in ("vitals", "ratings")}
    out.update(
        vitals=list(view.vitals), ratings=list(view.ratings), adverse_events=list(view.events),
        missing=list(view.missing),
        alerts=[{"rule_id": a.rule_id, "kind": a.kind, "level": a.level, "message": a.message, "source": a.source,
                 "profile": a.profile} for a in view.alerts],
    )  # fmt: skip
    return out


@router.get("/sessions/{session_id}", response={200: s.SessionOut, **ERRORS}, summary="The chair-side view")
def get_session(request: HttpRequest, session_id: int) -> Any:
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/checklist", response={200: s.SessionOut, **ERRORS})
def session_checklist(request: HttpRequest, session_id: int, payload: s.ChecklistIn) -> Any:
    session_writes.record_checklist(
        request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request)
    )
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/dose", response={200: s.SessionOut, **ERRORS})
def session_dose(request: HttpRequest, session_id: int, payload: s.DoseIn) -> Any:
    session_writes.record_dose(request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request))
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/vitals", response={200: s.SessionOut, **ERRORS})
def session_vitals(request: HttpRequest, session_id: int, payload: s.VitalsIn) -> Any:
    session_writes.add_vitals(request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request))
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/ratings", response={200: s.SessionOut, **ERRORS})
def session_rating(request: HttpRequest, session_id: int, payload: s.RatingIn) -> Any:
    session_writes.add_rating(request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request))
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/adverse-events", response={200: s.SessionOut, **ERRORS})
def session_event(request: HttpRequest, session_id: int, payload: s.EventIn) -> Any:
    session_writes.add_adverse_event(
        request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request)
    )
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/adverse-events/resolve", response={200: s.SessionOut, **ERRORS},
             summary="Resolve an open adverse event")  # fmt: skip
def session_event_resolved(request: HttpRequest, session_id: int, payload: s.ResolveIn) -> Any:
    """When an open adverse event of this session resolved; another session's event answers 422 naming
    ``event_id``, another clinic's session 404."""
    session_writes.resolve_adverse_event(
        request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request)
    )
    return _session_out(request, session_id)


@router.post("/sessions/{session_id}/discharge", response={200: s.SessionOut, **ERRORS})
def session_discharge(request: HttpRequest, session_id: int, payload: s.DischargeIn) -> Any:
    session_writes.record_discharge(
        request, session_id, payload.to_input(), now=_now(), expected_version=_if_match(request)
    )
    return _session_out(request, session_id)


@router.post(
    "/sessions/{session_id}/sign", response={200: s.SignOut, **ERRORS}, summary="Sign, or list what is missing"
)
def session_sign(request: HttpRequest, session_id: int, payload: s.SignIn | None = None) -> Any:
    reason = payload.to_input().override_reason if payload is not None else ""
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
