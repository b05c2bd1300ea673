"""The ceiling of the load benchmark: a bare Django 5.2 + django-ninja app returning recorded bytes.

``python bench/_ceiling.py RESPONSES.json PORT THREADS [WORKERS]`` serves, with waitress (the server ``ktrd
serve`` uses, same thread count; with WORKERS > 1 pre-forked exactly as ``ktrd serve --workers``), every path
recorded in ``RESPONSES.json`` (``{path: [status, content_type, base64 body]}``) with exactly the bytes the clinic
application answered: API paths through one django-ninja route, pages through one plain Django view. No
middleware, no database, no templates: what the framework and the server cost alone.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any


def build(responses: dict[str, list[Any]]) -> Any:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-ceiling-not-secret",  # nosec B106 - a local benchmark server
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_TZ=True,
    )
    django.setup()
    from django.http import HttpRequest, HttpResponse

    table = {p: (int(s), ctype, base64.b64decode(body)) for p, (s, ctype, body) in responses.items()}

    def answer(request: HttpRequest) -> HttpResponse:
        status, ctype, body = table.get(request.get_full_path(), (404, "text/plain", b"not recorded"))
        return HttpResponse(body, status=status, content_type=ctype)

    return application(answer, __name__, "ceiling")


def application(answer: Any, urlconf: str, namespace: str) -> Any:
    """The WSGI application routing every path to ``answer``: API paths through one django-ninja route, pages
    through one plain Django view; the URL patterns are set on the module ``urlconf`` (the ROOT_URLCONF)."""
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpRequest, HttpResponse
    from django.urls import path
    from ninja import NinjaAPI

    api = NinjaAPI(urls_namespace=namespace, docs_url=None, openapi_url=None)

    @api.get("/{path:rest}")
    def api_read(request: HttpRequest, rest: str) -> HttpResponse:
        return answer(request)  # type: ignore[no-any-return]

    module = sys.modules[urlconf]
    module.urlpatterns = [path("api/", api.urls), path("<path:rest>", lambda r, rest: answer(r)),  # type: ignore[attr-defined]
                          path("", answer)]  # fmt: skip
    return get_wsgi_application()


def serve(app: Any, port: int, threads: int, workers: int, ident: str) -> None:
    """Serve ``app`` on 127.0.0.1 with waitress, pre-forked exactly as ``ktrd serve --workers`` when ``workers`` > 1."""
    if workers > 1:
        from ketamine_trd.clinic import prefork

        sockets = prefork.listening_sockets("127.0.0.1", port, workers)
        sys.exit(prefork.serve(app, sockets, workers=workers, threads=threads, ident=ident))
    from waitress import serve as waitress_serve

    waitress_serve(app, host="127.0.0.1", port=port, threads=threads, ident=ident)


def main() -> None:
    responses = json.loads(open(sys.argv[1], encoding="utf-8").read())
    port, threads = int(sys.argv[2]), int(sys.argv[3])
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    serve(build(responses), port, threads, workers, "ceiling")


if __name__ == "__main__":
    main()
