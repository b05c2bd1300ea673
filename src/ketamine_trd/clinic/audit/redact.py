"""A logging filter that keeps patient data, passwords and tokens out of application logs
(OWASP ASVS 4.0 V7.1.1, V7.1.2; log injection V7.3.1).

The filter rewrites each record's message before any handler formats it:

- ``password=...``, ``token: ...``, ``"secret": "..."``, session and CSRF cookies,
  ``Authorization`` headers and TOTP codes become ``[redacted]``;
- query strings are dropped from URLs (a search box may hold a patient's name);
- e-mail addresses and ISO dates (a date of birth) become ``[redacted]``, as does ``MRN <value>``;
- an MRN in a path (``/api/patients/{mrn}/fhir``) becomes ``[redacted]`` (numeric ids are kept);
- an exception's messages (which may quote stored values: a name, an MRN) are dropped from its
  traceback, which keeps the exception types and the code locations;
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
_ISO_DATE = re.compile(r"\b(?:1[89]|2\d)\d\d-[01]\d-[0-3]\d\b")
_MRN_WORD = re.compile(r"(?i)\b(?P<key>MRN\s+)(?P<value>[^\s,;·]+)")
_PATH_MRN = re.compile(r"(?P<key>/patients/)(?!\d+(?:[/\s?\"']|$))(?P<value>[^/\s?\"']+)")
_TRACEBACK_KEEP = ("Traceback (most recent call last)", "During handling of", "The above exception")
_EXCEPTION_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::|$)")


def redact(text: str) -> str:
    """``text`` with secrets and patient identifiers replaced.

    >>> redact('GET /patients/?q=Smith "password": "x y" sessionid=abc')
    'GET /patients/?[redacted] "password": [redacted] sessionid=[redacted]'
    """
    text = _KEY_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    text = _QUERY.sub(lambda m: m.group("path") + "?" + REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    text = _ISO_DATE.sub(REDACTED, text)
    text = _MRN_WORD.sub(lambda m: m.group("key") + REDACTED, text)
    text = _PATH_MRN.sub(lambda m: m.group("key") + REDACTED, text)
    return text.replace("\r", "\\r").replace("\n", "\\n")


def redact_traceback(text: str) -> str:
    """A formatted traceback with every exception message replaced (types and code locations kept).

    >>> redact_traceback('Traceback (most recent call last):\\n  File "x.py", line 1\\nValueError: Ada Lee, MRN 7')
    'Traceback (most recent call last):\\\\n  File "x.py", line 1\\\\nValueError: [redacted]'
    """
    lines = []
    for line in text.replace("\\n", "\n").splitlines():
        if not line or line[0].isspace() or line.startswith(_TRACEBACK_KEEP):
            lines.append(line)
            continue
        match = _EXCEPTION_LINE.match(line)
        lines.append(f"{match.group('type')}: {REDACTED}" if match else REDACTED)
    return redact("\n".join(lines))


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
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_traceback(record.exc_text)
        return True
