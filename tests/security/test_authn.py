"""Authentication controls: argon2, password policy, lockout, idle timeout, re-authentication, TOTP.

Controls: HIPAA 45 CFR 164.312(a)(2)(iii) automatic logoff and (d) person authentication;
OWASP ASVS 4.0 V2.2.1 (anti-automation), V2.4.1 (password hashing), V3.2.1 (new session on
login), V3.3.2 (idle timeout), V3.7.1 (re-authentication), V7.1.3 (log authentication).
"""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic import settings as clinic_settings
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.authn import reauth, totp
from ketamine_trd.clinic.authn.middleware import LAST_SEEN_KEY
from ketamine_trd.clinic.authn.models import TotpDevice

from .conftest import PASSWORD

LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str = PASSWORD, code: str = "") -> object:
    return client.post(LOGIN, {"username": username, "password": password, "code": code})


def test_argon2_is_the_first_password_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    assert clinic_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = clinic_settings.PASSWORD_HASHERS  # the test settings use a fast hasher
    encoded = make_password("x" * 14)
    assert encoded.startswith("argon2$argon2id$") and check_password("x" * 14, encoded)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Sh0rt!pass", "too short"),
        ("password1234", "too common"),
        ("918273645546372819", "entirely numeric"),
        ("nurse-user-2026", "too similar"),
    ],
)
@pytest.mark.django_db
def test_password_policy_refuses_weak_passwords(make_user, password: str, why: str) -> None:  # type: ignore[no-untyped-def]
    user = make_user("nurse")
    validators = password_validation.get_password_validators(clinic_settings.AUTH_PASSWORD_VALIDATORS)
    with pytest.raises(password_validation.ValidationError) as err:
        password_validation.validate_password(password, user, validators)
    assert why in " ".join(err.value.messages)
    password_validation.validate_password(PASSWORD, user, validators)


@pytest.mark.django_db
def test_login_rotates_the_session_and_is_audited(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("nurse")
    client.get(LOGIN)
    before = client.cookies.get("sessionid")
    response = _login(client, "nurse-user")
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)
    event = AuditEvent.objects.filter(action="login").last()
    assert event is not None and event.actor_id == user.pk and event.ip == "127.0.0.1"
    assert PASSWORD not in str(list(AuditEvent.objects.values()))


@pytest.mark.django_db
def test_lockout_after_repeated_failures_then_release(client: Client, make_user, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.KTRD_LOCKOUT_MAX_FAILURES, settings.KTRD_LOCKOUT_MINUTES = 3, 10
    make_user("nurse")
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    for _ in range(3):
        response = _login(client, "nurse-user", "wrong-password-123")
        assert response.status_code == 401
    assert b"locked" in response.content
    assert _login(client, "nurse-user").status_code == 401  # the right password, but locked
    assert AuditEvent.objects.filter(action="login_failed").count() == 4
    assert AuditEvent.objects.filter(action="login_failed", detail="locked", outcome="denied").exists()
    # an unknown username is answered the same way (no account enumeration)
    assert b"not accepted" in _login(client, "nobody-here", "whatever-123456").content
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(minutes=11))
    assert _login(client, "nurse-user").status_code == 302


@pytest.mark.django_db
def test_idle_session_is_logged_out(client: Client, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KTRD_IDLE_TIMEOUT_MINUTES = 30
    make_user("nurse")
    _login(client, "nurse-user")
    assert client.get("/accounts/reauth/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = timezone.now().timestamp() - 31 * 60
    session.save()
    response = client.get("/accounts/reauth/")
    assert response.status_code == 302 and LOGIN in response["Location"]
    assert AuditEvent.objects.filter(action="logout", detail="idle timeout").exists()
    assert client.get("/accounts/reauth/").status_code == 302  # still logged out
    # 29 minutes idle is fine
    _login(client, "nurse-user")
    session = client.session
    session[LAST_SEEN_KEY] = timezone.now().timestamp() - 29 * 60
    session.save()
    assert client.get("/accounts/reauth/").status_code == 200


@pytest.mark.django_db
def test_idle_timeout_on_the_api_answers_401(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("nurse")
    _login(client, "nurse-user")
    session = client.session
    session[LAST_SEEN_KEY] = timezone.now().timestamp() - 3 * 60 * 60
    session.save()
    assert client.get("/api/openapi.json").status_code == 401


@pytest.mark.django_db
def test_require_recent_auth_and_the_reauth_page(client: Client, make_user, rf, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KTRD_REAUTH_MINUTES = 5
    make_user("prescriber")
    _login(client, "prescriber-user")
    request = rf.post("/sign")
    request.session = client.session
    reauth.require_recent_auth(request)  # just logged in
    with pytest.raises(reauth.ReauthRequired):
        reauth.require_recent_auth(request, timezone.now() + dt.timedelta(minutes=6))
    session = client.session
    session[reauth.SESSION_KEY] = timezone.now().timestamp() - 600
    session.save()
    request.session = client.session
    with pytest.raises(reauth.ReauthRequired):
        reauth.require_recent_auth(request)
    assert client.post("/accounts/reauth/", {"password": "not-my-password"}).status_code == 401
    response = client.post("/accounts/reauth/", {"password": PASSWORD, "next": "/patients/"})
    assert response.status_code == 302 and response["Location"] == "/patients/"
    request.session = client.session
    reauth.require_recent_auth(request)
    # an off-site next is refused
    response = client.post("/accounts/reauth/", {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_totp_enrolment_login_and_replay(client: Client, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = make_user("nurse")
    _login(client, "nurse-user")
    page = client.get("/accounts/totp/enrol/")
    assert page.status_code == 200
    device = TotpDevice.objects.get(user=user)
    assert device.secret.encode() in page.content and not device.confirmed
    assert client.post("/accounts/totp/enrol/", {"code": "000000"}).status_code == 200
    now = timezone.now()
    code = pyotp.TOTP(device.secret).at(now)
    assert client.post("/accounts/totp/enrol/", {"code": code}).status_code == 302
    assert totp.has_device(user)
    client.post("/accounts/logout/")
    later = now + dt.timedelta(seconds=90)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _login(client, "nurse-user").status_code == 401  # a code is needed now
    assert _login(client, "nurse-user", code="123456").status_code == 401
    good = pyotp.TOTP(device.secret).at(later)
    assert _login(client, "nurse-user", code=good).status_code == 302
    client.post("/accounts/logout/")
    assert _login(client, "nurse-user", code=good).status_code == 401  # replay refused


@pytest.mark.django_db
def test_admin_must_enrol_totp_before_anything_else(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin")
    response = _login(client, "admin-user")
    assert response.status_code == 302 and response["Location"] == "/accounts/totp/enrol/"
    blocked = client.get("/accounts/reauth/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/totp/enrol/")
    assert client.get("/api/openapi.json").status_code == 401
    assert client.get("/accounts/totp/enrol/").status_code == 200


@pytest.mark.django_db
def test_logout_is_post_only_and_audited(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("nurse")
    _login(client, "nurse-user")
    assert client.get("/accounts/logout/").status_code == 200  # a confirmation page, no logout on GET
    assert client.get("/accounts/reauth/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/reauth/").status_code == 302
    assert AuditEvent.objects.filter(action="logout").exists()


@pytest.mark.django_db
def test_no_default_accounts_after_migration() -> None:
    """Migrations create no account (ASVS 4.0 V2.5.4); only ``ktrd demo`` creates its synthetic logins."""
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 0
