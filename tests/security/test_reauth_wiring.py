"""Signing a session or a REMS record needs a recent password entry (OWASP ASVS 4.0 V3.7.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.authn.reauth import SESSION_KEY, ReauthRequired
from tests.clinic.builders import PASSWORD, make_clinic, make_course, make_patient, make_session, make_user


@pytest.fixture
def nurse_client(db: None) -> tuple[Client, object, object]:
    clinic = make_clinic()
    nurse = make_user("nurse", clinic)
    session = make_session(make_course(make_patient(clinic)))
    client = Client(raise_request_exception=False)
    assert client.post("/accounts/login/", {"username": nurse.username, "password": PASSWORD}).status_code == 302
    return client, nurse, session


def _age_auth(client: Client, minutes: int) -> None:
    store = client.session
    store[SESSION_KEY] = (timezone.now() - dt.timedelta(minutes=minutes)).timestamp()
    store.save()


def test_signing_a_session_without_recent_auth_goes_to_reauth(nurse_client) -> None:  # type: ignore[no-untyped-def]
    client, _, session = nurse_client
    _age_auth(client, 30)
    response = client.post(f"/sessions/{session.pk}/sign/", {})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    from ketamine_trd.clinic.records.models import SessionStatus

    session.refresh_from_db()
    assert session.status != SessionStatus.SIGNED


def test_rems_submission_without_recent_auth_is_refused(nurse_client, rf) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.records.services import rems

    client, nurse, _ = nurse_client
    _age_auth(client, 30)
    request = rf.post("/rems/1/submitted/")
    request.user, request.session = nurse, client.session
    with pytest.raises(ReauthRequired):
        rems.submit(request, 1, submitted_at=timezone.now(), now=timezone.now())
    response = client.post("/rems/1/submitted/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
