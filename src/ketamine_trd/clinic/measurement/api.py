"""The measurement router of the one NinjaAPI (mounted at ``/api/measurement/``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["measurement"])
