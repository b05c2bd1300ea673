"""The records router of the one NinjaAPI: patients, courses, sessions."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["records"])
