"""Starting the clinic application: data folder, Django set-up, migrations, static files, waitress.

Used by ``ktrd serve`` and ``ktrd demo``; nothing here runs at import time.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from ketamine_trd.errors import DependencyMissing, InputError

SETTINGS_MODULE = "ketamine_trd.clinic.settings"


def _require_django() -> None:
    try:
        import django  # noqa: F401
        import waitress  # noqa: F401
        import whitenoise  # noqa: F401
    except ImportError as missing:
        raise DependencyMissing(missing.name or "django", "clinic") from None


def _refuse_unsafe_start(environment: str) -> None:
    """The system checks of ``clinic.checks`` (production settings, security controls): a refusal exits 2."""
    from django.core.exceptions import ImproperlyConfigured

    from ketamine_trd.clinic.checks import refuse_unsafe_start

    try:
        refuse_unsafe_start()
    except ImproperlyConfigured as error:
        raise InputError("settings", environment, "settings that pass the start checks", reason=str(error)) from None


def prepare(data_dir: Path | None, *, demo: bool, static: bool = True) -> Path:
    """Point the settings at ``data_dir`` (created if absent), set up Django, run the start checks, migrate,
    collect static files (hashed and compressed) and check that every one the templates name was collected.

    ``static=False`` skips collecting static files, for commands that serve no page (exports, imports).
    Returns the data folder in use. Must run before Django is set up in this process.
    """
    _require_django()
    if data_dir is not None:
        os.environ["KTRD_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if demo:
        os.environ["KTRD_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.conf import settings

    django.setup()
    _refuse_unsafe_start(settings.KTRD_ENV)
    folder = Path(settings.DATA_DIR)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        database = _private_sqlite_file(settings.DATABASES["default"])
    except OSError as error:
        raise InputError(
            "data_dir", str(folder), "a folder this user can create and write", reason=str(error)
        ) from None
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from ketamine_trd.clinic.write_requests import forget_expired_answers

    forget_expired_answers()  # stored answers may hold patient data: none outlives its 24 hours
    if database is not None:
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            if path.exists():
                path.chmod(0o600)
    if static:
        call_command("collectstatic", interactive=False, verbosity=0)
        _refuse_missing_static(settings.KTRD_ENV)
    return folder


def _refuse_missing_static(environment: str) -> None:
    """A template's static file missing from the collected manifest refuses the start (exit 2), not each page."""
    from django.core.exceptions import ImproperlyConfigured

    from ketamine_trd.clinic.static_files import refuse_missing_static

    try:
        refuse_missing_static()
    except ImproperlyConfigured as error:
        raise InputError("static files", environment, "every static file collected", reason=str(error)) from None


def _private_sqlite_file(db: dict[str, object]) -> Path | None:
    """The SQLite database file, created empty and 0600 when absent (SQLite gives its -wal/-shm the same mode)."""
    if not str(db.get("ENGINE", "")).endswith("sqlite3"):
        return None
    path = Path(str(db["NAME"]))
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def check_port(port: int) -> int:
    """A TCP port number, 1 to 65535."""
    if not 1 <= port <= 65535:
        raise InputError("port", port, "1 to 65535")
    return port


#: ``--workers auto`` forks at most this many processes (each holds its own copy of the application and its own
#: database connections, ~100-150 MB); a larger machine names its count (``--workers N``). A deployment decision,
#: not a clinical number.
AUTO_WORKERS_MAX = 8


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity mask on Linux, else the machine's count), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_workers(workers: int | str) -> int:
    """Server processes: ``auto`` (one per usable core, at most ``AUTO_WORKERS_MAX``; 1 where the platform cannot
    fork), or a count: 1 anywhere, more only where the platform can fork (POSIX), at most 64.

    >>> check_workers("1"), check_workers(" 1 ")
    (1, 1)
    """
    from ketamine_trd.clinic import prefork

    text = str(workers).strip().lower()
    if text == "auto":
        return min(usable_cores(), AUTO_WORKERS_MAX) if prefork.can_fork() else 1
    try:
        count = int(text)
    except ValueError:
        raise InputError("--workers", workers, "auto, or a whole number from 1 to 64") from None
    if not 1 <= count <= 64:
        raise InputError("--workers", workers, "auto, or a whole number from 1 to 64")
    if count > 1 and not prefork.can_fork():
        raise InputError("--workers", workers, "1 on this platform", reason="needs fork() (POSIX) for more than 1")
    return count


def check_proxy_address(address: str) -> str:
    """An IP address (v4 or v6) of a trusted proxy, or ``*`` (any peer: only where the port is firewalled)."""
    import ipaddress

    text = address.strip()
    if text == "*":
        return text
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        raise InputError("--trusted-proxy", address, "an IP address such as 127.0.0.1, or *") from None


def check_proxy_trust() -> None:
    """Refuse ``KTRD_BEHIND_TLS_PROXY`` without ``KTRD_TRUSTED_PROXY`` under waitress.

    ``KTRD_BEHIND_TLS_PROXY=1`` alone trusts ``X-Forwarded-Proto`` and ``-For`` from **any** peer: meant for
    another WSGI server that filters them itself. Under ``ktrd serve`` anyone who reaches the port could then
    pass for HTTPS and write any address into the audit trail, so the proxy must be named
    (``--trusted-proxy``), and waitress drops those headers from every other peer.
    """
    from django.conf import settings

    if getattr(settings, "KTRD_TRUST_X_FORWARDED_FOR", False) and not getattr(settings, "KTRD_TRUSTED_PROXY", ""):
        raise InputError(
            "KTRD_BEHIND_TLS_PROXY",
            "1",
            "--trusted-proxy ADDRESS (the reverse proxy's address, e.g. 127.0.0.1) under ktrd serve",
            reason="would trust X-Forwarded-Proto and -For from any peer",
        )


def serve(host: str, port: int, *, threads: int = 8, workers: int = 1) -> None:  # pragma: no cover - blocks
    """Serve the WSGI application with waitress (a production-grade server, not Django's runserver).

    With ``KTRD_TRUSTED_PROXY`` set (``ktrd serve --trusted-proxy``), waitress reads the scheme and the
    client address from that proxy's ``X-Forwarded-*`` headers and drops those headers from anyone else.
    With ``workers`` > 1 (POSIX), that many waitress processes share the socket, each with ``threads`` threads
    (:mod:`ketamine_trd.clinic.prefork`, ADR 0020); the application is loaded and warmed once, before the fork.
    """
    import logging

    from django.conf import settings
    from django.db import connections
    from waitress import create_server

    from ketamine_trd.clinic import prefork
    from ketamine_trd.clinic.audit.restore import serving_lock
    from ketamine_trd.clinic.wsgi import application

    db = settings.DATABASES["default"]
    # SQLite: while this server holds the lock, ktrd restore refuses to swap the file under its connections
    held = serving_lock(Path(str(db["NAME"]))) if "sqlite" in db["ENGINE"] else contextlib.nullcontext()
    options: dict[str, Any] = {"ident": "ketamine-trd", **proxy_options()}
    with held:
        if workers <= 1:
            logging.basicConfig()  # as waitress.serve does: its warnings (queue depth) reach the log
            try:
                server = create_server(application, host=host, port=check_port(port), threads=threads, **options)
            except OSError as error:
                raise _cannot_listen(host, port, error) from None
            server.print_listen("Serving on http://{}:{}")
            server.run()
            return
        try:
            sockets = prefork.listening_sockets(host, check_port(port), workers)
        except OSError as error:
            raise _cannot_listen(host, port, error) from None
        warm_up()
        status = prefork.serve(
            application, sockets, workers=workers, threads=threads, before_fork=connections.close_all, **options
        )
    if status:
        raise SystemExit(status)


def _cannot_listen(host: str, port: int, error: OSError) -> InputError:
    """The port is taken (another server, or this one still running) or the address is not this machine's."""
    return InputError(
        "--port",
        port,
        f"a port that nothing else listens on at {host}",
        reason=f"cannot be listened on ({error.strerror})",
    )


def warm_up() -> None:
    """Load what a first request would (the URL table with every view module, the application's templates
    compiled), so that forked workers share it instead of each paying for it on its first requests."""
    from django.template import engines
    from django.template.utils import get_app_template_dirs
    from django.urls import get_resolver

    import ketamine_trd

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    ours = Path(ketamine_trd.__file__).resolve().parent
    for engine in engines.all():
        inner = getattr(engine, "engine", None)  # the Django template engine behind the backend
        if inner is None:
            continue
        for directory in {Path(d).resolve() for d in (*inner.dirs, *get_app_template_dirs("templates"))}:
            if not directory.is_relative_to(ours):
                continue
            for path in sorted(directory.rglob("*.html")):
                try:
                    inner.get_template(path.relative_to(directory).as_posix())
                except Exception:  # noqa: BLE001, S112 - compiled on first use instead, as without the warm-up
                    continue


def proxy_options() -> dict[str, object]:
    """waitress's trusted-proxy options from the settings (empty when no proxy is trusted)."""
    from django.conf import settings

    proxy = str(getattr(settings, "KTRD_TRUSTED_PROXY", "") or "")
    if not proxy:
        return {}
    return {
        "trusted_proxy": proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": set(getattr(settings, "KTRD_TRUSTED_PROXY_HEADERS", ())),
        "clear_untrusted_proxy_headers": True,
    }
