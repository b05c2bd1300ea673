"""The one de-identification policy for research data (HIPAA Safe Harbor style).

Every table, page or API that shows patient data to a researcher goes through this module:

- **No direct identifiers.** Names, MRNs, dates of birth, contact details and free text never leave
  the clinic: exporters build rows from an allow-list of coded columns only
  (``docs/research-export.md``, "De-identification").
- **Pseudonymous ids.** :meth:`Deidentifier.research_id` is a keyed HMAC-SHA256 of the record's
  kind and database id, so an id is stable across exports but cannot be reversed without the
  per-installation key (``settings.KTRD_RESEARCH_KEY``, else derived from ``SECRET_KEY``).
- **Shifted dates.** Every date of one patient moves by the same offset (1-180 days, earlier or
  later, derived from the same key), so intervals within a patient are exact.
- **Capped ages.** Ages over 89 are reported as 90, and a birth year that would reveal an age over
  89 is replaced by the year that gives 90 (45 CFR 164.514(b)(2)(i)(C) aggregates such ages into
  one "90 or older" category).

>>> d = Deidentifier(b"k" * 32)
>>> d.research_id("patient", 7) == d.research_id("patient", 7) != d.research_id("patient", 8)
True
>>> 1 <= abs(d.date_offset_days(7)) <= MAX_SHIFT_DAYS
True
>>> cap_age(93), cap_age(89)
(90, 89)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import ConflictError, InputError

__all__ = [
    "AGE_CAP",
    "MAX_SHIFT_DAYS",
    "MIN_KEY_BYTES",
    "Deidentifier",
    "age_on",
    "cap_age",
    "from_settings",
    "refuse_weak_key_for_real_patients",
]

#: Ages above 89 are aggregated into one category, reported as 90 (HIPAA Safe Harbor).
AGE_CAP = 90
AGE_CAP_SOURCE = cite("hipaa-safe-harbor")
#: Largest date shift in days, either way (platform-defined: wide enough to hide the day, small
#: enough to keep the season roughly right for analyses of seasonality).
MAX_SHIFT_DAYS = 180
#: Shortest key accepted (256 bits).
MIN_KEY_BYTES = 32
_ID_HEX_CHARS = 16  # 64 bits: collisions are negligible at clinic scale (birthday bound ~4e9 rows)
_PREFIX = {
    "patient": "P",
    "course": "C",
    "session": "S",
    "dose": "D",
    "assessment": "A",
    "event": "E",
    "adverse_event": "AE",
}
_KEY_CONTEXT = b"ketamine-trd research pseudonym key v1"


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on``.

    >>> age_on(dt.date(1980, 6, 15), dt.date(2026, 6, 14))
    45
    """
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def cap_age(age_years: int) -> int:
    """An age in years with every age over 89 reported as 90.

    >>> [cap_age(a) for a in (18, 89, 90, 104)]
    [18, 89, 90, 90]
    """
    return min(age_years, AGE_CAP)


@dataclass(frozen=True, slots=True)
class Deidentifier:
    """Pseudonymous ids and per-patient date shifts from one secret key (bytes, at least 32).

    ``weak`` is True when the key comes from a public development secret: such ids can be
    reversed by anyone, so real (non-synthetic) patients must not be exported with it.
    """

    key: bytes
    weak: bool = False

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise InputError("research key", f"{len(self.key)} bytes", f"at least {MIN_KEY_BYTES} bytes")

    def _digest(self, message: str) -> bytes:
        return hmac.new(self.key, message.encode("utf-8"), hashlib.sha256).digest()

    def research_id(self, kind: str, record_id: object) -> str:
        """The pseudonymous id of one record, e.g. ``P-3f9c...`` for a patient (16 hex digits).

        >>> Deidentifier(b"k" * 32).research_id("course", 1)[:2]
        'C-'
        """
        if kind not in _PREFIX:
            raise InputError("kind", kind, ", ".join(_PREFIX))
        return f"{_PREFIX[kind]}-{self._digest(f'{kind}:{record_id}').hex()[:_ID_HEX_CHARS]}"

    def date_offset_days(self, patient_key: object) -> int:
        """The patient's date shift in days: never 0, at most :data:`MAX_SHIFT_DAYS` either way.

        >>> d = Deidentifier(b"k" * 32)
        >>> d.date_offset_days(3) == d.date_offset_days(3)
        True
        """
        value = int.from_bytes(self._digest(f"date-shift:{patient_key}")[:8], "big")
        magnitude = 1 + value % MAX_SHIFT_DAYS
        return magnitude if (value >> 32) & 1 else -magnitude

    def shift_date(self, patient_key: object, day: dt.date) -> dt.date:
        """``day`` moved by the patient's offset.

        >>> d = Deidentifier(b"k" * 32)
        >>> a, b = dt.date(2026, 1, 1), dt.date(2026, 1, 29)
        >>> (d.shift_date(5, b) - d.shift_date(5, a)).days
        28
        """
        return day + dt.timedelta(days=self.date_offset_days(patient_key))

    def shift_datetime(self, patient_key: object, moment: dt.datetime) -> dt.datetime:
        """``moment`` (timezone-aware) moved by the patient's offset in whole days, returned in UTC."""
        if moment.tzinfo is None:
            raise InputError("moment", moment.isoformat(), "a timezone-aware datetime (UTC)")
        return (moment + dt.timedelta(days=self.date_offset_days(patient_key))).astimezone(dt.UTC)

    def birth_year(self, patient_key: object, date_of_birth: dt.date, latest: dt.date) -> int:
        """Year of the shifted date of birth, raised where needed so that no age over 89 shows.

        ``latest`` is the latest real date the export speaks about for this patient (usually the
        export day): the year returned never implies an age above 90 on that date, shifted.

        >>> d = Deidentifier(b"k" * 32)
        >>> shifted_today = d.shift_date(1, dt.date(2026, 6, 1))
        >>> shifted_today.year - d.birth_year(1, dt.date(1920, 3, 3), dt.date(2026, 6, 1))
        90
        """
        shifted_birth = self.shift_date(patient_key, date_of_birth).year
        if age_on(date_of_birth, latest) < AGE_CAP:
            return shifted_birth
        return max(shifted_birth, self.shift_date(patient_key, latest).year - AGE_CAP)


def _key_from_settings(settings: Any) -> tuple[bytes, bool]:
    explicit = str(getattr(settings, "KTRD_RESEARCH_KEY", "") or "")
    if explicit:
        if len(explicit.encode("utf-8")) < MIN_KEY_BYTES:
            raise InputError("KTRD_RESEARCH_KEY", f"{len(explicit)} characters", f"at least {MIN_KEY_BYTES}")
        return explicit.encode("utf-8"), False
    from ketamine_trd.clinic.env import DEV_SECRET_KEY

    secret = str(settings.SECRET_KEY)
    derived = hmac.new(secret.encode("utf-8"), _KEY_CONTEXT, hashlib.sha256).digest()
    return derived, secret == DEV_SECRET_KEY


def from_settings() -> Deidentifier:
    """The installation's de-identifier: ``settings.KTRD_RESEARCH_KEY`` when set, else a key
    derived from ``SECRET_KEY`` (rotating that key then changes every research id)."""
    from django.conf import settings

    key, weak = _key_from_settings(settings)
    return Deidentifier(key, weak=weak)


def refuse_weak_key_for_real_patients(deid: Deidentifier, real_patients: int) -> None:
    """Fail closed: real patients are never pseudonymised with the public development key."""
    if deid.weak and real_patients:
        raise ConflictError(
            f"{real_patients} real (non-synthetic) patient(s) would be exported with research ids derived from "
            "the public development secret key: set KTRD_SECRET_KEY or KTRD_RESEARCH_KEY (at least 32 characters)"
        )
