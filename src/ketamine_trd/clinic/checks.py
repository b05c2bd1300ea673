"""System checks guarding the project's invariants: the one place where a start is refused.

Django runs them with ``manage.py check`` (``--deploy`` too); :func:`refuse_unsafe_start` runs them before
``ktrd serve``, ``ktrd demo`` and the other clinic commands, and the WSGI entry point runs it before serving.
``settings.py`` only reads and types the values.

- ``ktrd.E001``/``E002``: times stored in UTC; no ``ATOMIC_REQUESTS`` (services own their transactions).
- ``ktrd.S002``: the security controls are in place in every environment (CSP, idle timeout, second factor
  middleware; their settings defined).
- ``ktrd.S001``, ``S101``-``S104``: production refuses a password hasher other than Argon2 first, the development
  (or a short) secret key, ``DEBUG``, missing or wildcard hosts, and cookies without ``Secure``.

>>> class Unsafe:
...     KTRD_ENV = "production"; SECRET_KEY = "short"; DEBUG = True; ALLOWED_HOSTS = []
>>> [problem.id for problem in production_problems(Unsafe)]
['ktrd.S001', 'ktrd.S101', 'ktrd.S102', 'ktrd.S103', 'ktrd.S104']
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register, run_checks
from django.core.exceptions import ImproperlyConfigured

from ketamine_trd.clinic.env import DEV_SECRET_KEY

#: middleware that carries a security control, and what it does (all must be installed)
SECURITY_MIDDLEWARE = {
    "ketamine_trd.clinic.authn.csp.CSPMiddleware": "the content security policy",
    "ketamine_trd.clinic.authn.middleware.IdleTimeoutMiddleware": "the idle timeout",
    "ketamine_trd.clinic.authn.middleware.SecondFactorMiddleware": "the second factor (TOTP)",
    "ketamine_trd.clinic.authn.cache.NoStoreMiddleware": "Cache-Control: no-store on responses with patient data",
}
#: settings that the security controls read (all must be defined)
SECURITY_SETTINGS = (
    "KTRD_CSP",
    "KTRD_IDLE_TIMEOUT_MINUTES",
    "KTRD_REAUTH_MINUTES",
    "KTRD_ADMIN_TOTP_REQUIRED",
    "KTRD_LOCKOUT_MAX_FAILURES",
    "KTRD_LOCKOUT_WINDOW_MINUTES",
    "KTRD_LOCKOUT_MINUTES",
    "PASSWORD_HASHERS",
)


@register()
def time_zone_is_utc(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Times are stored in UTC; the clinic's zone is applied only for display."""
    errors: list[CheckMessage] = []
    if settings.TIME_ZONE != "UTC" or not settings.USE_TZ:
        errors.append(Error("TIME_ZONE must be 'UTC' with USE_TZ=True", id="ktrd.E001"))
    if getattr(settings, "ATOMIC_REQUESTS", False) or settings.DATABASES["default"].get("ATOMIC_REQUESTS"):
        errors.append(Error("ATOMIC_REQUESTS is off by design: services own their transactions", id="ktrd.E002"))
    return errors


@register("security")
def security_controls_in_place(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The CSP, idle timeout and second factor are installed and configured, in every environment."""
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    errors: list[CheckMessage] = [
        Error(f"{path} is missing from MIDDLEWARE: {control} would be off", id="ktrd.S002")
        for path, control in SECURITY_MIDDLEWARE.items()
        if path not in middleware
    ]
    errors += [
        Error(f"setting {name} is missing: a security control would run without it", id="ktrd.S002")
        for name in SECURITY_SETTINGS
        if not hasattr(settings, name)
    ]
    return errors


@register("security")
def production_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A production start refuses the development key, DEBUG, missing hosts and insecure cookies."""
    return production_problems(settings)


def production_problems(config: Any) -> list[CheckMessage]:
    """What stops a production start; ``config`` is Django's settings or any object with the same attributes.

    Outside production (``KTRD_ENV`` other than ``production``) the list is empty.
    """
    if getattr(config, "KTRD_ENV", "development") != "production":
        return []
    problems: list[CheckMessage] = []
    hashers = list(getattr(config, "PASSWORD_HASHERS", []))
    if not hashers or "Argon2" not in hashers[0]:
        problems.append(Error("PASSWORD_HASHERS must start with Argon2PasswordHasher in production", id="ktrd.S001"))
    key = str(getattr(config, "SECRET_KEY", ""))
    if key == DEV_SECRET_KEY or len(key) < 32 or key.startswith("django-insecure"):
        problems.append(
            Error(
                "production refuses the development secret key: set KTRD_SECRET_KEY (at least 32 characters)",
                id="ktrd.S101",
            )
        )
    if getattr(config, "DEBUG", False):
        problems.append(Error("production refuses DEBUG: unset KTRD_DEBUG", id="ktrd.S102"))
    hosts = list(getattr(config, "ALLOWED_HOSTS", []))
    if not hosts or "*" in hosts:
        problems.append(Error("production needs KTRD_ALLOWED_HOSTS (explicit host names, not '*')", id="ktrd.S103"))
    bad_origins = [o for o in getattr(config, "CSRF_TRUSTED_ORIGINS", []) if not str(o).startswith("https://")]
    if bad_origins:
        problems.append(
            Error(f"production CSRF trusted origins must be https:// origins: {', '.join(bad_origins)}", id="ktrd.S105")
        )
    if not getattr(config, "SESSION_COOKIE_SECURE", False) or not getattr(config, "CSRF_COOKIE_SECURE", False):
        problems.append(
            Error(
                "production needs Secure session and CSRF cookies (SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE)",
                id="ktrd.S104",
            )
        )
    return problems


def refuse_unsafe_start() -> None:
    """Run the system checks (Django set up) and raise ``ImproperlyConfigured`` naming every error found."""
    errors = [message for message in run_checks() if message.is_serious()]
    if errors:
        lines = "; ".join(f"{message.id}: {message.msg}" for message in errors)
        raise ImproperlyConfigured(f"refusing to start ({len(errors)} problem(s)): {lines}")
