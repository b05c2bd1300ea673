"""Personas and helpers of the security tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PASSWORD = "correct-horse-battery-staple-42"  # nosec B105 - test fixture


@pytest.fixture
def clinic(db: Any) -> Any:
    from ketamine_trd.clinic.accounts.models import Clinic

    return Clinic.objects.create(name="Security Test Clinic", slug="sec-test")


@pytest.fixture
def make_user(clinic: Any) -> Callable[..., Any]:
    from ketamine_trd.clinic.accounts.models import User

    def make(role: str = "nurse", username: str | None = None, **overrides: Any) -> Any:
        user = User.objects.create_user(
            username=username or f"{role}-user",
            password=PASSWORD,
            role=role,
            clinic=overrides.pop("clinic", clinic),
            **overrides,
        )
        return user

    return make
