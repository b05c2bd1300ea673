"""schemathesis against the clinic's own OpenAPI document, authenticated as a nurse.

Every operation gets generated requests (bounded: a few examples each); the checks are no
5xx and every documented response matching its schema, plus no data of another clinic in
any response. Controls: OWASP ASVS 4.0 V13.1 (API), V5.1 (input validation).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.clinic.builders import make_clinic, make_course, make_patient, make_session, make_user

from ._proc import figures

MAX_EXAMPLES = 5
OTHER_CLINIC_NAME = "Outland-Quixotic"


@contextmanager
def wsgi_app() -> Iterator[Any]:
    """Django's WSGI application, keeping the test's transaction open across requests (as Django's
    test client does). Enter it after the last test-client request: the test client reconnects the
    signal handlers it disconnects."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_fuzz_with_authentication() -> None:
    clinic, other = make_clinic(), make_clinic()
    patient = make_patient(clinic)
    make_session(make_course(patient))
    foreign = make_patient(other, family_name=OTHER_CLINIC_NAME)
    nurse = make_user("nurse", clinic)
    client = Client()
    client.force_login(nurse)
    client.get("/accounts/login/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    headers = {"X-CSRFToken": cookies.get("csrftoken", ""), "Referer": "http://testserver/"}

    with wsgi_app() as app:
        counts = _fuzz(schemathesis.openapi.from_wsgi("/api/openapi.json", app), cookies, headers, foreign)
    assert counts["operations"] >= 1 and counts["cases"] >= counts["operations"]
    assert counts["2xx"] > 0 and counts["401"] == 0, counts  # the requests were authenticated
    figures("schemathesis", counts)


def _fuzz(schema: Any, cookies: dict[str, str], headers: dict[str, str], foreign: Any) -> dict[str, int]:
    counts = {"operations": 0, "cases": 0, "2xx": 0, "4xx": 0, "401": 0}
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            counts["cases"] += 1
            response = case.call(cookies=cookies, headers=headers)
            counts["2xx" if response.status_code < 300 else "4xx"] += 1
            counts["401"] += response.status_code == 401
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            assert OTHER_CLINIC_NAME not in response.text
            assert foreign.mrn not in response.text

        run()
    return counts
