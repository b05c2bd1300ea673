"""The benefit router of the one NinjaAPI (mounted at ``/api/benefit/``): schedules compared by predicted benefit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from ketamine_trd.clinic.benefit import compare as compare_service

router = Router(tags=["benefit"])


class CompareIn(Schema):
    #: course plans or explicit specs, as ``ktrd simulate`` reads them (parsed and checked by the core)
    courses: list[dict[str, Any]]
    names: list[str] | None = None
    weight_kg: float | None = None
    n: int = 2000
    seed: int = 1
    draws: int = 30


class CompareOut(Schema):
    label: str
    n: int
    seed: int
    schedules: dict[str, Any]


@router.post("/compare", response=CompareOut)
def compare(request: HttpRequest, body: CompareIn) -> dict[str, Any]:
    """Per schedule: response at days 1/7/14/28, days in response per dose, median time to relapse after the last
    dose, relapse-free at 12 and 24 weeks, each with a 95% interval (model estimate; not a dosing instruction)."""
    return compare_service.compare(
        request, body.courses, body.names, weight_kg=body.weight_kg, n=body.n, seed=body.seed, draws=body.draws
    )
