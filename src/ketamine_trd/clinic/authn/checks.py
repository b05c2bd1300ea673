"""System checks for authentication and deployment hardening (``manage.py check --deploy`` and ``ktrd serve``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def password_hashing(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Argon2 must be the first password hasher (OWASP ASVS 4.0 V2.4.1) outside tests."""
    hashers = list(getattr(settings, "PASSWORD_HASHERS", []))
    if getattr(settings, "KTRD_ENV", "development") == "production" and (not hashers or "Argon2" not in hashers[0]):
        return [Error("PASSWORD_HASHERS must start with Argon2PasswordHasher in production", id="ktrd.S001")]
    return []


@register(Tags.security)
def production_settings(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    """A production start refuses the development key, DEBUG, and missing ALLOWED_HOSTS."""
    from ketamine_trd.clinic.security_settings import production_problems

    return [Error(text, id=f"ktrd.S1{i:02d}") for i, text in enumerate(production_problems(settings))]
