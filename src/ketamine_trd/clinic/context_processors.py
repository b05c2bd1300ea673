"""Template context shared by every page: the demo flag and the user's clinic."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, Any]:
    """``ktrd_demo`` (show the SYNTHETIC banner) and ``current_clinic`` for the signed-in user.

    The banner shows when the demo flag is on, and on every page of the demo clinic's users even when the
    demo data folder is served by ``ktrd serve``.
    """
    user = getattr(request, "user", None)
    clinic = getattr(user, "clinic", None) if user is not None and user.is_authenticated else None
    demo_clinic = clinic is not None and clinic.slug == "demo"
    return {
        "ktrd_demo": bool(getattr(settings, "KTRD_DEMO", False)) or demo_clinic,
        "current_clinic": clinic,
    }
