"""Every URL pattern and API route of the clinic, with concrete paths to request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Reachable without signing in, on purpose (each with its reason).
PUBLIC = {
    "/accounts/login/": "the sign-in page",
    "/accounts/logout/": "the sign-out page (POST ends the session)",
    "/admin/login/": "redirects to the hardened sign-in page",
    "/api/docs": "the API's documentation page (no data)",
    "/api/openapi.json": "the API's schema (no data)",
    "/favicon.ico": "redirects to the site's icon (a static file)",
    # patient self-report (clinic.selfreport, ADR 0016): the token and a date-of-birth check, never a sign-in
    "/r/x/": "a patient's questionnaire link (a malformed token opens nothing)",
    "/r/x/answer/": "a patient's questions, after the date-of-birth check",
    "/tablet/": "the waiting-room tablet (locked unless a staff member unlocked it for one patient)",
}


@dataclass(frozen=True)
class Route:
    pattern: str
    path: str
    name: str


def _fill(route: str, ids: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name in ids:
            return str(ids[name])
        return "1" if converter == "int" else "vitals" if name == "part" else "x"

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.name or ""))
    return out


def html_routes(ids: dict[str, Any]) -> list[Route]:
    """Every non-admin, non-API URL pattern, with placeholders filled from ``ids``."""
    routes = []
    for pattern, name in _walk(get_resolver().url_patterns):
        if pattern.startswith(("admin/", "api/", "static/", "^static")) or "(?P<" in pattern:
            continue
        routes.append(Route(pattern, "/" + _fill(pattern, ids), name))
    return sorted(set(routes), key=lambda r: r.path)


def api_routes(ids: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document, with ``{placeholders}`` filled from ``ids``."""
    from ketamine_trd.clinic.api import api

    schema = api.get_openapi_schema()
    out = []
    for path, item in schema["paths"].items():
        concrete = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                out.append((method.upper(), concrete))
    return sorted(out)
