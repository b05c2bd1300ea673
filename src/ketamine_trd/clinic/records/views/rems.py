"""REMS Patient Monitoring Form records: due/overdue list, printable record, CSV export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from ketamine_trd.clinic.access import require_role


@require_GET
@require_role("rems.view")
def rems_list(request: HttpRequest) -> HttpResponse:
    return render(request, "records/rems_list.html", {"records": []})


@require_GET
@require_role("rems.export")
def rems_csv(request: HttpRequest) -> HttpResponse:
    return HttpResponse("", content_type="text/csv")


@require_GET
@require_role("rems.view")
def rems_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    return render(request, "records/rems_list.html", {})


@require_POST
@require_role("rems.submit")
def rems_submitted(request: HttpRequest, record_id: int) -> HttpResponse:
    return render(request, "records/rems_list.html", {})
