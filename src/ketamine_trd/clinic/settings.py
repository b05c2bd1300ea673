"""Django settings of the clinic application: one module, driven by the environment.

Environment variables (all optional in development):

- ``KTRD_ENV``: ``development`` (default) or ``production``. Production refuses to start
  with the development secret key, with ``DEBUG`` on, or without ``KTRD_ALLOWED_HOSTS``.
- ``KTRD_SECRET_KEY``: the secret key (required in production).
- ``KTRD_DEBUG``: ``1`` turns on Django's debug pages (development only).
- ``KTRD_ALLOWED_HOSTS``: comma-separated host names.
- ``KTRD_DATA_DIR``: folder holding the SQLite database and collected static files
  (default: a per-user data folder, see :func:`default_data_dir`).
- ``DATABASE_URL``: ``postgres://user:password@host:port/dbname`` selects PostgreSQL;
  without it, SQLite in WAL mode in the data folder.
- ``KTRD_DEMO``: ``1`` shows the SYNTHETIC DEMO DATA banner on every page.
- ``KTRD_SCREEN_OVERDUE_GRACE_DAYS``: days a periodic safety screen may be overdue before it becomes a warning
  on the alert worklist (until then it is on the screens-due list only); a site decision (source
  ``site-configuration``), default 14, 0 to 365: the grace of the shipped site settings (version 1); a clinic
  admin changes it in the site settings.
- ``KTRD_RESEARCH_KEY``: the key of the research export's pseudonymous ids and date shifts (at least
  32 characters; when unset it is derived from the secret key, so rotating that key changes every research id).

Security hardening (the second half of this module): Argon2 first among the password hashers, the password
policy, the session lifetime and cookie flags, HSTS, a content security policy, and the defaults of lockout, idle
timeout, re-authentication and TOTP:

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

What a production start refuses (the development secret key, ``DEBUG``, missing hosts, insecure cookies, a
missing security control) is checked in one place, the system checks of ``ketamine_trd.clinic.checks``, which
``ktrd serve``/``ktrd demo`` and the WSGI entry point run before serving. This module only reads and types
the values; a value that cannot be read (``KTRD_ENV=staging``, ``KTRD_DEBUG=ture``) refuses at once.

Nothing is created at import time: the data folder is made by ``ktrd serve``/``ktrd demo``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from ketamine_trd.clinic.env import DEV_SECRET_KEY, env_bool, env_int, env_list, env_str
from ketamine_trd.clinical.surveillance import DEFAULT_SCREEN_OVERDUE_GRACE_DAYS


def default_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/ketamine-trd`` or ``~/.local/share/ketamine-trd``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ketamine-trd"


def database_from_url(url: str) -> dict[str, object]:
    """Parse ``postgres://user:password@host:port/dbname`` into a Django ``DATABASES`` entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (allowed: postgres://)")
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL has no database name (postgres://user@host:port/dbname)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


KTRD_ENV: str = env_str("KTRD_ENV", "development")
if KTRD_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"KTRD_ENV={KTRD_ENV!r} (allowed: development, production)")
PRODUCTION: bool = KTRD_ENV == "production"

SECRET_KEY: str = env_str("KTRD_SECRET_KEY", DEV_SECRET_KEY)
DEBUG: bool = env_bool("KTRD_DEBUG", False)
ALLOWED_HOSTS: list[str] = env_list(
    "KTRD_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)

KTRD_DEMO: bool = env_bool("KTRD_DEMO", False)
KTRD_RESEARCH_KEY: str = env_str("KTRD_RESEARCH_KEY")
DATA_DIR: Path = Path(env_str("KTRD_DATA_DIR") or default_data_dir()).expanduser()

#: site decision (source "site-configuration"): days a screen may be overdue before it is a worklist warning
KTRD_SCREEN_OVERDUE_GRACE_DAYS: int = env_int(
    "KTRD_SCREEN_OVERDUE_GRACE_DAYS", DEFAULT_SCREEN_OVERDUE_GRACE_DAYS, low=0, high=365
)

INSTALLED_APPS: list[str] = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja's templates and static files: /api/docs serves its own Swagger UI (no CDN; the CSP allows it)
    "ninja",
    "ketamine_trd.clinic.accounts",
    "ketamine_trd.clinic.records",
    "ketamine_trd.clinic.measurement",
    "ketamine_trd.clinic.audit",
    "ketamine_trd.clinic.authn",
    "ketamine_trd.clinic.chartnotes",
    "ketamine_trd.clinic.site",
    "ketamine_trd.clinic.controlled",
    "ketamine_trd.clinic.selfreport",
    "ketamine_trd.clinic.scheduling",
]

MIDDLEWARE: list[str] = [
    # outermost: a database that stayed busy answers 503 with Retry-After, never 500 (write_requests.py)
    "ketamine_trd.clinic.write_requests.BusyEdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ketamine_trd.clinic.authn.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # below WhiteNoise (static files keep their caching), above everything that renders patient data
    "ketamine_trd.clinic.authn.cache.NoStoreMiddleware",
    "ketamine_trd.clinic.edge.InputGuardMiddleware",
    # Django's, saved through the writer queue; a busy save never unsays a committed write (authn/session_store.py)
    "ketamine_trd.clinic.authn.session_store.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ketamine_trd.clinic.authn.middleware.IdleTimeoutMiddleware",
    "ketamine_trd.clinic.authn.middleware.SecondFactorMiddleware",
    "ketamine_trd.clinic.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # an empty 405 (require_POST, require_GET) becomes a page in the layout; JSON under /api/
    "ketamine_trd.clinic.site_pages.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ketamine_trd.clinic.edge.ErrorTreeMiddleware",
    # innermost: each write request is one transaction (chain head first), retried whole; idempotency keys
    "ketamine_trd.clinic.write_requests.WriteRequestMiddleware",
]

ROOT_URLCONF = "ketamine_trd.clinic.urls"
WSGI_APPLICATION = "ketamine_trd.clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketamine_trd.clinic.context_processors.clinic",
            ],
            # {{ code|label:"vocabulary" }} on every page: the core's one table of plain words
            "builtins": ["ketamine_trd.clinic.templatetags.plain"],
        },
    },
]

# the stock widget templates drawn in Python, byte-identical to Django's (form_renderer.py; issue 17)
FORM_RENDERER = "ketamine_trd.clinic.form_renderer.FastDjangoTemplates"
KTRD_FORM_RENDERER_CHECK: bool = False

_database_url = env_str("DATABASE_URL")
DATABASES: dict[str, dict[str, Any]]
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ktrd.sqlite3",
            # WAL for concurrent readers; synchronous=FULL so that an acknowledged commit survives a power loss
            # or an OS crash too, not only a killed process (NORMAL may roll the last commits back then).
            # Writes open with BEGIN IMMEDIATE (the write lock first: the lock order of transactions.py); reads
            # run in BEGIN DEFERRED transactions (transactions.reading), which in WAL mode never wait for a writer.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
            # one connection per server thread, kept between requests (no connect + PRAGMAs per request)
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend, the user loaded with their clinic in one query (accounts/backends.py)
AUTHENTICATION_BACKENDS = ["ketamine_trd.clinic.accounts.backends.ClinicUserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# -- passwords: Argon2 first (OWASP ASVS 4.0 V2.4.1); at least 12 characters, not common, not all digits ------
PASSWORD_HASHERS: list[str] = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS: list[dict[str, Any]] = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # stored in UTC; shown in the clinic's zone (Clinic.time_zone)
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Plotly's script from the installed package, as vendor/plotly.min.js (clinic.static_files)
    "ketamine_trd.clinic.static_files.PackageFileFinder",
]
# Collected by ``ktrd serve``/``ktrd demo`` into STATIC_ROOT: hashed names (cached for a year, immutable), gzip and
# brotli copies (WhiteNoise picks by Accept-Encoding). A name missing from the manifest refuses the start
# (static_files.refuse_missing_static), not a page.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "ketamine_trd.clinic.static_files.ClinicStaticStorage"},
}
WHITENOISE_USE_FINDERS = False  # served from STATIC_ROOT only: the collected, hashed, compressed files
# WhiteNoise's list (images, archives, fonts, video) and source maps (not sent to users)
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# -- sessions and cookies: 12 h at most (OWASP ASVS 4.0 V3.3.2), ended when the browser closes; idle logoff by
# IdleTimeoutMiddleware. The __Host- prefix needs Secure, Path=/ and no Domain (ASVS 4.0 V3.4.4): production only.
# Django's database sessions, saved through the clinic's writer queue (authn/session_store.py)
SESSION_ENGINE = "ketamine_trd.clinic.authn.session_store"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE: bool = PRODUCTION
CSRF_COOKIE_SECURE: bool = PRODUCTION
SESSION_COOKIE_NAME: str = "__Host-sessionid" if PRODUCTION else "sessionid"
CSRF_COOKIE_NAME: str = "__Host-csrftoken" if PRODUCTION else "csrftoken"

# -- lockout, idle timeout, re-authentication, TOTP (ketamine_trd.clinic.authn) ----------------------------------
KTRD_IDLE_TIMEOUT_MINUTES: int = env_int("KTRD_IDLE_TIMEOUT_MINUTES", 30, 1, 24 * 60)
KTRD_REAUTH_MINUTES: int = env_int("KTRD_REAUTH_MINUTES", 5, 1, 60)
KTRD_LOCKOUT_MAX_FAILURES: int = env_int("KTRD_LOCKOUT_MAX_FAILURES", 5, 1, 100)
KTRD_LOCKOUT_WINDOW_MINUTES: int = env_int("KTRD_LOCKOUT_WINDOW_MINUTES", 15, 1, 24 * 60)
KTRD_LOCKOUT_MINUTES: int = env_int("KTRD_LOCKOUT_MINUTES", 15, 1, 24 * 60)
KTRD_ADMIN_TOTP_REQUIRED: bool = env_bool("KTRD_ADMIN_TOTP_REQUIRED", True)

# -- behind a TLS terminator (docs/security.md) ---------------------------------------------------------------
KTRD_TRUSTED_PROXY: str = env_str("KTRD_TRUSTED_PROXY")
KTRD_TRUSTED_PROXY_HEADERS: tuple[str, ...] = tuple(
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
KTRD_TRUST_X_FORWARDED_FOR: bool = _behind_proxy and not KTRD_TRUSTED_PROXY
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = ("HTTP_X_FORWARDED_PROTO", "https") if _behind_proxy else None
CSRF_TRUSTED_ORIGINS: list[str] = env_list("KTRD_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "ketamine_trd.clinic.site_pages.csrf_failure"  # a page in the layout, in plain words

# -- HTTP security headers (OWASP ASVS 4.0 V14.4) ------------------------------------------------------------
SECURE_HSTS_SECONDS: int = env_int("KTRD_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT: bool = env_bool("KTRD_SSL_REDIRECT", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Dose checks at the chair (clinical.dose_check): site decisions, no source settles them (shown as "site decision").
# How far (%) a charted dose may differ from the planned dose before a prescriber's reason is needed (default 10),
# and how far (hours) the time of dosing may be from the session's scheduled time (default 12).
KTRD_DOSE_PLAN_TOLERANCE_PERCENT: int = env_int("KTRD_DOSE_PLAN_TOLERANCE_PERCENT", 10, 0, 100)
KTRD_DOSE_WINDOW_HOURS: int = env_int("KTRD_DOSE_WINDOW_HOURS", 12, 1, 48)

# Content security policy (CSPMiddleware): scripts only from this origin (Plotly is served from static files) or
# carrying the per-request nonce (``{{ request.csp_nonce }}``); Plotly sets inline styles.
KTRD_CSP: dict[str, str] = {
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

# -- logging: every handler redacts patient identifiers (ketamine_trd.clinic.audit.redact) --------------------
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "ketamine_trd.clinic.audit.redact.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("KTRD_LOG_LEVEL", "WARNING")},
}

# E-mail: patient self-report links (clinic.selfreport; docs/self-report.md) and chair-booking reminders
# (clinic.scheduling.reminders) go out through Django's e-mail framework.
# The console backend prints them (demo); production sets KTRD_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.
EMAIL_BACKEND = env_str("KTRD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clinic@localhost")
#: the address patients' links start with (scheme and host the patient can reach); empty: the request's own
KTRD_PUBLIC_URL = env_str("KTRD_PUBLIC_URL", "")
