"""Security hardening of the clinic's settings (star-imported at the end of ``settings.py``).

It extends the names that ``settings.py`` defined before the import (``MIDDLEWARE``,
``LOGGING``) and adds: Argon2 first among the password hashers, the password policy, the
session lifetime and cookie flags, HSTS, a content security policy, and the defaults of
lockout, idle timeout, re-authentication and TOTP. Every value can be set from the
environment:

- ``KTRD_IDLE_TIMEOUT_MINUTES`` (30), ``KTRD_REAUTH_MINUTES`` (5),
  ``KTRD_LOCKOUT_MAX_FAILURES`` (5), ``KTRD_LOCKOUT_WINDOW_MINUTES`` (15), ``KTRD_LOCKOUT_MINUTES`` (15),
  ``KTRD_ADMIN_TOTP_REQUIRED`` (1), ``KTRD_HSTS_SECONDS`` (31536000 in production, else 0),
  ``KTRD_SSL_REDIRECT`` (0), ``KTRD_BEHIND_TLS_PROXY`` (0: trust ``X-Forwarded-Proto``/``-For``
  from the TLS terminator in front of the server; see docs/security.md).
- ``KTRD_TRUSTED_PROXY``: the address of the reverse proxy (``ktrd serve --trusted-proxy``). waitress then
  takes the scheme and the client address from that peer's ``X-Forwarded-*`` headers only, and drops them
  from any other peer; it implies ``KTRD_BEHIND_TLS_PROXY=1``. ``KTRD_TRUSTED_PROXY_HEADERS`` (space or
  comma separated, default ``x-forwarded-for x-forwarded-proto x-forwarded-host``).
- ``KTRD_CSRF_TRUSTED_ORIGINS``: comma-separated ``https://host[:port]`` origins allowed to POST besides
  the request's own host (Django's ``CSRF_TRUSTED_ORIGINS``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from ketamine_trd.clinic.env import env_bool, env_int, env_list, env_str

__all__ = [
    "AUTH_PASSWORD_VALIDATORS",
    "CSRF_COOKIE_NAME",
    "CSRF_TRUSTED_ORIGINS",
    "KTRD_ADMIN_TOTP_REQUIRED",
    "KTRD_CSP",
    "KTRD_IDLE_TIMEOUT_MINUTES",
    "KTRD_LOCKOUT_MAX_FAILURES",
    "KTRD_LOCKOUT_MINUTES",
    "KTRD_LOCKOUT_WINDOW_MINUTES",
    "KTRD_REAUTH_MINUTES",
    "KTRD_TRUSTED_PROXY",
    "KTRD_TRUSTED_PROXY_HEADERS",
    "KTRD_TRUST_X_FORWARDED_FOR",
    "LOGGING",
    "MIDDLEWARE",
    "PASSWORD_HASHERS",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_NAME",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "X_FRAME_OPTIONS",
    "production_problems",
]


_base: Any = sys.modules.get("ketamine_trd.clinic.settings")
_production = bool(getattr(_base, "PRODUCTION", False))

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

KTRD_IDLE_TIMEOUT_MINUTES = env_int("KTRD_IDLE_TIMEOUT_MINUTES", 30, 1, 24 * 60)
KTRD_REAUTH_MINUTES = env_int("KTRD_REAUTH_MINUTES", 5, 1, 60)
KTRD_LOCKOUT_MAX_FAILURES = env_int("KTRD_LOCKOUT_MAX_FAILURES", 5, 1, 100)
KTRD_LOCKOUT_WINDOW_MINUTES = env_int("KTRD_LOCKOUT_WINDOW_MINUTES", 15, 1, 24 * 60)
KTRD_LOCKOUT_MINUTES = env_int("KTRD_LOCKOUT_MINUTES", 15, 1, 24 * 60)
KTRD_ADMIN_TOTP_REQUIRED = env_bool("KTRD_ADMIN_TOTP_REQUIRED", True)
KTRD_TRUSTED_PROXY = env_str("KTRD_TRUSTED_PROXY")
KTRD_TRUSTED_PROXY_HEADERS = tuple(
    sorted(
        {
            h.strip().lower()
            for h in env_str("KTRD_TRUSTED_PROXY_HEADERS", "x-forwarded-for x-forwarded-proto x-forwarded-host")
            .replace(",", " ")
            .split()
        }
    )
)
_behind_proxy = env_bool("KTRD_BEHIND_TLS_PROXY", False) or bool(KTRD_TRUSTED_PROXY)
# with a trusted proxy, waitress has already put the client's address in REMOTE_ADDR (and only for that peer)
KTRD_TRUST_X_FORWARDED_FOR = _behind_proxy and not KTRD_TRUSTED_PROXY
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _behind_proxy else None
CSRF_TRUSTED_ORIGINS = env_list("KTRD_CSRF_TRUSTED_ORIGINS", [])

# Sessions: 12 h at most (OWASP ASVS 4.0 V3.3.2), ended when the browser closes; idle logoff by middleware.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# The __Host- prefix needs Secure, Path=/ and no Domain (ASVS 4.0 V3.4.4): production only.
SESSION_COOKIE_NAME = "__Host-sessionid" if _production else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if _production else "csrftoken"

SECURE_HSTS_SECONDS = env_int("KTRD_HSTS_SECONDS", 31_536_000 if _production else 0, 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT = env_bool("KTRD_SSL_REDIRECT", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy: scripts only from this origin (Plotly is served from static files) or
# carrying the per-request nonce (``{{ request.csp_nonce }}``); Plotly sets inline styles.
KTRD_CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _insert_after(items: Iterable[str], anchor: str, new: list[str]) -> list[str]:
    out = [m for m in items if m not in new]
    position = out.index(anchor) + 1 if anchor in out else len(out)
    return out[:position] + new + out[position:]


_middleware = list(getattr(_base, "MIDDLEWARE", []))
_middleware = _insert_after(
    _middleware, "django.middleware.security.SecurityMiddleware", ["ketamine_trd.clinic.authn.csp.CSPMiddleware"]
)
# below WhiteNoise (static files keep their caching), above everything that renders patient data
_middleware = _insert_after(
    _middleware, "whitenoise.middleware.WhiteNoiseMiddleware", ["ketamine_trd.clinic.authn.cache.NoStoreMiddleware"]
)
MIDDLEWARE = _insert_after(
    _middleware,
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    [
        "ketamine_trd.clinic.authn.middleware.IdleTimeoutMiddleware",
        "ketamine_trd.clinic.authn.middleware.SecondFactorMiddleware",
    ],
)


def _with_redaction(logging_config: dict[str, Any]) -> dict[str, Any]:
    config = {**logging_config}
    config["filters"] = {
        **config.get("filters", {}),
        "redact": {"()": "ketamine_trd.clinic.audit.redact.RedactingFilter"},
    }
    handlers = {}
    for name, handler in config.get("handlers", {}).items():
        handlers[name] = {**handler, "filters": sorted({*handler.get("filters", []), "redact"})}
    config["handlers"] = handlers
    return config


LOGGING = _with_redaction(dict(getattr(_base, "LOGGING", {"version": 1, "disable_existing_loggers": False})))


def production_problems(settings: Any) -> list[str]:
    """What stops a production start: the development key, DEBUG, missing hosts, insecure cookies.

    ``settings`` is Django's settings (or any object with the same attributes); an empty
    list means none. Outside production only the checks that always apply are made.

    >>> class S: KTRD_ENV = "production"; SECRET_KEY = "short"; DEBUG = True; ALLOWED_HOSTS = []
    >>> len(production_problems(S)) >= 3
    True
    """
    if getattr(settings, "KTRD_ENV", "development") != "production":
        return []
    problems = []
    dev_key = getattr(_base, "DEV_SECRET_KEY", "ktrd-development-only-secret-key-do-not-use-in-production")
    key = str(getattr(settings, "SECRET_KEY", ""))
    if key == dev_key or len(key) < 32 or key.startswith("django-insecure"):
        problems.append("production refuses the development secret key: set KTRD_SECRET_KEY (at least 32 characters)")
    if getattr(settings, "DEBUG", False):
        problems.append("production refuses DEBUG: unset KTRD_DEBUG")
    hosts = list(getattr(settings, "ALLOWED_HOSTS", []))
    if not hosts or "*" in hosts:
        problems.append("production needs KTRD_ALLOWED_HOSTS (explicit host names)")
    bad_origins = [o for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", []) if not str(o).startswith("https://")]
    if bad_origins:
        problems.append(f"production CSRF trusted origins must be https:// origins: {', '.join(bad_origins)}")
    if not getattr(settings, "SESSION_COOKIE_SECURE", False) or not getattr(settings, "CSRF_COOKIE_SECURE", False):
        problems.append("production needs Secure session and CSRF cookies (SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE)")
    return problems
