"""Deny by default: every URL pattern and API route refuses anonymous and wrong-role requests.

Enumerates the URL resolver and the OpenAPI document (nothing is listed by hand except the
public pages), so that a new page or route is checked the day it lands. Controls: HIPAA
45 CFR 164.312(a)(1) access control; OWASP ASVS 4.0 V4.1.1, V4.1.5 (fail closed), V4.2.1
(object-level access), V7.2.2 (failed access decisions are logged).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ketamine_trd.clinic.audit.models import AuditEvent
from tests.clinic.builders import make_clinic, make_course, make_patient, make_session, make_user

from ._proc import figures
from ._routes import PUBLIC, api_routes, html_routes

# Pages every signed-in user may open for their own account.
SELF_SERVICE = {"/accounts/reauth/", "/accounts/totp/enrol/"}
# Clinical pages that front desk and admin may not open (access.ALLOWED: intake, course, session, measurement).
CLINICAL_ONLY = {
    "intake_trd",
    "intake_screening",
    "intake_sign_off",
    "intake_override",
    "course_new",
    "course_detail",
    "course_phase",
    "session_detail",
    "session_record",
    "assessment_new",
    "patient",
    "progress_report",
}
REFUSED = {302, 401, 403, 404, 405}
# Served to every signed-in user: no patient data in them.
NO_PATIENT_DATA = {"/vendor/plotly.min.js", "/api/measurement/instruments", "/benefit-model/calibration/"}
# Served to researchers de-identified (counts only); test_researcher_dashboard_is_de_identified proves it.
DEIDENTIFIED_FOR_RESEARCHER = {"/"}
FAMILY_NAME = "Zebedee-Confidential"


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    clinic, other = make_clinic(name="Home Clinic"), make_clinic(name="Other Clinic")
    patient = make_patient(clinic, family_name=FAMILY_NAME, mrn="SECRET-MRN-1")
    course = make_course(patient)
    session = make_session(course)
    ids = {"patient_id": patient.pk, "course_id": course.pk, "session_id": session.pk}
    users = {role: make_user(role, clinic) for role in ("prescriber", "nurse", "front_desk", "researcher", "admin")}
    users["outsider"] = make_user("prescriber", other)
    users["no_clinic"] = make_user("nurse", None)
    return {"ids": ids, "users": users}


def _client(user: Any = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def test_every_page_refuses_anonymous_requests(world: dict[str, Any]) -> None:
    routes = [r for r in html_routes(world["ids"]) if r.path not in PUBLIC]
    assert len(routes) >= 10
    problems = []
    for route in routes:
        client = _client()
        got, posted = client.get(route.path), client.post(route.path, {})
        statuses = {got.status_code, posted.status_code}
        if not statuses <= REFUSED or not any(
            _is_login_redirect(r) or r.status_code in {401, 403} for r in (got, posted)
        ):
            problems.append(f"{route.path}: GET {got.status_code}, POST {posted.status_code}")
    assert not problems, problems
    figures("access_html_anonymous", {"routes": len(routes), "requests": 2 * len(routes)})


@pytest.mark.parametrize("who", ["researcher", "no_clinic"])
def test_every_page_refuses_a_role_without_clinical_rights(world: dict[str, Any], who: str) -> None:
    skip = (
        set(PUBLIC) | SELF_SERVICE | NO_PATIENT_DATA | (DEIDENTIFIED_FOR_RESEARCHER if who == "researcher" else set())
    )
    routes = [r for r in html_routes(world["ids"]) if r.path not in skip]
    problems = []
    for route in routes:
        client = _client(world["users"][who])
        for response in (client.get(route.path), client.post(route.path, {})):
            if response.status_code not in REFUSED or FAMILY_NAME.encode() in _body(response):
                problems.append(f"{route.path}: {response.status_code}")
    assert not problems, problems
    assert (
        AuditEvent.objects.filter(action="denied", actor_role=world["users"][who].role).exists() or who == "no_clinic"
    )


def test_researcher_dashboard_is_de_identified(world: dict[str, Any]) -> None:
    import datetime as dt

    from ketamine_trd.clinic.measurement.alerts import raise_alert
    from ketamine_trd.clinic.records.models import Patient

    patient = Patient.objects.get(pk=world["ids"]["patient_id"])
    raise_alert(
        patient,
        kind="suicide_item",
        level="critical",
        rule="test:identified-on-dashboard",
        source="platform-defined",
        message="an open alert that names the patient on a clinician's dashboard",
        object_key="test",
        now=dt.datetime.now(dt.UTC),
    )
    clinician = _body(_client(world["users"]["prescriber"]).get("/"))
    assert FAMILY_NAME.encode() in clinician  # the page does show patients to clinicians...
    response = _client(world["users"]["researcher"]).get("/")
    assert response.status_code == 200
    body = _body(response)
    assert FAMILY_NAME.encode() not in body and b"SECRET-MRN-1" not in body  # ...but not to researchers


@pytest.mark.parametrize("who", ["front_desk", "admin"])
def test_clinical_pages_refuse_front_desk_and_admin(world: dict[str, Any], who: str) -> None:
    routes = [r for r in html_routes(world["ids"]) if r.name in CLINICAL_ONLY]
    problems = []
    for route in routes:
        client = _client(world["users"][who])
        for response in (client.get(route.path), client.post(route.path, {})):
            if response.status_code not in {403, 404, 405}:
                problems.append(f"{route.path}: {response.status_code}")
    assert not problems, problems


def _foreign_rows() -> tuple[int, ...]:
    from ketamine_trd.clinic.records.models import Course, Patient, Session

    writes = AuditEvent.objects.filter(action__in=["create", "update", "delete", "sign"]).count()
    return (Patient.objects.count(), Course.objects.count(), Session.objects.count(), writes)


def test_another_clinics_objects_are_neither_shown_nor_changed(world: dict[str, Any]) -> None:
    """An outsider (a prescriber of another clinic) reads nothing of this clinic and changes nothing,
    on every page, with the ids of this clinic's objects; redirects are followed one step."""
    routes = [r for r in html_routes(world["ids"]) if r.path not in SELF_SERVICE and r.path not in PUBLIC]
    before = _foreign_rows()
    problems = []
    for route in routes:
        client = _client(world["users"]["outsider"])
        for response in (client.get(route.path), client.post(route.path, {})):
            chain = [response]
            if response.status_code == 302:
                chain.append(client.get(response["Location"]))
            for r in chain:
                if r.status_code >= 500 or FAMILY_NAME.encode() in _body(r) or b"SECRET-MRN-1" in _body(r):
                    problems.append(f"{route.path}: {r.status_code}")
            if "<" in route.pattern and response.status_code == 200:
                problems.append(f"{route.path}: 200 for another clinic's object")
    assert not problems, problems
    assert _foreign_rows() == before
    listing = _client(world["users"]["outsider"]).get("/patients/?q=Zeb")
    assert FAMILY_NAME.encode() not in listing.content


def test_every_api_route_refuses_anonymous_and_wrong_role(world: dict[str, Any]) -> None:
    routes = api_routes(world["ids"])
    assert routes
    problems = []
    for method, path in routes:
        anonymous = _client().generic(method, path, data="{}", content_type="application/json")
        if anonymous.status_code != 401:
            problems.append(f"anonymous {method} {path}: {anonymous.status_code}")
        for who in ("researcher", "outsider", "no_clinic"):
            client = _client(world["users"][who])
            response = client.generic(method, path, data="{}", content_type="application/json")
            leaked = FAMILY_NAME.encode() in _body(response) or b"SECRET-MRN-1" in response.content
            # a list scoped to the caller's own clinic may answer 200 to the outsider, without this clinic's data
            scoped_list = who == "outsider" and method == "GET" and str(world["ids"]["patient_id"]) not in path
            allowed = {401, 403, 404, 405, 422} | ({200} if scoped_list or path in NO_PATIENT_DATA else set())
            if response.status_code not in allowed or leaked:
                problems.append(f"{who} {method} {path}: {response.status_code}")
    assert not problems, problems
    figures("access_api", {"routes": len(routes), "requests": 4 * len(routes)})


def test_api_refuses_unsafe_methods_without_csrf_token(world: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world["users"]["nurse"])
    posts = [(m, p) for m, p in api_routes(world["ids"]) if m != "GET"]
    for method, path in posts:
        response = client.generic(method, path, data="{}", content_type="application/json")
        assert response.status_code == 403, (method, path, response.status_code)
