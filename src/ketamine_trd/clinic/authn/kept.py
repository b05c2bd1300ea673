"""Typed entries kept across a log-in: a form posted after the idle timeout is not lost.

When the idle timeout ends a session as a form is posted, :func:`keep` stores the submitted fields in the session
store (server side, never in a URL or a cookie), for the user who typed them, for ``KEPT_FOR``; the person logs in
again with ``next`` set to the page the form belongs to (a GET URL, never the POST URL: a POST-only URL answers
405 to a GET), and that page shows the form bound to the kept entries with the notice ``NOTICE``. Nothing is
replayed: the person checks the entries and saves. The entries are cleared when the page takes them
(:func:`take`), when another user logs in, at logout, and once ``KEPT_FOR`` has passed.

:func:`page_for` maps any ``next`` to a page: a POST-only URL to its page (``/sessions/7/vitals/`` ->
``/sessions/7/``) or to nothing (dropped), any other URL to itself. The redirect check (same host, no scheme
change) stays with the login views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

__all__ = [
    "KEPT_FOR",
    "NOTICE",
    "POST_ONLY",
    "Kept",
    "claim",
    "drop_stale",
    "keep",
    "may_keep",
    "page_for",
    "posted",
    "take",
]

KEY = "ktrd_kept_entries"
#: how long typed entries wait for the person to log in again (platform-defined: "a few minutes", long enough to
#: find a password, short enough that patient data does not linger in the session store)
KEPT_FOR = dt.timedelta(minutes=10)
NOTICE = "Your entries were kept; check them and save."
#: a form larger than this is not kept (the chart's largest form is a few kB)
MAX_KEPT_CHARS = 64_000
#: never kept: the CSRF token, and a password or code typed to confirm an override (asked again)
_NOT_KEPT = frozenset({"csrfmiddlewaretoken", "password", "code"})

#: POST-only URL name -> the URL name of the page its form is on and the URL arguments that page takes
#: (``None``: no page to return to; the ``next`` is dropped). A test requires every POST-only URL to be listed.
POST_ONLY: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "records:session_record": ("records:session_detail", ("session_id",)),
    "records:session_schedule": ("records:course_detail", ("course_id",)),
    "records:course_phase": ("records:course_detail", ("course_id",)),
    "records:rems_submitted": ("records:rems_detail", ("record_id",)),
    "records:intake_sign_off": None,
    "measurement:acknowledge": ("measurement:worklist", ()),
}


@dataclass(frozen=True, slots=True)
class Kept:
    """Entries a person typed and posted to ``action`` at ``at`` (UTC), to show again on ``page``."""

    page: str
    action: str
    data: QueryDict
    at: dt.datetime


#: query parameters that carry free text a user typed (the patient search: names, MRNs, dates of birth); they are
#: never copied into a log-in URL's ``next`` (which web-server logs and browser history keep)
FREE_TEXT_PARAMS = frozenset({"q"})


def asked_page(request: Any) -> str:
    """The address a request asked for, to return to after a log-in: a GET's path and query without free text
    (``FREE_TEXT_PARAMS``), a POST's path (``page_for`` maps it to its page)."""
    if request.method != "GET":
        return str(request.path)
    kept_query = [(k, v) for k, v in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
                  if k not in FREE_TEXT_PARAMS]  # fmt: skip
    return str(request.path) + (f"?{urlencode(kept_query)}" if kept_query else "")


def page_for(target: str) -> str | None:
    """The page to return to for ``target`` (a path, perhaps with a query): itself, its page, or ``None``.

    ``/sessions/7/vitals/`` (POST only) -> ``/sessions/7/``; ``/intake/3/sign-off/`` -> ``None``; ``/alerts/?page=2``
    -> itself; a path that is no page of the app -> itself (the login views check the host as before).
    """
    path = urlsplit(target).path
    try:
        match = resolve(path)
    except Resolver404:
        return target
    if match.view_name not in POST_ONLY:
        return target
    page = POST_ONLY[match.view_name]
    if page is None:
        return None
    name, arguments = page
    try:
        return reverse(name, kwargs={a: match.kwargs[a] for a in arguments})
    except (KeyError, NoReverseMatch):
        return None


def _csrf_ok(request: HttpRequest) -> bool:
    """Whether the POST carries this browser's CSRF token (entries planted by another site are never kept)."""
    check = CsrfViewMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    return check.process_view(request, _view, (), {}) is None


def _view(request: HttpRequest) -> None:  # pragma: no cover - only its (absent) csrf_exempt flag is read
    return None


def _entries(request: HttpRequest) -> list[tuple[str, str]]:
    return [(name, value) for name, values in request.POST.lists() if name not in _NOT_KEPT for value in values]


def may_keep(request: HttpRequest) -> bool:
    """Whether a request that arrived after the idle timeout is a page's form whose entries are kept: a POST (not to
    the API) with this browser's CSRF token (entries planted by another site are never kept), not too large."""
    if request.method != "POST" or request.path.startswith("/api/") or not _csrf_ok(request):
        return False
    return sum(len(name) + len(value) for name, value in _entries(request)) <= MAX_KEPT_CHARS


def keep(request: HttpRequest, user_pk: Any, page: str, now: dt.datetime, *, logged_out: bool = True) -> None:
    """Keep the fields posted in ``request`` (see :func:`may_keep`) for ``user_pk`` to show on ``page``.

    After the idle logout (``logged_out``) they live in the new, anonymous session, which expires with them; before a
    re-authentication the session stays signed in and :func:`drop_stale` clears them after ``KEPT_FOR``.
    """
    data = _entries(request)
    request.session[KEY] = {"user": user_pk, "page": page, "action": request.path, "data": data,
                            "at": now.timestamp()}  # fmt: skip
    if logged_out:
        request.session.set_expiry(int(KEPT_FOR.total_seconds()))  # the anonymous session goes with them


def claim(request: HttpRequest, user_pk: Any) -> None:
    """After ``user_pk`` logged in: entries typed by another user are dropped; the session expires as usual."""
    stored = request.session.get(KEY)
    if stored is None:
        return
    request.session.set_expiry(None)
    if not isinstance(stored, dict) or stored.get("user") != user_pk:
        request.session.pop(KEY, None)


def _fresh(stored: Any, now: dt.datetime) -> bool:
    at = stored.get("at") if isinstance(stored, dict) else None
    return isinstance(at, (int, float)) and 0 <= now.timestamp() - float(at) <= KEPT_FOR.total_seconds()


def drop_stale(request: HttpRequest, now: dt.datetime) -> None:
    """Clear kept entries older than ``KEPT_FOR`` (called on every signed-in request)."""
    stored = request.session.get(KEY)
    if stored is not None and not _fresh(stored, now):
        request.session.pop(KEY, None)


def take(request: HttpRequest, now: dt.datetime) -> Kept | None:
    """The entries kept for this user and this page (cleared once taken), with the notice queued; else ``None``."""
    stored = request.session.get(KEY)
    if not isinstance(stored, dict) or stored.get("page") != request.get_full_path():
        return None
    request.session.pop(KEY, None)
    if stored.get("user") != request.user.pk or not _fresh(stored, now):
        return None
    data = QueryDict(mutable=True)
    for name, value in stored.get("data") or ():
        data.appendlist(str(name), str(value))
    messages.info(request, NOTICE)
    return Kept(page=stored["page"], action=str(stored.get("action") or ""), data=data,
                at=dt.datetime.fromtimestamp(float(stored["at"]), tz=dt.UTC))  # fmt: skip


def posted(request: HttpRequest, now: dt.datetime) -> QueryDict | None:
    """What a GET-and-POST form page binds its form to: the POST, or on a GET the entries kept for it, or ``None``."""
    if request.method == "POST":
        return request.POST
    entries = take(request, now)
    return entries.data if entries is not None else None
