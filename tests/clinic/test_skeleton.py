"""The project starts: system checks pass, no pending migrations, login page, anonymous access is denied."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

#: every app of the project: each must have its migrations, none pending
PROJECT_APPS = sorted(c.label for c in apps.get_app_configs() if c.name.startswith("ketamine_trd."))


def test_every_project_app_is_checked_for_pending_migrations() -> None:
    assert PROJECT_APPS == [
        "accounts", "audit", "authn", "chartnotes", "controlled", "measurement", "records", "scheduling",
        "selfreport", "site",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("label", PROJECT_APPS)
def test_no_pending_migrations(label: str) -> None:
    """``makemigrations --check --dry-run`` for the app: a model change without its migration fails here."""
    out = StringIO()
    try:
        call_command("makemigrations", label, "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"app {label!r} has model changes without a migration:\n{out.getvalue()}")


def test_system_checks_pass() -> None:
    call_command("check")


@pytest.mark.django_db
def test_login_page_renders(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.django_db
def test_demo_banner_shown_only_with_the_demo_flag(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KTRD_DEMO = False
    assert b"SYNTHETIC DEMO DATA" not in client.get("/accounts/login/").content
    settings.KTRD_DEMO = True
    assert b"SYNTHETIC DEMO DATA" in client.get("/accounts/login/").content


@pytest.mark.django_db
def test_openapi_document_is_served(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ketamine-trd clinic API"


@pytest.mark.django_db
def test_demo_clinic_pages_carry_the_banner_without_the_flag(settings) -> None:  # type: ignore[no-untyped-def]
    from tests.clinic.builders import make_clinic, make_user

    settings.KTRD_DEMO = False
    client = Client()
    client.force_login(make_user("front_desk", make_clinic(slug="demo")))
    assert b"SYNTHETIC DEMO DATA" in client.get("/patients/").content
