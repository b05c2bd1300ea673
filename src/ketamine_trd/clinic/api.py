"""The one NinjaAPI: cookie (session) auth with CSRF on, domain errors mapped once.

OpenAPI: ``/api/openapi.json``; interactive docs: ``/api/docs``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.security import django_auth

from ketamine_trd.clinic.edge import error_body
from ketamine_trd.errors import InputError, KtrdError, http_status_for


class FieldErrors(ValidationError):
    """Ninja's validation error, keeping the core's ``InputError`` of each field (not only its text)."""

    def __init__(self, errors: list[dict[str, Any]], input_errors: list[InputError]) -> None:
        super().__init__(errors)
        self.input_errors = input_errors


class ClinicAPI(NinjaAPI):
    """The NinjaAPI whose request validation keeps the core's errors, so they map like every other error."""

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        found = [
            detail["ctx"]["error"]
            for context in error_contexts
            for detail in context.pydantic_validation_error.errors(include_url=False)
            if isinstance(detail.get("ctx", {}).get("error"), InputError)
        ]
        plain = super().validation_error_from_error_contexts(error_contexts)
        return FieldErrors(plain.errors, found)


def _field_of(detail: dict[str, Any]) -> str:
    loc = [str(part) for part in detail.get("loc", ())]
    named = [part for part in loc if part not in ("body", "payload", "query", "path", "form", "cookie", "header")]
    return ".".join(named) or ".".join(loc) or "(request)"


def input_error_body(error: ValidationError) -> dict[str, Any]:
    """The one JSON body of a refused request: the first field's error, and every field's under ``errors``."""
    core = list(getattr(error, "input_errors", []))
    named = {e.field for e in core}
    for detail in error.errors:
        field = _field_of(detail)
        if field not in named and not (detail.get("ctx") or {}).get("error"):
            core.append(InputError(field, None, str(detail.get("msg", "a valid value")), reason="is not valid"))
            named.add(field)
    if not core:
        core.append(InputError("(request)", None, "a valid request", reason="is not valid"))
    return core[0].as_dict() | {"errors": [e.as_dict() for e in core]}


api = ClinicAPI(
    title="ketamine-trd clinic API",
    version="1",
    description="Patients, courses, sessions, assessments and alerts. Session-cookie auth; CSRF token required "
    "on unsafe methods. Decision support only; a clinician decides.",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(KtrdError)
def _domain_error(request: HttpRequest, error: KtrdError) -> HttpResponse:
    return api.create_response(request, error_body(error), status=http_status_for(error))


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, input_error_body(error), status=http_status_for(InputError("", None, "")))


def _mount() -> None:
    from ketamine_trd.clinic.records.api import router as records_router

    api.add_router("/", records_router)
    from ketamine_trd.clinic.api_fhir import router as fhir_router

    api.add_router("/", fhir_router)
    from ketamine_trd.clinic.measurement.api import router as measurement_router

    api.add_router("/measurement/", measurement_router)
    from ketamine_trd.clinic.chartnotes.api import router as chartnotes_router

    api.add_router("/chart/", chartnotes_router)
    from ketamine_trd.clinic.benefit.api import router as benefit_router

    api.add_router("/benefit/", benefit_router)
    from ketamine_trd.clinic.selfreport.api import router as selfreport_router

    api.add_router("/self-report/", selfreport_router)


_mount()
