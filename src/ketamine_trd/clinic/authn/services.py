"""Logging in and out: lockout, second factor and audit, in one place.

Every decision is recorded in the audit trail (``login``, ``login_failed``, ``logout``);
passwords and codes are never recorded or logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest

from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.authn import kept, lockout, reauth, totp
from ketamine_trd.clinic.authn.middleware import ENROL_PENDING_KEY, LAST_SEEN_KEY

REFUSED = "Username, password or code not accepted."
LOCKED = "Too many failed attempts: this account is locked for a while. Try again later or ask an administrator."


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The outcome of one login attempt; ``message`` is what the person is shown."""

    ok: bool
    reason: str  # ok, locked, bad_credentials, code_required, bad_code
    message: str
    enrol_totp: bool = False
    user: Any = None  # the witness, for check_witness_password


def _fail(request: HttpRequest, username: str, reason: str, now: dt.datetime, user: Any = None) -> LoginResult:
    locks = lockout.register_failure(username, now)
    detail = reason + ("; account locked" if locks else "")
    record(
        user,
        "login_failed",
        object_type="account",
        object_id=username[:64],
        outcome="failure",
        ip=_ip(request),
        detail=detail,
        now=now,
    )
    return LoginResult(False, reason, LOCKED if locks else REFUSED)


def _ip(request: HttpRequest) -> str:
    from ketamine_trd.clinic.audit.service import client_ip

    return client_ip(request)


def attempt_login(request: HttpRequest, username: str, password: str, code: str, now: dt.datetime) -> LoginResult:
    """Check the lock, the password and (where the user has a device) the TOTP code; log in on success."""
    username = username.strip()
    if not lockout.begin_attempt(username, now):
        record(
            None,
            "login_failed",
            object_type="account",
            object_id=username[:64],
            outcome="denied",
            ip=_ip(request),
            detail="locked",
            now=now,
        )
        return LoginResult(False, "locked", LOCKED)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return _fail(request, username, "bad_credentials", now)
    has_device = totp.has_device(user)
    if has_device and not code.strip():
        lockout.release_attempt(username)
        return LoginResult(False, "code_required", "Enter the 6-digit code from your authenticator app.")
    if has_device and not totp.verify(user, code, now):
        return _fail(request, username, "bad_code", now, user)
    lockout.register_success(username)
    login(request, user)  # rotates the session key (OWASP ASVS 4.0 V3.2.1)
    kept.claim(request, user.pk)  # entries kept at the idle timeout stay only for the user who typed them
    reauth.mark_authenticated(request, now)
    request.session[LAST_SEEN_KEY] = now.timestamp()
    enrol = not has_device and totp.required_for(user)
    if enrol:
        request.session[ENROL_PENDING_KEY] = True
    record(
        request,
        "login",
        object_type="account",
        object_id=str(user.pk),
        now=now,
        detail="second factor: " + ("totp" if has_device else "enrolment pending" if enrol else "none"),
    )
    return LoginResult(True, "ok", "", enrol_totp=enrol)


def attempt_reauth(request: HttpRequest, password: str, code: str, now: dt.datetime) -> LoginResult:
    """Re-authenticate the logged-in user (password, and TOTP code where they have a device)."""
    user = request.user
    username = user.get_username()
    if not lockout.begin_attempt(username, now):
        return LoginResult(False, "locked", LOCKED)
    if authenticate(request, username=username, password=password) is None:
        return _fail(request, username, "reauth_bad_credentials", now, user)
    if totp.has_device(user) and not totp.verify(user, code, now):
        return _fail(request, username, "reauth_bad_code", now, user)
    lockout.register_success(username)
    reauth.mark_authenticated(request, now)
    record(request, "login", object_type="account", object_id=str(user.pk), detail="re-authenticated", now=now)
    return LoginResult(True, "ok", "")


def check_witness_password(actor: Any, username: str, password: str, now: dt.datetime) -> LoginResult:
    """A second person's password typed on someone else's form (the witness of a controlled-substance waste),
    under the same lockout as logging in: each wrong password counts towards the witness's lock, a locked account
    cannot witness, and a right one clears the count. Every refusal is audited (``login_failed``, recorded for
    ``actor``, the person at the form); the password is never recorded. ``reason`` is ``ok``, ``locked`` or
    ``bad_credentials``; on ``ok``, ``user`` is the witness.

    Without this the witness field would be a password-guessing form with no lock (issue 14's note).
    """
    name = username.strip()
    if not lockout.begin_attempt(name, now):
        record(actor, "login_failed", object_type="account", object_id=name[:64], outcome="denied",
               detail="witness: locked", now=now)  # fmt: skip
        return LoginResult(False, "locked", LOCKED)
    user = authenticate(username=name, password=password) if password else None
    if user is None:
        locks = lockout.register_failure(name, now)
        record(actor, "login_failed", object_type="account", object_id=name[:64], outcome="failure",
               detail="witness_bad_credentials" + ("; account locked" if locks else ""), now=now)  # fmt: skip
        return LoginResult(False, "locked" if locks else "bad_credentials", LOCKED if locks else REFUSED)
    lockout.register_success(name)
    return LoginResult(True, "ok", "", user=user)


def do_logout(request: HttpRequest, now: dt.datetime) -> None:
    """Record the logout and end the session."""
    if request.user.is_authenticated:
        record(request, "logout", object_type="account", object_id=str(request.user.pk), now=now)
    logout(request)


def confirm_enrolment(request: HttpRequest, code: str, now: dt.datetime) -> bool:
    """Confirm the user's new TOTP device with a first code; lifts the enrolment gate."""
    if not totp.verify(request.user, code, now, confirming=True):
        record(
            request, "update", object_type="authn.totpdevice", outcome="failure", detail="bad enrolment code", now=now
        )
        return False
    request.session.pop(ENROL_PENDING_KEY, None)
    record(
        request,
        "create",
        object_type="authn.totpdevice",
        object_id=str(request.user.pk),
        now=now,
        changed_fields=["confirmed"],
    )
    return True
