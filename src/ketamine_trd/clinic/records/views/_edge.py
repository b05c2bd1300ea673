"""What every view shares: the clock read once. Domain errors are mapped once, by ``clinic.edge.ErrorTreeMiddleware``
(the error tree's ``HTTP_STATUS``): a view lets them through unless it shows them on its form."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current UTC time, read once per request and passed to the services."""
    return timezone.now()
