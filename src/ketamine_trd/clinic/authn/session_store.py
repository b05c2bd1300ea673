"""The session store: Django's database sessions, written through the clinic's writer queue.

Every request of a signed-in user may save its session row (the idle timeout's last-seen time, messages,
re-authentication stamps). Django's own store saves it in autocommit after the view's transaction, beside the
SQLite writer queue of :mod:`ketamine_trd.clinic.transactions`: under concurrent writes it could meet "database
is locked", and the busy answer then said "nothing was saved" about a write that had committed. Here the save
(and the delete at logout) is a :func:`~ketamine_trd.clinic.transactions.small_write`, queued like every other
writer and retried on contention (:func:`~ketamine_trd.clinic.transactions.run_small_write`).

:class:`SessionMiddleware` is Django's, except when the session save still finds the database busy after the
request's write committed: then the answer is the write's own (the session change, a flash message or the
last-seen time, is what is lost, and logged), never a 503 saying that nothing was saved.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from ketamine_trd.clinic.transactions import is_contention, run_small_write
from ketamine_trd.clinic.write_requests import COMMITTED_ATTR
from ketamine_trd.errors import Busy

__all__ = ["SessionMiddleware", "SessionStore"]

log = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    """Django's database session store whose writes queue with the clinic's other writers."""

    def save(self, must_create: bool = False) -> None:
        run_small_write(lambda: DatabaseSessionStore.save(self, must_create=must_create))

    def delete(self, session_key: str | None = None) -> None:
        run_small_write(lambda: DatabaseSessionStore.delete(self, session_key))

    @classmethod
    def clear_expired(cls) -> Any:
        return run_small_write(DatabaseSessionStore.clear_expired)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware; a busy session save after a committed write keeps the write's answer."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except (Busy, DatabaseError) as error:
            busy = isinstance(error, Busy) or is_contention(error)
            if not (busy and getattr(request, COMMITTED_ATTR, False)):
                raise
            log.warning("session not saved after a committed write to %s: %s", request.path, error)
            return response
