"""Re-authentication before sensitive actions (OWASP ASVS 4.0 V3.7.1).

Signing a session or a REMS record needs a password (and TOTP code, where the user has a
device) entered within the last ``KTRD_REAUTH_MINUTES`` (default 5). The clinic-core's
sign services/views call::

    from ketamine_trd.clinic.authn.reauth import require_recent_auth

    require_recent_auth(request, now)          # raises ReauthRequired (a PermissionDenied)

and a page that catches it sends the user to :func:`reauth_url` (``/accounts/reauth/?next=<this page>``) and
back. API clients get HTTP 403 with ``"error": "ReauthRequired"`` and re-authenticate with
``POST /accounts/reauth/``.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ketamine_trd.errors import PermissionDenied

SESSION_KEY = "ktrd_auth_at"


class ReauthRequired(PermissionDenied):
    """The action needs the user to enter their password again."""


def window() -> dt.timedelta:
    """How long a password entry counts as recent."""
    return dt.timedelta(minutes=int(settings.KTRD_REAUTH_MINUTES))


def mark_authenticated(request: HttpRequest, now: dt.datetime) -> None:
    """Note that the user has just proved who they are (login or re-authentication)."""
    request.session[SESSION_KEY] = now.timestamp()


def is_recent(request: HttpRequest, now: dt.datetime) -> bool:
    """Whether the user proved who they are within the window."""
    at = request.session.get(SESSION_KEY)
    if not isinstance(at, (int, float)):
        return False
    elapsed = now.timestamp() - float(at)
    return 0 <= elapsed <= window().total_seconds()


def require_recent_auth(request: HttpRequest, now: dt.datetime | None = None) -> None:
    """Raise :class:`ReauthRequired` unless the user re-authenticated within the window."""
    if not is_recent(request, now or timezone.now()):
        raise ReauthRequired("re-authentication required: enter your password again to sign")


def require_recent_auth_of(actor: object, now: dt.datetime) -> None:
    """For a person at a browser (``actor`` is the request): :func:`require_recent_auth` (ASVS 4.0 V3.7.1).

    A service called with a user, not a request (the CLI, an import, a test builder), has no browser session to
    re-authenticate; the one check for every service that needs a fresh password (signing, overrides, REMS submit).
    """
    if isinstance(actor, HttpRequest):
        require_recent_auth(actor, now)


def reauth_url(next_path: str) -> str:
    """The re-authentication page that returns to ``next_path``."""
    return f"{reverse('authn:reauth')}?{urlencode({'next': next_path})}"
