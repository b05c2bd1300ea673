"""schemathesis against the records API's OpenAPI document: no server errors, responses match their schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ketamine_trd.clinic.api import api
from ketamine_trd.clinic.wsgi import application
from tests.clinic.builders import make_clinic, make_course, make_patient, make_session, make_user

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = application
records = schema.include(tag="records")


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Requests run inside the test transaction, as Django's test client does it (PostgreSQL would close it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in(transactional_db: None, keep_test_connection: None) -> dict[str, Any]:
    """Cookies and CSRF header of a prescriber, with one patient, course and session to find.

    ``transactional_db``: schemathesis calls the WSGI application outside the test client, and on PostgreSQL
    the rows must be committed to be seen by its requests.
    """
    clinic = make_clinic()
    user = make_user("prescriber", clinic)
    session = make_session(make_course(make_patient(clinic)))
    client = Client()
    client.force_login(user)
    client.get("/accounts/login/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return {"cookies": cookies, "headers": {"X-CSRFToken": cookies.get("csrftoken", "")}, "ids": session.pk}


@records.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_records_api_conforms_to_its_schema(case: Any, signed_in: dict[str, Any]) -> None:
    # authentication is injected (a signed-in prescriber), so the auth-probing checks do not apply
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    case.call_and_validate(headers=signed_in["headers"], cookies=signed_in["cookies"], checks=checks)
