"""Lockout after repeated failed logins (OWASP ASVS 4.0 V2.2.1), configurable.

Settings: ``KTRD_LOCKOUT_MAX_FAILURES`` failures (default 5) within
``KTRD_LOCKOUT_WINDOW_MINUTES`` (default 15) lock the username for
``KTRD_LOCKOUT_MINUTES`` (default 15). The lock applies to a username whether or not an
account has it, so that the response does not reveal which accounts exist.

The count is taken atomically **before** the password is checked: :func:`begin_attempt` reserves one
attempt under the row lock (counted as a failure until it succeeds), so that concurrent attempts
cannot outrun the lock: however many arrive at once, at most ``max_failures`` passwords are checked
before the username is locked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from ketamine_trd.clinic.authn.models import LoginThrottle
from ketamine_trd.clinic.transactions import small_write
from ketamine_trd.errors import InputError


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """How many failures within what window lock an account, and for how long (minutes)."""

    max_failures: int = 5
    window_minutes: int = 15
    lock_minutes: int = 15

    def __post_init__(self) -> None:
        for name in ("max_failures", "window_minutes", "lock_minutes"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= 10_000:
                raise InputError(name, value, "a whole number from 1 to 10000")


def policy() -> LockoutPolicy:
    """The policy from the settings."""
    return LockoutPolicy(
        max_failures=int(settings.KTRD_LOCKOUT_MAX_FAILURES),
        window_minutes=int(settings.KTRD_LOCKOUT_WINDOW_MINUTES),
        lock_minutes=int(settings.KTRD_LOCKOUT_MINUTES),
    )


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def locked_until(username: str, now: dt.datetime) -> dt.datetime | None:
    """When the lock on ``username`` ends, or None when it is not locked at ``now``."""
    row = LoginThrottle.objects.filter(username=_key(username)).first()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    until: dt.datetime = row.locked_until
    return until


def _locked_row(username: str) -> LoginThrottle:
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=_key(username))
    return row


def _lock(row: LoginThrottle, now: dt.datetime, rules: LockoutPolicy) -> None:
    row.locked_until = now + dt.timedelta(minutes=rules.lock_minutes)
    row.failures, row.window_start = 0, None


def begin_attempt(username: str, now: dt.datetime, rules: LockoutPolicy | None = None) -> bool:
    """Reserve one login attempt for ``username``; False when it is locked (no password may be checked).

    The attempt counts as a failure until :func:`register_success` clears the count or
    :func:`release_attempt` gives it back.
    """
    rules = rules or policy()
    with small_write():
        row = _locked_row(username)
        if row.locked_until is not None and row.locked_until > now:
            return False
        window = dt.timedelta(minutes=rules.window_minutes)
        if row.window_start is None or now - row.window_start > window:
            row.window_start, row.failures = now, 0
        if row.failures >= rules.max_failures:
            # the allowance is taken by attempts still in flight: this one is refused unchecked, but the account
            # is locked only by failures (register_failure), so a burst of correct logins cannot lock a user out
            row.save()
            return False
        row.failures += 1
        row.save()
    return True


def release_attempt(username: str) -> None:
    """Give back an attempt that was neither a failure nor a success (a second factor is still to come)."""
    with small_write():
        row = _locked_row(username)
        if row.failures > 0:
            row.failures -= 1
            row.save(update_fields=["failures"])


def register_failure(username: str, now: dt.datetime, rules: LockoutPolicy | None = None) -> bool:
    """Settle a reserved attempt as a failure; returns True when it locks the username."""
    rules = rules or policy()
    with small_write():
        row = _locked_row(username)
        locks = bool(row.failures >= rules.max_failures)
        if locks:
            _lock(row, now, rules)
            row.save()
    return locks


def register_success(username: str) -> None:
    """A successful login clears the failure count."""
    with small_write():
        LoginThrottle.objects.filter(username=_key(username)).update(failures=0, window_start=None, locked_until=None)
