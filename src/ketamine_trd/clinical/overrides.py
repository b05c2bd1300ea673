"""What counts as a clinician's written reason for going ahead despite a check (one rule for every override).

An override of an intake verdict, of the eligibility gate, of a dose check or of discharge readiness at signing
needs a written reason of at least :data:`MIN_OVERRIDE_REASON_CHARS` characters (platform-defined): forms, the API
and the services all read this one constant.

>>> is_written_reason("ok")
False
>>> is_written_reason("  benefit outweighs the risk  ")
True
"""

from __future__ import annotations

__all__ = ["MIN_OVERRIDE_REASON_CHARS", "is_written_reason", "reason_hint"]

#: the shortest written reason that counts as an override (platform-defined)
MIN_OVERRIDE_REASON_CHARS = 15


def is_written_reason(text: str) -> bool:
    """True when ``text`` (stripped) is long enough to count as a written reason.

    >>> is_written_reason("x" * MIN_OVERRIDE_REASON_CHARS)
    True
    """
    return len(text.strip()) >= MIN_OVERRIDE_REASON_CHARS


def reason_hint(when: str) -> str:
    """The help text of a reason field: ``when`` it is needed, and the minimum length.

    >>> reason_hint("only to sign a session that is not ready for discharge")
    'only to sign a session that is not ready for discharge: at least 15 characters'
    """
    return f"{when}: at least {MIN_OVERRIDE_REASON_CHARS} characters"
