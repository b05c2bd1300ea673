"""The site's own pages outside the apps: the error pages (403, 404, 405, 500) and ``/favicon.ico``.

Each error page is the app's layout (``base.html``, nav included) with plain words and a way back; under
``/api/`` the same errors are JSON, as the API's others are. Django calls :func:`forbidden`, :func:`not_found` and
:func:`server_error` (``handler403``/``handler404``/``handler500`` in the root urls); a 405 is a response, not
an exception (``require_POST`` and the like return ``HttpResponseNotAllowed``), so
:class:`MethodNotAllowedPageMiddleware` renders it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlparse

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static

logger = logging.getLogger(__name__)

#: status -> (heading, what happened in plain words)
PAGES: dict[int, tuple[str, str]] = {
    403: ("Not allowed", "Your role does not open this page. If you need it, ask your clinic's administrator."),
    404: ("Page not found", "There is no page at this address, or the record it names is not in your clinic."),
    405: (
        "This address takes a submitted form",
        "It cannot be opened on its own (this happens after signing in again, or on a reload after saving). "
        "Nothing was saved by opening it.",
    ),
    500: (
        "Something went wrong on our side",
        "The page could not be shown. If you were saving, the save was undone as a whole: check the record "
        "before entering it again. If it happens again, tell your clinic's administrator the time it happened.",
    ),
}
#: a refused form (its CSRF token missing or stale): a 403 of its own words
CSRF_PAGE = (
    "The form could not be accepted",
    "The page had been open too long, or you signed in again in another tab, so its security token no longer "
    "matches. Nothing was saved. Open the page again and enter the values once more.",
)
_API_ERRORS = {403: "PermissionDenied", 404: "NotFoundError", 405: "MethodNotAllowed", 500: "ServerError"}
_PLAIN_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title></head>'
    "<body><h1>Something went wrong on our side</h1><p>The page could not be shown. Try again, or return to the "
    '<a href="/">start page</a>.</p></body></html>'
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page_above(path: str) -> str | None:
    """The address one level up (``/sessions/52/vitals/`` -> ``/sessions/52/``); None at the top."""
    trimmed = path.rstrip("/")
    if not trimmed:
        return None
    return trimmed.rsplit("/", 1)[0] + "/"


def page_before(request: HttpRequest) -> str | None:
    """The previous page of this site (the Referer, same host only; a ``javascript:`` link would break the CSP)."""
    referer = urlparse(request.META.get("HTTP_REFERER", ""))
    if referer.netloc != request.get_host() or not referer.path or referer.path == request.path:
        return None
    if not referer.path.startswith("/") or referer.path[1:2] in ("/", "\\"):  # "//evil.example": another site
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def error_page(request: HttpRequest, status: int, words: tuple[str, str] | None = None) -> HttpResponse:
    """The error page for ``status`` in the layout (JSON under ``/api/``); ``words`` replace the status's own."""
    heading, message = words or PAGES[status]
    if _is_api(request):
        return JsonResponse({"error": _API_ERRORS[status], "message": message}, status=status)
    context = {"status": status, "heading": heading, "message": message, "page_before": page_before(request),
               "page_above": _page_above(request.path) if status == 405 else None}  # fmt: skip
    body = render_to_string("errors/status.html", context, request=request)
    return HttpResponse(body, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: the role may not open the page (the refusal itself is audited by ``access.authorize``)."""
    return error_page(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a stale or missing form token, said in plain words (Django's reason is logged)."""
    logger.warning("form refused (CSRF): %s", reason)
    return error_page(request, 403, CSRF_PAGE)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``."""
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the layout when it can be drawn, else a plain page (the fault may be the database)."""
    try:
        return error_page(request, 500)
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("the 500 page could not be drawn in the layout")
        return HttpResponse(_PLAIN_500, status=500)


class MethodNotAllowedPageMiddleware:
    """Render a page's empty 405 (``HttpResponseNotAllowed``) in the layout, and the API's non-JSON one as JSON,
    keeping the ``Allow`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False):
            return response
        if _is_api(request):
            if response.get("Content-Type", "").startswith("application/json"):
                return response
        elif response.content:  # a page's own words are kept
            return response
        page = error_page(request, 405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """``/favicon.ico``: to the collected SVG icon (browsers ask for this address before reading any page)."""
    response = HttpResponseRedirect(static("clinic/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
