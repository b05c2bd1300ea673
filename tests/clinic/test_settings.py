"""Settings: one module, environment-driven, dev-safe defaults; a start with unsafe values is refused by the
system checks of ``ketamine_trd.clinic.checks`` (the one place that decides it)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketamine_trd.clinic import settings as clinic_settings
from ketamine_trd.clinic.settings import database_from_url

START = (
    "import django; django.setup(); from ketamine_trd.clinic.checks import refuse_unsafe_start; "
    "refuse_unsafe_start(); from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
)


def _load_settings(
    env: dict[str, str], module: str = "ketamine_trd.clinic.settings", path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Import the settings, set Django up and run the start checks in a fresh interpreter, as a server start does."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_")) and k != "DATABASE_URL"}
    full.update({"DJANGO_SETTINGS_MODULE": module, **env})
    if path is not None:
        full["PYTHONPATH"] = os.pathsep.join(p for p in (str(path), full.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-c", START], env=full, capture_output=True, text=True, check=False)


def test_database_url_is_parsed_without_extra_packages() -> None:
    db = database_from_url("postgres://ktrd:s%40cret@db.example:5433/clinic")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "clinic",
        "ktrd",
        "s@cret",
        "db.example",
        "5433",
    )


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h:5432/"])
def test_database_url_refuses_other_engines_and_missing_names(url: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


def test_development_defaults_are_safe() -> None:
    done = _load_settings({})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("False ")
    assert "*" not in done.stdout


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"KTRD_ENV": "production", "KTRD_ALLOWED_HOSTS": "clinic.example"}, "KTRD_SECRET_KEY"),
        ({"KTRD_ENV": "production", "KTRD_SECRET_KEY": "x" * 50}, "KTRD_ALLOWED_HOSTS"),
        ({"KTRD_ENV": "production", "KTRD_SECRET_KEY": "x" * 50, "KTRD_ALLOWED_HOSTS": "*"}, "KTRD_ALLOWED_HOSTS"),
        (
            {
                "KTRD_ENV": "production",
                "KTRD_SECRET_KEY": "x" * 50,
                "KTRD_ALLOWED_HOSTS": "a.example",
                "KTRD_DEBUG": "1",
            },
            "KTRD_DEBUG",
        ),
        ({"KTRD_ENV": "staging"}, "KTRD_ENV"),
    ],
)
def test_production_refuses_unsafe_settings(env: dict[str, str], complaint: str) -> None:
    done = _load_settings(env)
    assert done.returncode != 0
    assert complaint in done.stderr


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ("MIDDLEWARE = [m for m in MIDDLEWARE if 'IdleTimeout' not in m]", "the idle timeout would be off"),
        ("MIDDLEWARE = [m for m in MIDDLEWARE if 'CSPMiddleware' not in m]", "the content security policy"),
        ("MIDDLEWARE = [m for m in MIDDLEWARE if 'SecondFactor' not in m]", "the second factor (TOTP)"),
        ("del KTRD_CSP", "setting KTRD_CSP is missing"),
        ("del KTRD_ADMIN_TOTP_REQUIRED", "setting KTRD_ADMIN_TOTP_REQUIRED is missing"),
        ("PASSWORD_HASHERS = ['django.contrib.auth.hashers.PBKDF2PasswordHasher']", "Argon2PasswordHasher"),
    ],
)
def test_a_start_without_a_security_control_is_refused(tmp_path: Path, override: str, complaint: str) -> None:
    """A settings module that drops a control (as a swallowed import of it would have) does not start."""
    (tmp_path / "site_settings.py").write_text(f"from ketamine_trd.clinic.settings import *\n{override}\n")
    env = {"KTRD_ENV": "production", "KTRD_SECRET_KEY": "k" * 50, "KTRD_ALLOWED_HOSTS": "clinic.example"}
    done = _load_settings(env, module="site_settings", path=tmp_path)
    assert done.returncode != 0, done.stdout
    assert "refusing to start" in done.stderr and complaint in done.stderr


def test_the_settings_module_has_no_import_guard() -> None:
    """Nothing in settings.py may be skipped silently: no try/except at all (a missing module must fail loudly)."""
    tree = ast.parse(Path(clinic_settings.__file__).read_text())
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Try)]
    assert clinic_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "ketamine_trd.clinic.authn.middleware.IdleTimeoutMiddleware" in clinic_settings.MIDDLEWARE


def test_ktrd_serve_in_production_with_the_development_key_exits_2(tmp_path: Path) -> None:
    """``ktrd serve`` runs the start checks before migrating or binding the port: exit 2, naming the problem."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_")) and k != "DATABASE_URL"}
    full.update({"KTRD_ENV": "production", "KTRD_ALLOWED_HOSTS": "clinic.example"})
    done = subprocess.run(
        [sys.executable, "-m", "ketamine_trd.cli", "serve", "--data-dir", str(tmp_path), "--port", "8765"],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "ktrd.S101" in done.stderr and "KTRD_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "ktrd.sqlite3").exists()


def test_production_starts_with_proper_values() -> None:
    env = {"KTRD_ENV": "production", "KTRD_SECRET_KEY": "k" * 50, "KTRD_ALLOWED_HOSTS": "clinic.example"}
    done = _load_settings(env)
    assert done.returncode == 0, done.stderr
    assert "clinic.example" in done.stdout
