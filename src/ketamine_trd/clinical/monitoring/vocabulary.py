"""The words the monitoring rules share: alerts with their data, aware times (levels and kinds: ``alert_vocabulary``).

>>> Datum("systolic_mmhg", 182, "mmHg")
Datum(name='systolic_mmhg', value=182, unit='mmHg')
>>> require_aware("taken_at", dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)).hour
9
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.errors import InputError

__all__ = ["SETTINGS", "Alert", "AlertKind", "AlertLevel", "Datum", "minutes_between", "require_aware"]

#: Healthcare settings as the REMS distinguishes them (S6): outpatient settings enrol patients and file PMFs.
SETTINGS: tuple[str, ...] = ("outpatient", "inpatient")


@dataclass(frozen=True, slots=True)
class Datum:
    """One observed value behind an alert or finding, with its unit (``""`` for unitless scores)."""

    name: str
    value: int | float | str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    """A live monitoring alert: rule id, level, a sentence a clinician reads, its source and data.

    ``profile`` is ``"<id>@<version>"`` of the profile that produced it; ``observed_at`` is the
    time of the observation behind it (``None`` for alerts about something missing); ``kind`` says what
    it is about (blood pressure or the rest of session monitoring), stated by the rule, never guessed.
    """

    rule_id: str
    level: AlertLevel
    message: str
    source: str
    profile: str
    observed_at: dt.datetime | None
    data: tuple[Datum, ...] = ()
    kind: AlertKind = AlertKind.MONITORING


def require_aware(field: str, value: dt.datetime) -> dt.datetime:
    """``value`` if it is a timezone-aware datetime; otherwise an ``InputError`` naming ``field``.

    >>> try:
    ...     require_aware("now", dt.datetime(2026, 3, 1, 9, 0))
    ... except InputError as error:
    ...     print(error.field, "|", error.allowed)
    now | a timezone-aware datetime (store UTC)
    """
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InputError(field, value, "a timezone-aware datetime (store UTC)")
    return value


def minutes_between(start: dt.datetime, end: dt.datetime) -> float:
    """Minutes from ``start`` to ``end`` (negative when ``end`` is earlier).

    >>> t0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    >>> minutes_between(t0, t0 + dt.timedelta(minutes=90))
    90.0
    """
    return (end - start).total_seconds() / 60.0
