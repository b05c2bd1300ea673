"""What one input field accepts: a unit, a range, a source, and the one parser that refuses everything else.

Every number a person or a program sends (form, API, FHIR import, CLI option) is read by ``Number.parse``:
it refuses NaN, infinities, booleans, numbers with more decimal places than are stored, and anything outside
the field's range, each with an ``InputError`` naming the field. Text refuses NUL and other control characters
(a database cannot store NUL, and no clinician types one). Times must carry a time zone.

The Django form fields and the django-ninja schema fields are derived from these specs (``clinic/inputs.py``),
so that a range lives here and nowhere else.

>>> rate = Number("Infusion rate", low=Decimal("0.1"), high=Decimal(2000), unit="mL/h", places=2)
>>> rate.parse("infusion_rate_ml_per_h", "120.5")
Decimal('120.5')
>>> rate.parse("infusion_rate_ml_per_h", "1e10")
Traceback (most recent call last):
...
ketamine_trd.errors.InputError: infusion_rate_ml_per_h: '1e10' is not allowed (allowed: 0.1 to 2000 mL/h)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ketamine_trd.clinical.sources import PLATFORM_DEFINED, cite
from ketamine_trd.errors import InputError, UnitError, UnknownTermError

__all__ = [
    "CLOCK_SKEW",
    "EARLIEST_RECORD",
    "Answers",
    "Choice",
    "Day",
    "Flag",
    "Many",
    "Moment",
    "Number",
    "Spec",
    "Text",
    "finite_number",
]

#: the earliest clinical time the platform records (platform-defined: ketamine was approved for anaesthesia in
#: 1970; a charted time before that is a typing error, and far-past times overflow date arithmetic)
EARLIEST_RECORD = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: how far a recorded time may run ahead of the server clock (platform-defined: a device clock a little fast);
#: a time later than that is refused, since a reading cannot be taken in the future
CLOCK_SKEW = dt.timedelta(minutes=5)
_MAX_NUMBER_TEXT = 40
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_WITH_UNIT = re.compile(r"^\s*([-+]?[0-9][0-9.,]*)\s*([A-Za-z/%\"]+)\s*$")


@dataclass(frozen=True, slots=True)
class Spec:
    """What every field has: a clinician's label, whether it is required, and a help text."""

    label: str
    required: bool = True
    help: str = ""

    def allowed(self) -> str:
        """What is allowed, in words (shown in errors and as the form's help text)."""
        return self.help

    def missing(self, name: str, raw: object) -> bool:
        """Whether ``raw`` is absent (``None``, empty or blank text); if required, refused naming ``name``."""
        if raw is not None and not (isinstance(raw, str) and not raw.strip()):
            return False
        if self.required:
            raise InputError(name, None, self.allowed(), reason="is missing")
        return True

    def parse(self, name: str, raw: object) -> Any:
        """The typed value of ``raw`` (``None`` when absent and optional), or ``InputError`` naming ``name``."""
        raise NotImplementedError


def finite_number(name: str, raw: object, allowed: str) -> Decimal:
    """``raw`` (int, float, Decimal or text) as a finite Decimal; NaN, infinities and booleans are refused.

    >>> finite_number("threshold", "12", "0 to 60")
    Decimal('12')
    >>> finite_number("threshold", float("inf"), "0 to 60")
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.InputError: threshold: inf is not a finite number (allowed: 0 to 60)
    """
    if isinstance(raw, bool):
        raise InputError(name, raw, allowed, reason="is not a number")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InputError(name, raw, allowed, reason="is not a finite number")
    if isinstance(raw, (int, float, Decimal)):
        text = str(raw)
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        raise InputError(name, type(raw).__name__, allowed, reason="is not a number")
    if len(text) > _MAX_NUMBER_TEXT:
        raise InputError(name, text[:_MAX_NUMBER_TEXT] + "...", allowed, reason="is not a number")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(name, raw, allowed, reason="is not a number") from None
    if not value.is_finite():
        raise InputError(name, raw, allowed, reason="is not a finite number")
    return value


@dataclass(frozen=True, slots=True)
class Number(Spec):
    """A quantity in ``unit`` within ``[low, high]`` with at most ``places`` decimals (0: an integer).

    ``source`` is the id in ``clinical.sources`` the range comes from (``platform-defined`` for a plausibility
    range that refuses typing errors, not patients).
    """

    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    unit: str = ""
    places: int = 0
    source: str = PLATFORM_DEFINED

    def __post_init__(self) -> None:
        cite(self.source)
        if self.low > self.high:
            raise ValueError(f"{self.label}: low {self.low} above high {self.high}")

    def allowed(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        whole = " (whole number)" if self.places == 0 else ""
        return self.help or f"{self.low:f} to {self.high:f}{unit}{whole}"

    def parse(self, name: str, raw: object) -> Decimal | int | None:
        if self.missing(name, raw):
            return None
        if isinstance(raw, str):
            raw = self._without_unit(name, raw)
        value = finite_number(name, raw, self.allowed())
        if not self.low <= value <= self.high:
            raise InputError(name, raw, self.allowed())
        if value != value.quantize(Decimal(1).scaleb(-self.places)):
            what = "a whole number" if self.places == 0 else f"at most {self.places} decimal places"
            raise InputError(name, raw, f"{self.allowed()}; {what}")
        if self.places == 0:
            return int(value)
        return value

    def _without_unit(self, name: str, raw: str) -> str:
        """``"72 kg"`` -> ``"72"`` for a kg field; another unit (``"180 lb"``) is a ``UnitError``, never converted."""
        typed = _WITH_UNIT.match(raw)
        if typed is None or not typed.group(2):
            return raw
        if self.unit and typed.group(2).lower() == self.unit.lower():
            return typed.group(1)
        raise UnitError(name, raw, f"a number in {self.unit or 'the field unit'}; units are never converted by guess")


@dataclass(frozen=True, slots=True)
class Text(Spec):
    """Free text of ``min_length`` to ``max_length`` characters (after stripping); never NUL or control characters.

    ``pattern``, when set, is a regular expression the whole text must match (``pattern_words`` says it in words).
    ``multiline`` allows line breaks and tabs.
    """

    max_length: int = 100
    min_length: int = 0
    pattern: str = ""
    pattern_words: str = ""
    multiline: bool = False

    def allowed(self) -> str:
        if self.help:
            return self.help
        if self.pattern_words:
            return self.pattern_words
        low = max(self.min_length, 1 if self.required else 0)
        return f"{low} to {self.max_length} characters"

    def parse(self, name: str, raw: object) -> str:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise InputError(name, None, self.allowed(), reason="is missing")
            return ""
        if not isinstance(raw, str):
            raise InputError(name, type(raw).__name__, self.allowed(), reason="is not text")
        if (_CONTROL if self.multiline else _CONTROL_ONE_LINE).search(raw):
            shown = raw[:20].encode("unicode_escape").decode("ascii")
            raise InputError(name, shown, self.allowed(), reason="contains a control character (such as NUL)")
        text = raw.strip()
        if not self.min_length <= len(text) <= self.max_length:
            raise InputError(name, text[:20] + ("..." if len(text) > 20 else ""), self.allowed())
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise InputError(name, text, self.allowed())
        return text


@dataclass(frozen=True, slots=True)
class Choice(Spec):
    """One of ``options`` (ids); ``labels`` are the words a clinician reads, in the same order."""

    options: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    unknown_term: bool = False

    def allowed(self) -> str:
        return self.help or ", ".join(self.options)

    def choices(self) -> list[tuple[str, str]]:
        """``(id, label)`` pairs for a select box."""
        labels = self.labels or tuple(o.replace("_", " ").replace("-", " ") for o in self.options)
        return list(zip(self.options, labels, strict=True))

    def parse(self, name: str, raw: object) -> str:
        if self.missing(name, raw):
            return ""
        if not isinstance(raw, str) or raw not in self.options:
            error = UnknownTermError if self.unknown_term else InputError
            raise error(name, raw if isinstance(raw, str) else type(raw).__name__, self.allowed())
        return raw


@dataclass(frozen=True, slots=True)
class Many(Spec):
    """Any number of ``options``, given as a list; stored as a frozenset."""

    options: frozenset[str] = field(default_factory=frozenset)

    def allowed(self) -> str:
        return self.help or ", ".join(sorted(self.options))

    def choices(self) -> list[tuple[str, str]]:
        """``(id, label)`` pairs for check boxes."""
        return [(o, o.replace("_", " ").replace("-", " ")) for o in sorted(self.options)]

    def parse(self, name: str, raw: object) -> frozenset[str]:
        if raw is None or raw == "":
            return frozenset()
        if isinstance(raw, str) or not isinstance(raw, (Sequence, set, frozenset)):
            raise InputError(name, type(raw).__name__, f"a list of: {self.allowed()}")
        for item in raw:
            if not isinstance(item, str) or item not in self.options:
                raise UnknownTermError(name, item if isinstance(item, str) else repr(item), self.allowed())
        return frozenset(raw)


@dataclass(frozen=True, slots=True)
class Flag(Spec):
    """Yes, no, or (when not required) not answered (``None``)."""

    def allowed(self) -> str:
        return self.help or "true or false"

    def parse(self, name: str, raw: object) -> bool | None:
        if raw is None or raw == "":
            if self.required:
                raise InputError(name, None, self.allowed(), reason="is missing")
            return None
        if not isinstance(raw, bool):
            raise InputError(name, raw if isinstance(raw, (str, int)) else type(raw).__name__, self.allowed())
        return raw


@dataclass(frozen=True, slots=True)
class Moment(Spec):
    """A time with a time zone (ISO 8601 text or an aware datetime), not before ``EARLIEST_RECORD``.

    ``blank_is_now``: the time of a reading, which defaults to the moment it is saved. Left blank it parses to
    ``None``, and :meth:`at` (called by the service with the server's clock) makes it ``now``; a page never
    pre-fills it (a time stamped at page load would be the time the page was opened, not the time of the reading).

    >>> taken = Moment("Taken at", required=False, blank_is_now=True)
    >>> now = dt.datetime(2026, 3, 2, 9, 42, tzinfo=dt.UTC)
    >>> taken.at("taken_at", "", now).isoformat()
    '2026-03-02T09:42:00+00:00'
    >>> taken.at("taken_at", "2026-03-02T09:40:00+00:00", now).isoformat()
    '2026-03-02T09:40:00+00:00'
    >>> try:
    ...     taken.at("taken_at", "2026-03-02T11:00:00+00:00", now)
    ... except InputError as error:
    ...     print(error.allowed)
    a time not after now (2026-03-02 09:42 UTC)
    """

    blank_is_now: bool = False
    #: a time that may lie ahead (a booking); every other time is a reading, never later than now
    future_ok: bool = False

    def __post_init__(self) -> None:
        if self.blank_is_now and self.required:
            raise ValueError(f"{self.label}: a time that defaults to now is not required")

    def allowed(self) -> str:
        if self.help:
            return self.help
        example = "a date and time with a time zone, from 1970 on (for example 2026-03-02T09:00:00+00:00)"
        return f"leave blank for now (the time it is saved), or {example}" if self.blank_is_now else example

    def parse(self, name: str, raw: object) -> dt.datetime | None:
        if self.missing(name, raw):
            return None
        if isinstance(raw, str):
            try:
                raw = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            except ValueError:
                raise InputError(name, raw, self.allowed(), reason="is not a date and time") from None
        if not isinstance(raw, dt.datetime):
            raise InputError(name, type(raw).__name__, self.allowed(), reason="is not a date and time")
        if raw.tzinfo is None or raw.utcoffset() is None:
            raise InputError(name, raw.isoformat(), self.allowed(), reason="has no time zone")
        if raw < EARLIEST_RECORD:
            raise InputError(name, raw.isoformat(), self.allowed(), reason="is before 1970")
        return raw

    def at(self, name: str, raw: object, now: dt.datetime) -> dt.datetime | None:
        """``raw`` parsed, with a blank "now" time made ``now``; a time after ``now`` + ``CLOCK_SKEW`` is refused.

        ``now`` is the server's clock when the reading is saved (aware); ``None`` only for a blank optional time
        that is not a "now" time (the time of last food, left unanswered).
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must carry a time zone")
        value = self.parse(name, raw)
        if value is None:
            return now if self.blank_is_now else None
        if value > now + CLOCK_SKEW and not self.future_ok:
            utc = now.astimezone(dt.UTC)
            allowed = f"a time not after now ({utc:%Y-%m-%d %H:%M} UTC)"
            raise InputError(name, value.isoformat(timespec="minutes"), allowed)
        return value


@dataclass(frozen=True, slots=True)
class Day(Spec):
    """A calendar date (ISO text or a date) from ``earliest`` on; the latest allowed is checked by the use case."""

    earliest: dt.date = dt.date(1900, 1, 1)

    def allowed(self) -> str:
        return self.help or f"a date (YYYY-MM-DD) from {self.earliest.isoformat()} on"

    def parse(self, name: str, raw: object) -> dt.date | None:
        if self.missing(name, raw):
            return None
        if isinstance(raw, dt.datetime):
            raise InputError(name, raw.isoformat(), self.allowed(), reason="is not a date")
        if isinstance(raw, str):
            try:
                raw = dt.date.fromisoformat(raw.strip())
            except ValueError:
                raise InputError(name, raw, self.allowed(), reason="is not a date") from None
        if not isinstance(raw, dt.date):
            raise InputError(name, type(raw).__name__, self.allowed(), reason="is not a date")
        if raw < self.earliest:
            raise InputError(name, raw.isoformat(), self.allowed())
        return raw


@dataclass(frozen=True, slots=True)
class Answers(Spec):
    """An instrument's answers: item id (text) -> a whole number, or no answer (``None``).

    Only the shape is read here; which items and values an instrument takes is the instrument's own definition,
    checked by the input type that names the instrument (``clinical.inputs.measurement``).

    >>> Answers("Answers").parse("answers", {"q1": 2, "q2": None})
    {'q1': 2, 'q2': None}
    >>> try:
    ...     Answers("Answers").parse("answers", {"q1": "2"})
    ... except InputError as error:
    ...     print(error.field, error.reason)
    answers.q1 is not a whole number
    """

    max_items: int = 200
    max_id_length: int = 40

    def allowed(self) -> str:
        return self.help or f"item id -> a whole number, or null for no answer (at most {self.max_items} items)"

    def parse(self, name: str, raw: object) -> dict[str, int | None]:
        if raw is None:
            if self.required:
                raise InputError(name, None, self.allowed(), reason="is missing")
            return {}
        if not isinstance(raw, Mapping):
            raise InputError(name, type(raw).__name__, self.allowed(), reason="is not a set of answers")
        if len(raw) > self.max_items:
            raise InputError(name, f"{len(raw)} items", self.allowed())
        values: dict[str, int | None] = {}
        for key, value in raw.items():
            if not isinstance(key, str) or not 0 < len(key) <= self.max_id_length or _CONTROL_ONE_LINE.search(key):
                shown = key[:20].encode("unicode_escape").decode("ascii") if isinstance(key, str) else repr(key)
                raise InputError(name, shown, f"item ids of 1 to {self.max_id_length} characters", reason="has an "
                                 "item id that is not allowed")  # fmt: skip
            if value is None:
                values[key] = None
            elif isinstance(value, bool) or not isinstance(value, int):
                shown_value = value if isinstance(value, (str, float)) else type(value).__name__
                raise InputError(f"{name}.{key}", shown_value, "a whole number, or null for no answer",
                                 reason="is not a whole number")  # fmt: skip
            else:
                values[key] = value
        return values
