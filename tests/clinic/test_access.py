"""Deny by default: every records URL refuses anonymous users and roles without the right (an allow and a deny each)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, get_resolver

from ketamine_trd.clinic.access import ALLOWED, InClinic, authorize, can
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.errors import PermissionDenied
from tests.clinic.builders import make_course, make_patient, make_session

ROLES = ("prescriber", "nurse", "front_desk", "researcher", "admin")


def _urls(people):  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    course = make_course(patient)
    session = make_session(course)
    p, c, s = patient.pk, course.pk, session.pk
    # (method, url, action that allows it)
    return [
        ("get", "/patients/", "patient.view"),
        ("get", "/patients/new/", "patient.register"),
        ("get", f"/patients/{p}/", "patient.view"),
        ("get", f"/patients/{p}/edit/", "patient.edit"),
        ("get", f"/patients/{p}/intake/trd/", "intake.record"),
        ("get", f"/patients/{p}/intake/screening/", "intake.record"),
        ("get", "/intake/1/override/", "intake.override"),
        ("get", f"/patients/{p}/courses/new/", "course.plan"),
        ("get", f"/courses/{c}/", "course.view"),
        ("post", f"/courses/{c}/phase/", "course.change_phase"),
        ("post", f"/courses/{c}/sessions/new/", "session.schedule"),
        ("get", "/sessions/today/", "session.list"),
        ("get", f"/sessions/{s}/", "session.view"),
        ("post", f"/sessions/{s}/vitals/", "session.chart"),
        ("get", "/rems/", "rems.view"),
        ("get", "/rems/export.csv", "rems.export"),
        ("get", "/rems/1/", "rems.view"),
        ("post", "/rems/1/submitted/", "rems.submit"),
        ("get", "/rems/1.pdf", "rems.export"),
    ]


def test_every_records_url_is_covered_here() -> None:
    names = {p.name for p in get_resolver().url_patterns if isinstance(p, URLPattern)}
    records = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "records"][0]
    covered = {"patient_list", "patient_register", "patient_detail", "patient_edit", "intake_trd", "intake_screening",
               "intake_override", "intake_sign_off", "course_new", "course_detail", "course_phase", "session_schedule",
               "session_today", "session_detail", "session_record", "rems_list", "rems_csv", "rems_detail",
               "rems_submitted", "rems_pdf"}  # fmt: skip
    assert {p.name for p in records.url_patterns} == covered, names


def test_anonymous_is_sent_to_login_everywhere(people, client) -> None:  # type: ignore[no-untyped-def]
    for method, url, _ in _urls(people):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_exactly_what_the_table_says(people, role) -> None:  # type: ignore[no-untyped-def]
    client = people.client(role)
    user = getattr(people, role)
    for method, url, action in _urls(people):
        response = getattr(client, method)(url)
        if can(user, action):
            assert response.status_code != 403, (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_an_unknown_action_is_denied_to_everyone(people) -> None:  # type: ignore[no-untyped-def]
    assert not any(can(getattr(people, r), "anything.else") for r in ROLES)
    assert all(
        role in {"prescriber", "nurse", "front_desk", "researcher", "admin"} for a in ALLOWED.values() for role in a
    )


def test_a_user_without_a_clinic_is_denied(people) -> None:  # type: ignore[no-untyped-def]
    people.nurse.clinic = None
    people.nurse.save()
    assert people.client("nurse").get("/patients/").status_code == 403


# -- the one authorization call: clinic.access.authorize(actor, action, obj) ---------------------------------------


@pytest.mark.parametrize(("action", "roles"), sorted(ALLOWED.items()))
def test_authorize_allows_exactly_the_roles_of_the_table(people, action, roles) -> None:  # type: ignore[no-untyped-def]
    for role in ROLES:
        user = getattr(people, role)
        if role in roles:
            assert authorize(user, action) == user
        else:
            with pytest.raises(PermissionDenied, match=action):
                authorize(user, action)


def test_authorize_fails_closed(people) -> None:  # type: ignore[no-untyped-def]
    """Unknown action, anonymous, inactive, no clinic, another clinic's object, an object of no known clinic."""
    before = AuditEvent.objects.filter(action="denied").count()
    with pytest.raises(PermissionDenied):
        authorize(people.prescriber, "patient.delete")
    with pytest.raises(PermissionDenied, match="anonymous"):
        authorize(AnonymousUser(), "patient.view")
    with pytest.raises(PermissionDenied):
        authorize(None, "patient.view")
    people.nurse.is_active = False
    with pytest.raises(PermissionDenied):
        authorize(people.nurse, "patient.view")
    people.front_desk.clinic = None
    with pytest.raises(PermissionDenied, match="without a clinic"):
        authorize(people.front_desk, "patient.view")
    theirs = make_patient(people.outsider.clinic)
    with pytest.raises(PermissionDenied, match="own clinic"):
        authorize(people.prescriber, "patient.view", theirs)
    with pytest.raises(PermissionDenied, match="own clinic"):
        authorize(people.prescriber, "patient.view", object())
    with pytest.raises(PermissionDenied, match="own clinic"):
        authorize(people.researcher, "research.view", InClinic(people.outsider.clinic_id))
    details = list(AuditEvent.objects.filter(action="denied").order_by("pk").values_list("detail", flat=True))
    assert len(details) == before + 8  # every refusal is audited
    assert details[-1] == "research.view of another clinic"


def test_authorize_allows_objects_of_the_user_s_own_clinic(people) -> None:  # type: ignore[no-untyped-def]
    ours = make_patient(people.clinic)
    course = make_course(ours)
    assert authorize(people.prescriber, "patient.view", ours) == people.prescriber
    assert authorize(people.prescriber, "course.view", course) == people.prescriber  # through course.patient
    assert authorize(people.nurse, "dashboard.view", people.clinic) == people.nurse  # a clinic is its own clinic
    assert authorize(people.researcher, "research.view", InClinic(people.clinic.pk)) == people.researcher


def test_authorize_takes_a_request_and_audits_its_address(people, rf) -> None:  # type: ignore[no-untyped-def]
    request = rf.get("/patients/", REMOTE_ADDR="192.0.2.7")
    request.user = people.researcher
    with pytest.raises(PermissionDenied):
        authorize(request, "patient.view")
    event = AuditEvent.objects.filter(action="denied").latest("pk")
    assert (event.detail, event.actor_role, event.ip) == ("patient.view", "researcher", "192.0.2.7")
    request.user = people.nurse
    assert authorize(request, "patient.view") == people.nurse
