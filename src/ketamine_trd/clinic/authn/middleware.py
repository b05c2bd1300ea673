"""Idle session timeout and the admin second-factor gate.

``IdleTimeoutMiddleware`` logs a user out after ``KTRD_IDLE_TIMEOUT_MINUTES`` (default 30) of
inactivity (HIPAA 164.312(a)(2)(iii) automatic logoff; OWASP ASVS 4.0 V3.3.2), recording a
``logout`` audit event. ``SecondFactorMiddleware`` keeps a session that still owes a TOTP
enrolment (an admin without a device) on the enrolment page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

LAST_SEEN_KEY = "ktrd_last_seen"
ENROL_PENDING_KEY = "ktrd_totp_enrol_pending"
_TOUCH_EVERY_S = 30


def idle_timeout_seconds() -> int:
    return int(settings.KTRD_IDLE_TIMEOUT_MINUTES) * 60


def _refuse(request: HttpRequest, target: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "NotAuthenticated", "message": message}, status=401)
    return HttpResponseRedirect(f"{target}?next={request.path}")


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than the timeout; otherwise note the activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(LAST_SEEN_KEY)
            if isinstance(last, (int, float)) and now - float(last) > idle_timeout_seconds():
                from ketamine_trd.clinic.audit.service import record

                record(request, "logout", object_type="session", detail="idle timeout")
                logout(request)
                return _refuse(request, reverse("authn:login"), "session ended after inactivity; log in again")
            if not isinstance(last, (int, float)) or now - float(last) >= _TOUCH_EVERY_S:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """While a session owes a TOTP enrolment, only the enrolment page and logout are served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "session", None) is not None and request.session.get(ENROL_PENDING_KEY):
            allowed = {reverse("authn:totp_enrol"), reverse("authn:logout")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return _refuse(request, reverse("authn:totp_enrol"), "set up your authenticator first")
        return self.get_response(request)
