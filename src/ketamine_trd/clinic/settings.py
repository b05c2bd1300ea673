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
- ``KTRD_RESEARCH_KEY``: the key of the research export's pseudonymous ids and date shifts (at least
  32 characters; when unset it is derived from the secret key, so rotating that key changes every research id).

Nothing is created at import time: the data folder is made by ``ktrd serve``/``ktrd demo``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from ketamine_trd.clinic.env import env_bool, env_int, env_list, env_str

DEV_SECRET_KEY = "ktrd-development-only-secret-key-do-not-use-in-production"  # nosec B105 - refused in production


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


KTRD_ENV = env_str("KTRD_ENV", "development")
if KTRD_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"KTRD_ENV={KTRD_ENV!r} (allowed: development, production)")
PRODUCTION = KTRD_ENV == "production"

SECRET_KEY = env_str("KTRD_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("KTRD_DEBUG", False)
ALLOWED_HOSTS = env_list("KTRD_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("production needs KTRD_SECRET_KEY (not the development key, at least 32 characters)")
    if DEBUG:
        raise ImproperlyConfigured("production refuses KTRD_DEBUG=1")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("production needs KTRD_ALLOWED_HOSTS (explicit host names, not '*')")

KTRD_DEMO = env_bool("KTRD_DEMO", False)
KTRD_RESEARCH_KEY = env_str("KTRD_RESEARCH_KEY")
DATA_DIR = Path(env_str("KTRD_DATA_DIR") or default_data_dir()).expanduser()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ketamine_trd.clinic.accounts",
    "ketamine_trd.clinic.records",
    "ketamine_trd.clinic.measurement",
    "ketamine_trd.clinic.audit",
    "ketamine_trd.clinic.authn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ketamine_trd.clinic.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ktrd.sqlite3",
            # WAL for concurrent readers; synchronous=FULL so that an acknowledged commit survives a power loss
            # or an OS crash too, not only a killed process (NORMAL may roll the last commits back then).
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps (and Plotly's package) when not collected

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Dose checks at the chair (clinical.dose_check): site decisions, no source settles them (shown as "site decision").
# How far (%) a charted dose may differ from the planned dose before a prescriber's reason is needed (default 10),
# and how far (hours) the time of dosing may be from the session's scheduled time (default 12).
KTRD_DOSE_PLAN_TOLERANCE_PERCENT = env_int("KTRD_DOSE_PLAN_TOLERANCE_PERCENT", 10, 0, 100)
KTRD_DOSE_WINDOW_HOURS = env_int("KTRD_DOSE_WINDOW_HOURS", 12, 1, 48)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KTRD_LOG_LEVEL", "WARNING")},
}

# The security developer's hardening (password hashers, session lifetime, authn middleware) lives in
# security_settings.py; it may read and extend the names defined above.
try:
    from ketamine_trd.clinic.security_settings import *  # noqa: F403,E402
except ImportError:  # pragma: no cover - before the security app exists
    pass
