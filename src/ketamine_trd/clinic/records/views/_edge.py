"""What every view shares: the clock read once, and domain errors turned into HTTP answers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone

from ketamine_trd.errors import KtrdError, NotFoundError, PermissionDenied


def now() -> dt.datetime:
    """The current UTC time, read once per request and passed to the services."""
    return timezone.now()


def as_http(error: KtrdError) -> Exception:
    """A not-found or permission error as Django's 404/403 exception (others are shown on the form)."""
    if isinstance(error, NotFoundError):
        return Http404(str(error))
    if isinstance(error, PermissionDenied):
        return DjangoPermissionDenied(str(error))
    return error
