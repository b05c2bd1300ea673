"""The web edge's one mapping of the error tree, and the one guard against text no record can hold.

``ErrorTreeMiddleware`` turns every ``KtrdError`` a page view lets through into the HTTP status of
``errors.HTTP_STATUS`` (a page naming the field for ``InputError``; a refused role is 403 and a record of another
clinic 404 here too), and a re-authentication request into the re-authentication page. The API's exception
handler (``clinic.api``) and the write edge (``clinic.write_requests``) answer with the same ``error_body`` and
status: one table, one body, for every edge.

``InputGuardMiddleware`` refuses a NUL anywhere in the path, the query, a form body or a JSON body with 422
naming the field, before any view runs: PostgreSQL cannot store NUL in text, and no clinician types one. It
runs on every endpoint, the API and the login included. (Other control characters are refused by the core's
``Text`` fields of each input type, naming the field.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ketamine_trd.errors import InputError, KtrdError, http_status_for

__all__ = ["ErrorTreeMiddleware", "InputGuardMiddleware", "error_body", "refused", "refused_field"]

_BAD = re.compile("\x00")
_MAX_DEPTH = 64
_HEADINGS = {403: "Not allowed", 404: "Not found", 409: "Not done: the record changed or forbids it",
             422: "Not saved: a value is not allowed"}  # fmt: skip


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_body(error: KtrdError) -> dict[str, Any]:
    """The JSON body of a refusal: an ``InputError`` names field, value and what is allowed; others say what."""
    if isinstance(error, InputError):
        return error.as_dict()
    return {"error": type(error).__name__, "message": str(error)}


def refused(request: HttpRequest, error: KtrdError) -> HttpResponseBase:
    """The response for ``error`` at the web edge: JSON for the API, a page otherwise; status from the tree."""
    status = http_status_for(error)
    if _is_api(request):
        return JsonResponse(error_body(error), status=status)
    from ketamine_trd.clinic import site_pages

    if status in (403, 404):  # the site's own pages: plain words, never the rule's action code or a record id
        return site_pages.error_page(request, status)
    context = {"heading": _HEADINGS.get(status, "Not done"), "message": str(error),
               "page_before": site_pages.page_before(request)}  # fmt: skip
    return TemplateResponse(request, "errors/refused.html", context, status=status).render()


def _walk(value: Any, path: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    if depth > _MAX_DEPTH:
        yield path or "(body)", "(nested too deeply)"
        return
    if isinstance(value, str):
        if _BAD.search(value):
            yield path or "(body)", value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if _BAD.search(str(key)):
                yield child, str(key)
            yield from _walk(item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]", depth + 1)


def refused_field(request: HttpRequest) -> InputError | None:
    """The first field of ``request`` holding a NUL, as an ``InputError`` (``None`` if there is none)."""
    found: list[tuple[str, str]] = []
    if _BAD.search(request.path):
        found.append(("(path)", request.path))
    for key, values in request.GET.lists():
        found += [(key, v) for v in [key, *values] if _BAD.search(v)]
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and not found:
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                found += [(key, v) for v in [key, *values] if _BAD.search(v)]
        elif "json" in content_type and request.body:
            try:
                found += list(_walk(json.loads(request.body), ""))
            except (ValueError, RecursionError):
                pass  # the API's own parser answers malformed JSON with 422 (or 400)
    if not found:
        return None
    field, value = found[0]
    shown = value[:20].encode("unicode_escape").decode("ascii")
    return InputError(field, shown, "text without NUL characters", reason="contains a NUL character")


class InputGuardMiddleware:
    """Refuse a request carrying a NUL, naming the field (422), before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        error = refused_field(request)
        if error is not None:
            return refused(request, error)
        return self.get_response(request)


class ErrorTreeMiddleware:
    """Map a ``KtrdError`` that a page view let through to its HTTP status (once, for every page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        from ketamine_trd.clinic.authn.reauth import ReauthRequired, reauth_url

        if isinstance(exception, ReauthRequired) and not _is_api(request):
            return redirect(reauth_url(_keep_for_reauth(request)))
        if isinstance(exception, KtrdError):
            return refused(request, exception)
        return None


def _keep_for_reauth(request: HttpRequest) -> str:
    """The page to come back to after re-authentication; a form posted there keeps its entries for that page."""
    from django.utils import timezone

    from ketamine_trd.clinic.authn import kept

    if request.method == "GET":
        return request.get_full_path()
    page = kept.page_for(request.path)
    if page is None:
        return "/"
    if kept.may_keep(request):
        kept.keep(request, request.user.pk, page, timezone.now(), logged_out=False)
    return page
