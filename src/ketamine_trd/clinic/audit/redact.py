"""A logging filter that keeps patient data, passwords and tokens out of application logs
(OWASP ASVS 4.0 V7.1.1, V7.1.2; log injection V7.3.1).

The filter rewrites each record's message before any handler formats it:

- ``password=...``, ``token: ...``, ``"secret": "..."``, session and CSRF cookies,
  ``Authorization`` headers and TOTP codes become ``[redacted]``;
- query strings are dropped from URLs (a search box may hold a patient's name);
- e-mail addresses and ISO dates (a date of birth) become ``[redacted]``;
- line breaks in the message are escaped, so that one record stays one line;
- the ``request`` attached by Django's request logger is removed (its body and cookies).

>>> import logging
>>> args = ("hunter2", "a@b.org")
>>> rec = logging.LogRecord("x", logging.WARNING, __file__, 1, "login password=%s from %s", args, None)
>>> RedactingFilter().filter(rec), rec.getMessage()
(True, 'login password=[redacted] from [redacted]')
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_SENSITIVE_KEYS = (
    r"pass(?:word|wd)?\d?|new_password\d|old_password|secret(?:_key)?|token|api[_-]?key|csrf(?:token|middlewaretoken)?"
    r"|session(?:id)?|__Host-sessionid|__Host-csrftoken|otp|code|totp|authorization|cookie|mrn|dob|date_of_birth"
    r"|first_name|last_name|name|email|phone|address|notes?|free_text"
)
_KEY_VALUE = re.compile(
    rf"""(?ix)
    (?P<key>["']?\b(?:{_SENSITIVE_KEYS})\b["']?\s*[:=]\s*)
    (?P<value>"[^"]*"|'[^']*'|Bearer\s+\S+|Basic\s+\S+|[^\s,;&}}\]]+)
    """
)
_QUERY = re.compile(r"(?P<path>/[^\s?\"']*)\?[^\s\"']*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")


def redact(text: str) -> str:
    """``text`` with secrets and patient identifiers replaced.

    >>> redact('GET /patients/?q=Smith "password": "x y" sessionid=abc')
    'GET /patients/?[redacted] "password": [redacted] sessionid=[redacted]'
    """
    text = _KEY_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    text = _QUERY.sub(lambda m: m.group("path") + "?" + REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    text = _ISO_DATE.sub(REDACTED, text)
    return text.replace("\r", "\\r").replace("\n", "\\n")


class RedactingFilter(logging.Filter):
    """Rewrite each record's message through :func:`redact`; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if hasattr(record, "request"):
            record.request = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
