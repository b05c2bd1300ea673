"""``Cache-Control: no-store`` on every response of the application (OWASP ASVS 4.0 V8.2.1).

Pages, API JSON, PDFs and CSV exports carry patient data; no browser, proxy or shared cache may keep
them. The middleware sits below WhiteNoise, so static files keep their long-lived caching; a view that
sets its own ``Cache-Control`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Add ``Cache-Control: no-cache, no-store, must-revalidate, private`` unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
