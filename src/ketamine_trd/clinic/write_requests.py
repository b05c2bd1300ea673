"""Write requests as one transaction each, retried whole on contention; idempotency keys; busy is a 503.

``WriteRequestMiddleware`` (the innermost middleware) runs every unsafe request (POST, PUT, PATCH, DELETE)
except the sign-in pages as **one write transaction** opened by :func:`ketamine_trd.clinic.transactions.writing`
(chain head first, see the lock order there): the write, its audit events and the answer built after it
(the session read back, its alerts) commit together or not at all, so a request that answers 5xx has saved
nothing. When the database reports contention (SQLite busy, PostgreSQL deadlock or serialization failure)
the whole request runs again, at most ``ATTEMPTS`` times.

An API client may send an ``Idempotency-Key`` header (1 to 255 visible ASCII characters, e.g. a UUID) with a
write. The answer is stored with the key in the write's own transaction; the same key again (same user, same
method, path and body) gets the stored answer (``Idempotent-Replayed: true``) and writes nothing, so a
client that retries after a lost answer never duplicates. The same key with a different request is refused
with 422 naming ``Idempotency-Key``. Keys are kept ``IDEMPOTENCY_HOURS`` hours: a stored answer may hold
patient data, so expired answers are deleted by the next write of any kind (at most once a minute per
process, :func:`forget_expired_answers`) and when the clinic starts, not only by the next keyed request.

``BusyEdgeMiddleware`` (the outermost) turns a database that stayed busy (``Busy``, or a lock error raised
anywhere, the session store included) into 503 with ``Retry-After``: JSON under ``/api/``, a short page
elsewhere. Never a 500.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape

from ketamine_trd.clinic.edge import error_body
from ketamine_trd.clinic.transactions import RETRY_AFTER_S, is_contention, run_write
from ketamine_trd.errors import Busy, InputError, http_status_for

__all__ = [
    "IDEMPOTENCY_HOURS",
    "BusyEdgeMiddleware",
    "WriteRequestMiddleware",
    "busy_response",
    "forget_expired_answers",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: sign-in, sign-out, re-authentication and TOTP keep their own short transactions: a password hash
#: (Argon2, tens of milliseconds) must not run while the write lock is held
EXEMPT_PREFIXES = ("/accounts/",)
KEY_HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
IDEMPOTENCY_HOURS = 24
_BUSY_ATTR = "_ktrd_busy"
#: set on a request whose write transaction committed (authn.session_store.SessionMiddleware reads it)
COMMITTED_ATTR = "_ktrd_write_committed"
_CONTENTION_ATTR = "_ktrd_contention"


def busy_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with ``Retry-After``: JSON for the API, a short page for people."""
    retry_after = getattr(error, "retry_after_s", RETRY_AFTER_S)
    message = "the clinic database is busy; nothing was saved; send the same request again in a moment"
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": "Busy", "message": message}, status=503)
    else:
        page = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Busy, try again</title>"
            f"<h1>The clinic is busy</h1><p>{escape(message.capitalize())}.</p>"
            '<p><a href="javascript:history.back()">Back</a></p></html>'
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    # built outside the middleware that adds these (this one is outermost): the same no-store and nosniff
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _note_busy(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django's signal for an exception turned into a 500: remember a busy database on the request."""
    error = sys.exc_info()[1]
    if request is not None and error is not None and (isinstance(error, Busy) or is_contention(error)):
        setattr(request, _BUSY_ATTR, error)


got_request_exception.connect(_note_busy, dispatch_uid="ktrd_note_busy")


class BusyEdgeMiddleware:
    """Outermost: a 5xx caused by a busy database becomes 503 with ``Retry-After`` (never a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        busy = getattr(request, _BUSY_ATTR, None)
        if busy is not None and response.status_code >= 500:
            return busy_response(request, busy)
        if response.status_code == 503 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(RETRY_AFTER_S)
        return response


def _refusal(error: InputError) -> HttpResponse:
    return JsonResponse(error_body(error), status=http_status_for(error))


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), ""):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    try:
        body = request.body
    except RawPostDataException:  # a multipart body already parsed into request.POST (edge.InputGuardMiddleware)
        parts = sorted((k, request.POST.getlist(k)) for k in request.POST)
        files = sorted((k, f.name, f.size) for k, f in request.FILES.items())
        body = repr((parts, files)).encode("utf-8", "surrogateescape")
    digest.update(body)
    return digest.hexdigest()


class WriteRequestMiddleware:
    """Innermost: an unsafe request is one write transaction, retried whole on contention; idempotency keys."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view that met contention: keep the error so that ``__call__`` rolls back and retries."""
        if getattr(request, "_ktrd_in_write", False) and is_contention(exception):
            setattr(request, _CONTENTION_ATTR, exception)
            return HttpResponse(status=503)
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        user = getattr(request, "user", None)
        key = request.META.get(KEY_HEADER)
        if key is not None and not (user is not None and user.is_authenticated):
            key = None  # anonymous: refused by the view anyway, nothing to remember
        fingerprint = ""
        if key is not None:
            if not KEY_PATTERN.match(key):
                return _refusal(InputError("Idempotency-Key", key[:40], "1 to 255 visible ASCII characters"))
            fingerprint = _fingerprint(request)

        def attempt() -> HttpResponse:
            setattr(request, _CONTENTION_ATTR, None)
            request._ktrd_in_write = True  # type: ignore[attr-defined]
            try:
                _forget_expired_now_and_then()
                if key is not None:
                    replay = _stored(user, key, fingerprint)
                    if replay is not None:
                        return replay
                response = self.get_response(request)
            finally:
                request._ktrd_in_write = False  # type: ignore[attr-defined]
            contention = getattr(request, _CONTENTION_ATTR, None)
            if contention is not None:
                raise contention  # roll the whole request back; run_write runs it again
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif key is not None and not response.streaming and response.status_code < 300:
                # only what was done is remembered: a refusal (403 re-authenticate, 409, 422) is judged again
                _store(user, key, fingerprint, response)
            return response

        response = run_write(attempt)
        if response.status_code < 500:
            setattr(request, COMMITTED_ATTR, True)  # the session save after it must not unsay it
        return response


_last_purge: list[float] = [0.0]  # monotonic seconds of this process's last purge
PURGE_EVERY_S = 60.0


def forget_expired_answers() -> int:
    """Delete the stored answers older than ``IDEMPOTENCY_HOURS``; returns how many were deleted."""
    from ketamine_trd.clinic.audit.models import IdempotentRequest

    cutoff = timezone.now() - dt.timedelta(hours=IDEMPOTENCY_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _forget_expired_now_and_then() -> None:
    now = time.monotonic()
    if now - _last_purge[0] >= PURGE_EVERY_S:
        forget_expired_answers()
        _last_purge[0] = now  # only once the purge has run: a failed one is tried again on the next write


def _stored(user: Any, key: str, fingerprint: str) -> HttpResponse | None:
    from ketamine_trd.clinic.audit.models import IdempotentRequest

    forget_expired_answers()
    row = IdempotentRequest.objects.filter(user_id=user.pk, key=key).first()
    if row is None:
        return None
    if row.request_sha256 != fingerprint:
        return _refusal(
            InputError(
                "Idempotency-Key",
                key[:40],
                "a new key for a different request",
                reason="was already used with another method, path or body",
            )
        )
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _store(user: Any, key: str, fingerprint: str, response: HttpResponse) -> None:
    from ketamine_trd.clinic.audit.models import IdempotentRequest

    IdempotentRequest.objects.create(
        user_id=user.pk,
        key=key,
        request_sha256=fingerprint,
        status=response.status_code,
        content_type=str(response.get("Content-Type", "application/json"))[:100],
        body=bytes(response.content),
        created_at=timezone.now(),
    )
