"""Idle session timeout and the admin second-factor gate.

``IdleTimeoutMiddleware`` logs a user out after ``KTRD_IDLE_TIMEOUT_MINUTES`` (default 30) of
inactivity (HIPAA 164.312(a)(2)(iii) automatic logoff; OWASP ASVS 4.0 V3.3.2), recording a
``logout`` audit event. A form posted just after the timeout is not lost: its entries are kept server side for
the person who typed them and shown again on the form's page after they log in (``authn.kept``); the login's
``next`` is that page, never the POST URL. ``SecondFactorMiddleware`` keeps a session that still owes a TOTP
enrolment (an admin without a device) on the enrolment page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from ketamine_trd.clinic.authn import kept

LAST_SEEN_KEY = "ktrd_last_seen"
ENROL_PENDING_KEY = "ktrd_totp_enrol_pending"
_TOUCH_EVERY_S = 30


def idle_timeout_seconds() -> float:
    """The idle timeout in seconds (the setting is whole minutes from the environment; a test may use less)."""
    return float(settings.KTRD_IDLE_TIMEOUT_MINUTES) * 60


def _refuse(request: HttpRequest, target: str, message: str, page: str | None = None) -> HttpResponse:
    """401 for the API; for a page, a redirect to ``target`` returning to ``page`` (by default the page asked for:
    a GET URL with its query, or the page a POST-only URL belongs to; none when there is no such page)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "NotAuthenticated", "message": message}, status=401)
    if page is None:
        page = kept.page_for(kept.asked_page(request))
    return HttpResponseRedirect(f"{target}?{urlencode({'next': page})}" if page else target)


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
                return self._timed_out(request, user)
            kept.drop_stale(request, timezone.now())
            if not isinstance(last, (int, float)) or now - float(last) >= _TOUCH_EVERY_S:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _timed_out(self, request: HttpRequest, user: object) -> HttpResponse:
        """Log out (audited); a form posted now keeps its entries for its page, shown again after the log-in."""
        from ketamine_trd.clinic.audit.service import record

        page = kept.page_for(kept.asked_page(request))
        keeping = bool(page) and kept.may_keep(request)
        user_pk = getattr(user, "pk", None)
        record(request, "logout", object_type="session", detail="idle timeout" + ("; entries kept" if keeping else ""))
        logout(request)
        if keeping and page is not None:
            kept.keep(request, user_pk, page, timezone.now())
        return _refuse(request, reverse("authn:login"), "session ended after inactivity; log in again", page)


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
