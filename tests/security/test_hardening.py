"""Deployment hardening: production start refusals, security headers, cookies, CSP; doctests of the security modules.

Controls: OWASP ASVS 4.0 V3.4 (cookie flags), V14.4 (HTTP security headers); HIPAA 164.312(e) is
the TLS terminator's (docs/security.md).
"""

from __future__ import annotations

import doctest
import importlib
import os
import subprocess
import sys

import pytest
from django.test import Client

from ketamine_trd.clinic import checks

SECURITY_MODULES = [
    "ketamine_trd.clinic.audit.chain",
    "ketamine_trd.clinic.audit.redact",
    "ketamine_trd.clinic.audit.export",
    "ketamine_trd.clinic.authn.csp",
    "ketamine_trd.clinic.checks",
    "ketamine_trd.clinic.env",
]


@pytest.mark.parametrize("name", SECURITY_MODULES)
def test_doctests_of_the_security_modules(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the real settings and run the system checks in a fresh interpreter, as a server start does."""
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'ERROR')"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_"))}
    full = {**base, "DJANGO_SETTINGS_MODULE": "ketamine_trd.clinic.settings", **env}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)


GOOD_KEY = "k" * 20 + "-production-secret-0123456789"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "KTRD_SECRET_KEY"),
        ({"KTRD_SECRET_KEY": "ktrd-development-only-secret-key-do-not-use-in-production"}, "KTRD_SECRET_KEY"),
        ({"KTRD_SECRET_KEY": GOOD_KEY, "KTRD_DEBUG": "1", "KTRD_ALLOWED_HOSTS": "clinic.example"}, "DEBUG"),
        ({"KTRD_SECRET_KEY": GOOD_KEY}, "KTRD_ALLOWED_HOSTS"),
        ({"KTRD_SECRET_KEY": GOOD_KEY, "KTRD_ALLOWED_HOSTS": "*"}, "KTRD_ALLOWED_HOSTS"),
    ],
)
def test_production_start_refuses_unsafe_settings(env: dict[str, str], message: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _start({"KTRD_ENV": "production", "KTRD_DATA_DIR": str(tmp_path), **env})
    assert done.returncode != 0
    assert message in done.stderr


def test_production_start_with_safe_settings_passes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "KTRD_ENV": "production",
        "KTRD_DATA_DIR": str(tmp_path),
        "KTRD_SECRET_KEY": GOOD_KEY,
        "KTRD_ALLOWED_HOSTS": "clinic.example",
        "KTRD_SSL_REDIRECT": "1",
    }
    done = _start(env)
    assert done.returncode == 0, done.stderr[-2000:]


def test_production_problems_lists_each_problem() -> None:
    class Unsafe:
        KTRD_ENV = "production"
        SECRET_KEY = "django-insecure-abc"
        DEBUG = True
        ALLOWED_HOSTS = ["*"]
        SESSION_COOKIE_SECURE = False
        CSRF_COOKIE_SECURE = True

    problems = " ".join(problem.msg for problem in checks.production_problems(Unsafe))
    for needle in ("Argon2", "secret key", "DEBUG", "ALLOWED_HOSTS", "Secure"):
        assert needle in problems
    Unsafe.KTRD_ENV = "development"
    assert checks.production_problems(Unsafe) == []


@pytest.mark.django_db
def test_security_headers_on_every_page(client: Client) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    # a fresh nonce per response
    assert client.get("/accounts/login/")["Content-Security-Policy"] != csp


def test_production_cookie_and_hsts_settings() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.PASSWORD_HASHERS[0])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_"))}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "ketamine_trd.clinic.settings",
        "KTRD_ENV": "production",
        "KTRD_SECRET_KEY": GOOD_KEY,
        "KTRD_ALLOWED_HOSTS": "clinic.example",
    }
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        "True",
        "True",
        "True",
        "Lax",
        "__Host-sessionid",
        "31536000",
        "True",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
