"""A small middleware that sets the Content-Security-Policy header with a per-request nonce.

Templates that need an inline script write ``<script nonce="{{ request.csp_nonce }}">``;
everything else (Plotly included) is served from ``/static/``. The policy is the
``KTRD_CSP`` setting; ``{nonce}`` in it is replaced per request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_header(policy: dict[str, str], nonce: str) -> str:
    """The header value for ``policy`` with ``nonce`` filled in.

    >>> policy_header({"default-src": "'self'", "script-src": "'self' 'nonce-{nonce}'"}, "abc")
    "default-src 'self'; script-src 'self' 'nonce-abc'"
    """
    return "; ".join(f"{name} {value.replace('{nonce}', nonce)}" for name, value in policy.items())


class CSPMiddleware:
    """Set ``Content-Security-Policy`` (unless a view set its own) and ``Permissions-Policy``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_header(settings.KTRD_CSP, nonce)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response
