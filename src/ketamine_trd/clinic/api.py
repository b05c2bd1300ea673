"""The one NinjaAPI: cookie (session) auth with CSRF on, domain errors mapped once.

OpenAPI: ``/api/openapi.json``; interactive docs: ``/api/docs``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from ketamine_trd.errors import InputError, KtrdError, http_status_for

api = NinjaAPI(
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
    if isinstance(error, InputError):
        body = error.as_dict()
    else:
        body = {"error": type(error).__name__, "message": str(error)}
    return api.create_response(request, body, status=http_status_for(error))


def _mount() -> None:
    from ketamine_trd.clinic.records.api import router as records_router

    api.add_router("/", records_router)
    from ketamine_trd.clinic.api_fhir import router as fhir_router

    api.add_router("/", fhir_router)
    from ketamine_trd.clinic.measurement.api import router as measurement_router

    api.add_router("/measurement/", measurement_router)


_mount()
