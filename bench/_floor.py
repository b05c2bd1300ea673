"""The floor of the load benchmark: the least an authenticated, audited read can cost on stock Django.

The ceiling (``bench/_ceiling.py``) returns the recorded bytes with no middleware and no database: it is what the
framework and the server cost alone, and no page that must know who asks and must record that it was read can
come near it. This app keeps only what the house rules make every read of patient data do, each the cheapest way
stock Django offers it:

- who asks: Django's database sessions and ``AuthenticationMiddleware`` (the session row and the user row loaded
  through the ORM, as Django itself does it; the project's store is the same engine);
- the data: one row read by a raw SQL statement (the recorded response, looked up by path);
- the audit entry: one row inserted by a raw SQL statement in its own transaction, committed before the answer
  (SQLite in WAL mode with ``synchronous=FULL`` and ``BEGIN IMMEDIATE``, as the clinic's settings; or PostgreSQL),
  so that an acknowledged read is on record after a crash.

No templates, no forms, no permission rules, no hash chain, no security headers, no rate limits: everything the
clinic adds on top is left out, so the floor's distance to the ceiling is what those rules alone cost, and the
clinic's distance to the floor is what its own code costs.

``python bench/_floor.py RESPONSES.json PORT THREADS WORKERS DATA_DIR`` serves the recorded paths (API paths through
one django-ninja route, pages through one plain Django view, as the ceiling) and writes ``DATA_DIR/cookies.json``,
the session cookie of its signed-in user; ``DATABASE_URL`` (``postgres://``) puts it on PostgreSQL instead of
``DATA_DIR/floor.sqlite3``. :func:`build` returns the WSGI application for in-process use.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _ceiling  # noqa: E402

FLOOR_USER = "floor-nurse"


def _database(data_dir: Path, database_url: str | None) -> dict[str, Any]:
    if database_url:
        from urllib.parse import unquote, urlparse

        url = urlparse(database_url)
        return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(url.path.lstrip("/")),
                "USER": unquote(url.username or ""), "PASSWORD": unquote(url.password or ""),
                "HOST": url.hostname or "", "PORT": str(url.port or ""), "CONN_MAX_AGE": 60}  # fmt: skip
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": data_dir / "floor.sqlite3",
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        },  # fmt: skip
        "CONN_MAX_AGE": 600,
    }


def build(responses: dict[str, list[Any]], data_dir: Path, database_url: str | None = None) -> Any:
    """Configure Django, create the tables, load ``responses`` and sign one user in; the WSGI application."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor-not-secret",  # nosec B106 - a local benchmark server
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],  # fmt: skip
        DATABASES={"default": _database(data_dir, database_url)},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # sign-in is not measured
        USE_TZ=True,
    )
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.http import HttpRequest, HttpResponse
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_response")
        cursor.execute("CREATE TABLE floor_response (path VARCHAR(2000) PRIMARY KEY, status INTEGER NOT NULL, "
                       "ctype VARCHAR(200) NOT NULL, body TEXT NOT NULL)")  # fmt: skip
        cursor.execute("DROP TABLE IF EXISTS floor_event")
        serial = "SERIAL" if connection.vendor == "postgresql" else "INTEGER"
        columns = "at VARCHAR(40) NOT NULL, actor_id INTEGER NOT NULL, action VARCHAR(20), path VARCHAR(2000)"
        cursor.execute(f"CREATE TABLE floor_event (id {serial} PRIMARY KEY, {columns})")  # nosec B608
        for p, (status, ctype, body) in responses.items():
            cursor.execute("INSERT INTO floor_response VALUES (%s, %s, %s, %s)", [p, int(status), ctype, body])
    user = User.objects.filter(username=FLOOR_USER).first() or User.objects.create_user(FLOOR_USER, password="x")
    client = Client()
    client.force_login(user)
    (data_dir / "cookies.json").write_text(json.dumps({k: m.value for k, m in client.cookies.items()}))

    def answer(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponse(b"sign in", status=401, content_type="text/plain")
        where = request.get_full_path()
        with connection.cursor() as cursor:
            cursor.execute("SELECT status, ctype, body FROM floor_response WHERE path = %s", [where])
            row = cursor.fetchone()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO floor_event (at, actor_id, action, path) VALUES (%s, %s, %s, %s)",
                           [timezone.now().isoformat(), request.user.pk, "read", where])  # fmt: skip
        if row is None:
            return HttpResponse(b"not recorded", status=404, content_type="text/plain")
        return HttpResponse(base64.b64decode(row[2]), status=row[0], content_type=row[1])

    return _ceiling.application(answer, __name__, "floor")


def main() -> None:
    import os

    responses = json.loads(open(sys.argv[1], encoding="utf-8").read())
    port, threads, workers, data_dir = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
    data_dir.mkdir(parents=True, exist_ok=True)
    application = build(responses, data_dir, os.environ.get("DATABASE_URL"))
    from django.db import connections

    connections.close_all()  # each worker opens its own
    _ceiling.serve(application, port, threads, workers, "floor")


if __name__ == "__main__":
    main()
