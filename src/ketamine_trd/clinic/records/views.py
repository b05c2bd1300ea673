"""Views of the records app: short functions (parse, one service call, render)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ketamine_trd.clinic.access import require_role


@require_GET
@require_role("patient.view")
def patient_list(request: HttpRequest) -> HttpResponse:
    return render(request, "records/patient_list.html", {"patients": []})


@require_GET
@require_role("session.view")
def session_today(request: HttpRequest) -> HttpResponse:
    return render(request, "records/session_today.html", {"sessions": []})


@require_GET
@require_role("rems.view")
def rems_list(request: HttpRequest) -> HttpResponse:
    return render(request, "records/rems_list.html", {"records": []})
