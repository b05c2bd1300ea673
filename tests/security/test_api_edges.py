"""The whole API with hostile times and stateful sequences: 0 5xx, 0 responses off their schema.

Two bounded passes (CI: a minute or two):
- every operation's generated bodies with each date-time replaced by a naive one, a far-past one (year 1)
  and a far-future one (year 9999): each answered 4xx or 2xx, never 5xx, always as documented;
- schemathesis' state machine over the links it infers from the schema (register a patient, then read,
  plan, schedule, chart what was created), with the same checks.
Controls: issue 11 item 7, issue 16 (schemathesis with stateful links).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.clinic.builders import make_clinic, make_course, make_patient, make_session, make_user
from tests.security.test_api_fuzz import wsgi_app

MAX_EXAMPLES = 3
HOSTILE_TIMES = ("2026-03-02T09:00:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00")
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
CHECKS = [not_a_server_error, response_schema_conformance]


def _signed_in(role: str = "prescriber") -> tuple[dict[str, str], dict[str, str]]:
    clinic = make_clinic()
    patient = make_patient(clinic)
    make_session(make_course(patient))
    make_session(make_course(make_patient(clinic), product="ketamine-iv", route="iv"))
    client = Client()
    client.force_login(make_user(role, clinic))
    client.get("/accounts/login/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies, {"X-CSRFToken": cookies.get("csrftoken", ""), "Referer": "http://testserver/"}


def _with_time(value: Any, time: str) -> tuple[Any, int]:
    if isinstance(value, str) and _ISO.match(value):
        return time, 1
    if isinstance(value, dict):
        replaced = {key: _with_time(item, time) for key, item in value.items()}
        return {key: pair[0] for key, pair in replaced.items()}, sum(pair[1] for pair in replaced.values())
    if isinstance(value, list):
        pairs = [_with_time(item, time) for item in value]
        return [pair[0] for pair in pairs], sum(pair[1] for pair in pairs)
    return value, 0


@pytest.mark.django_db
def test_naive_and_far_away_times_never_give_a_5xx_on_any_operation() -> None:
    cookies, headers = _signed_in()
    counts = {"operations": 0, "sent": 0, "5xx": 0}
    with wsgi_app() as app:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()
            counts["operations"] += 1

            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            @given(case=operation.as_strategy())
            def run(case: Any) -> None:
                for time in HOSTILE_TIMES:
                    body, found = _with_time(case.body, time)
                    if not found:
                        return
                    case.body = body
                    counts["sent"] += 1
                    response = case.call(cookies=cookies, headers=headers)
                    counts["5xx"] += response.status_code >= 500
                    case.validate_response(response, checks=CHECKS)
                    if time != HOSTILE_TIMES[2] and response.status_code == 422:
                        assert response.json().get("field"), response.text

            run()
    assert counts["sent"] > 0 and counts["5xx"] == 0, counts


@pytest.mark.django_db
def test_stateful_sequences_over_the_inferred_links_give_no_5xx_and_no_schema_violation() -> None:
    cookies, headers = _signed_in()
    calls: list[tuple[str, int]] = []
    with wsgi_app() as app:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        machine = schema.as_state_machine()

        class Clinic(machine):  # type: ignore[misc, valid-type]
            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"cookies": cookies, "headers": headers}

            def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
                calls.append((case.operation.label, response.status_code))
                case.validate_response(response, checks=CHECKS)

        Clinic.run(settings=settings(max_examples=8, stateful_step_count=6, deadline=None, database=None,
                                     suppress_health_check=list(HealthCheck)))  # fmt: skip
    assert len({label for label, _ in calls}) >= 3, calls  # sequences, not one call
    assert all(status < 500 for _, status in calls), calls
