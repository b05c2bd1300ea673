"""Settings: environment-driven, dev-safe defaults, production refuses unsafe values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ketamine_trd.clinic.settings import database_from_url


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import ketamine_trd.clinic.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    full = {k: v for k, v in os.environ.items() if not k.startswith("KTRD_") and k != "DATABASE_URL"}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, check=False)


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


def test_production_starts_with_proper_values() -> None:
    env = {"KTRD_ENV": "production", "KTRD_SECRET_KEY": "k" * 50, "KTRD_ALLOWED_HOSTS": "clinic.example"}
    done = _load_settings(env)
    assert done.returncode == 0, done.stderr
    assert "clinic.example" in done.stdout
