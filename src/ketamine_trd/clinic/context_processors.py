"""Template context shared by every page: the demo flag and the user's clinic."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, Any]:
    """``ktrd_demo`` (show the SYNTHETIC banner) and ``current_clinic`` for the signed-in user."""
    user = getattr(request, "user", None)
    return {
        "ktrd_demo": bool(getattr(settings, "KTRD_DEMO", False)),
        "current_clinic": getattr(user, "clinic", None) if user is not None and user.is_authenticated else None,
    }
