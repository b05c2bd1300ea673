"""The one error tree of ketamine-trd.

Exceptions are for bad input and for bugs; clinical outcomes (a relapse, a failed
screen, a held dose) are *values*, never exceptions. Every error below is raised by
the pure core or the services and mapped exactly once at each edge:

=========================  ===========  ==========  =====================================
class                      CLI exit     HTTP        meaning
=========================  ===========  ==========  =====================================
``KtrdError``              1            500         root; never raised directly
``InputError``             2            422         a value is missing, malformed or out of
                                                    range; names the field, the value and
                                                    what is allowed
``UnitError``              2            422         a quantity without an explicit, known
                                                    unit (units are never guessed)
``CheckRefused``           2            422         a safety check refused a value (a dose off
                                                    the plan, eligibility not established);
                                                    ``allowed`` says why in a clinician's words
``UnknownTermError``       2            422         a drug, condition, medication class or
                                                    instrument id that is not known
``NotFoundError``          3            404         a patient, course or record is absent
``ConflictError``          4            409         a duplicate (MRN), or a change that the
                                                    record's state forbids (a signed
                                                    session)
``StaleVersion``           4            409         a ConflictError: the change was made from an
                                                    out-of-date copy (``If-Match`` / version)
``PermissionDenied``       5            403         the user's role or scope forbids it
``DependencyMissing``      6            501         an optional extra (``jax``, ``dask``) is
                                                    not installed; says which extra
``IntegrityFailure``       7            500         stored data fails a check (a broken
                                                    audit chain, a bad backup checksum)
``Busy``                   8            503         the database stayed busy (locked) through
                                                    every retry; nothing was saved; try again
                                                    after ``retry_after_s`` (``Retry-After``)
=========================  ===========  ==========  =====================================

The tables ``EXIT_CODES`` and ``HTTP_STATUS`` below are the single source of that
mapping; the CLI, the API and the forms read them and nothing else.

>>> err = InputError("weight_kg", 0, "20 to 300 kg")
>>> str(err)
"weight_kg: 0 is not allowed (allowed: 20 to 300 kg)"
>>> exit_code_for(err)
2
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EXIT_CODES",
    "HTTP_STATUS",
    "Busy",
    "CheckRefused",
    "ConflictError",
    "DependencyMissing",
    "InputError",
    "IntegrityFailure",
    "KtrdError",
    "NotFoundError",
    "PermissionDenied",
    "StaleVersion",
    "UnitError",
    "UnknownTermError",
    "exit_code_for",
    "http_status_for",
]


_JSON_SCALARS = (str, int, float, bool, type(None))


class KtrdError(Exception):
    """Root of every error that ketamine-trd raises on purpose."""


class InputError(KtrdError, ValueError):
    """Bad input: names the field, the value given and what is allowed.

    ``field`` is the dotted path of the offending field (``trials[2].daily_dose_mg``),
    ``value`` the value received, ``allowed`` a human description of what is allowed.
    """

    def __init__(self, field: str, value: Any, allowed: str, *, reason: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.reason = reason
        super().__init__(self._message())

    def _message(self) -> str:
        shown = repr(self.value) if isinstance(self.value, str) else str(self.value)
        what = self.reason or "is not allowed"
        return f"{self.field}: {shown} {what} (allowed: {self.allowed})"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view, used by the API and the CLI's ``--json`` errors."""
        return {
            "error": type(self).__name__,
            "field": self.field,
            "value": self.value if isinstance(self.value, _JSON_SCALARS) else repr(self.value),
            "allowed": self.allowed,
            "message": str(self),
        }


class UnitError(InputError):
    """A quantity whose unit is missing or not the one expected (lb for kg, mg for mg/kg)."""


class CheckRefused(InputError):
    """A safety check of the core refused the value (``allowed`` holds the check's sentences and what would pass,
    such as a prescriber's written reason); a subclass of ``InputError``, so every edge maps it the same way."""


class UnknownTermError(InputError):
    """A term (drug, condition, medication class, instrument, profile) that is not known."""


class NotFoundError(KtrdError, LookupError):
    """A record that does not exist (or that the caller may not know exists)."""


class ConflictError(KtrdError):
    """A duplicate, or a change that the record's current state forbids."""


class StaleVersion(ConflictError):
    """A change made from an out-of-date copy of a record (optimistic concurrency): reload and redo it.

    ``record`` names the record (``patient 70``), ``expected`` the version the client sent (``If-Match`` or
    the form's hidden version), ``current`` the version stored now.
    """

    def __init__(self, record: str, expected: object, current: object) -> None:
        self.record, self.expected, self.current = record, expected, current
        super().__init__(
            f"{record} was changed by someone else since you loaded it (your version {expected}, "
            f"now {current}): reload it and make your change again"
        )


class Busy(KtrdError):
    """The database stayed busy through every retry; nothing was saved, the same request may be sent again.

    >>> Busy("the database stayed busy", 1).retry_after_s
    1
    """

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class PermissionDenied(KtrdError):
    """The caller's role or scope does not allow this action."""


class DependencyMissing(KtrdError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f"{package} is not installed; install it with: pip install 'ketamine-trd[{extra}]'")


class IntegrityFailure(KtrdError):
    """Stored data failed an integrity check (audit hash chain, backup checksum)."""


EXIT_CODES: dict[type[KtrdError], int] = {
    InputError: 2,
    NotFoundError: 3,
    ConflictError: 4,
    PermissionDenied: 5,
    DependencyMissing: 6,
    IntegrityFailure: 7,
    Busy: 8,
    KtrdError: 1,
}

HTTP_STATUS: dict[type[KtrdError], int] = {
    InputError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    PermissionDenied: 403,
    DependencyMissing: 501,
    IntegrityFailure: 500,
    Busy: 503,
    KtrdError: 500,
}


def _lookup(table: dict[type[KtrdError], int], error: KtrdError) -> int:
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return table[KtrdError]


def exit_code_for(error: KtrdError) -> int:
    """The CLI exit code for ``error`` (see the table in the module docstring)."""
    return _lookup(EXIT_CODES, error)


def http_status_for(error: KtrdError) -> int:
    """The HTTP status for ``error`` (see the table in the module docstring)."""
    return _lookup(HTTP_STATUS, error)
