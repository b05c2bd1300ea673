"""Sessions: schedule, today's list, the chair-side chart, recording parts, signing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.access import require_role


@require_http_methods(["GET", "POST"])
@require_role("session.schedule")
def session_schedule(request: HttpRequest, course_id: int) -> HttpResponse:
    return render(request, "records/session_today.html", {})


@require_GET
@require_role("session.view")
def session_today(request: HttpRequest) -> HttpResponse:
    return render(request, "records/session_today.html", {"sessions": []})


@require_GET
@require_role("session.view")
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return render(request, "records/session_today.html", {})


@require_POST
@require_role("session.chart")
def session_record(request: HttpRequest, session_id: int, part: str) -> HttpResponse:
    return render(request, "records/session_today.html", {})
