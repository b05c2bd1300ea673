"""Template context shared by every page: the demo flag, the user's clinic, and the nav links the user may open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ketamine_trd.clinic.nav import links_for


def clinic(request: HttpRequest) -> dict[str, Any]:
    """``ktrd_demo`` (show the SYNTHETIC banner), ``current_clinic`` and ``nav_links`` (``clinic.nav``: only the
    pages the user's role may open) for the signed-in user.

    The banner shows when the demo flag is on, and on every page of the demo clinic's users even when the
    demo data folder is served by ``ktrd serve``.
    """
    user = getattr(request, "user", None)
    clinic = getattr(user, "clinic", None) if user is not None and user.is_authenticated else None
    demo_clinic = clinic is not None and clinic.slug == "demo"
    return {
        "ktrd_demo": bool(getattr(settings, "KTRD_DEMO", False)) or demo_clinic,
        "current_clinic": clinic,
        "nav_links": links_for(user, request.path),
    }
