"""Typed settings from the environment, read once by ``settings.py``.

A value that cannot be read refuses to start the server (``ImproperlyConfigured``) rather than
falling back to a default: a mistyped ``KTRD_ADMIN_TOTP_REQUIRED=ture`` must not turn a control off.

>>> import os
>>> os.environ["KTRD_DOCTEST_FLAG"] = " On "
>>> env_bool("KTRD_DOCTEST_FLAG")
True
>>> os.environ["KTRD_DOCTEST_FLAG"] = "ture"
>>> try:
...     env_bool("KTRD_DOCTEST_FLAG")
... except ImproperlyConfigured as error:
...     print(error)
KTRD_DOCTEST_FLAG='ture' is not a boolean (allowed: 1/0, true/false, yes/no, on/off)
>>> del os.environ["KTRD_DOCTEST_FLAG"]
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

__all__ = ["DEV_SECRET_KEY", "env_bool", "env_int", "env_list", "env_str"]

#: the development secret key: the default outside production; a production start refuses it
#: (system check ``ktrd.S101`` in ``ketamine_trd.clinic.checks``)
DEV_SECRET_KEY = "ktrd-development-only-secret-key-do-not-use-in-production"  # nosec B105 - refused in production


def env_str(name: str, default: str = "") -> str:
    """A string setting from the environment."""
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    """A boolean setting: 1/true/yes/on are true, 0/false/no/off are false."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (allowed: 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, low: int = 1, high: int = 100_000_000) -> int:
    """A whole number from ``low`` to ``high`` (unset or empty: ``default``)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ImproperlyConfigured(f"{name}={raw!r} (allowed: a whole number from {low} to {high})")
    return int(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list setting."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
