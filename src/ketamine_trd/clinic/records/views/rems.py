"""REMS Patient Monitoring Form records: due/overdue list, printable record, CSV export, submission."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ketamine_trd.clinic.access import authorized, can
from ketamine_trd.clinic.audit.export import csv_safe
from ketamine_trd.clinic.authn.reauth import ReauthRequired, reauth_url
from ketamine_trd.clinic.records.pmf_layout import pmf_pdf, pmf_sections
from ketamine_trd.clinic.records.services import rems
from ketamine_trd.clinic.records.services.rems import CSV_COLUMNS
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.clinical.labels import label
from ketamine_trd.errors import InputError


@require_GET
@authorized("rems.view")
def rems_list(request: HttpRequest) -> HttpResponse:
    include = request.GET.get("all") == "1"
    items = rems.worklist(request, now=now(), include_submitted=include)
    return render(request, "records/rems_list.html", {"items": items, "all": include})


@require_GET
@authorized("rems.export")
def rems_csv(request: HttpRequest) -> HttpResponse:
    rows = rems.export_rows(request, now=now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rems-patient-monitoring-forms.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return response


def _cell(value: object) -> object:
    """Neutralise spreadsheet formulas in exported text (CSV injection): the audit export's one rule,
    which also covers cells starting with a tab or a carriage return."""
    return csv_safe(value)


@require_GET
@authorized("rems.view")
def rems_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    row, status, problems = rems.get_record(request, record_id, now=now())
    context = {"r": row, "f": row.fields, "status": status, "problems": problems, "sections": pmf_sections(row.fields),
               "can_submit": can(request.user, "rems.submit")}  # fmt: skip
    return render(request, "records/rems_detail.html", context)


@require_POST
@authorized("rems.submit")
def rems_submitted(request: HttpRequest, record_id: int) -> HttpResponse:
    try:
        rems.submit(request, record_id, submitted_at=now(), now=now())
    except InputError as error:
        messages.error(request, f"Not submitted: {error}")
    except ReauthRequired:
        return redirect(reauth_url(f"/rems/{record_id}/"))
    else:
        messages.success(request, "Marked as submitted to the REMS.")
    return redirect("records:rems_detail", record_id=record_id)


@require_GET
@authorized("rems.export")
def rems_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    row, status, problems = rems.get_record(request, record_id, now=now(), action="export")
    missing = "; ".join(p.reason for p in problems) or "none"
    due = timezone.localtime(row.due_at)  # the clinic's zone (activated by the middleware)
    footer = (
        f"Form version {row.form_version}; {label('rems_status', status)}; due {due:%Y-%m-%d %H:%M} {due.tzname()}; "
        f"missing or out of rule: {missing}. Fields per the SPRAVATO REMS Patient Monitoring Form (S8, S9)."
    )
    body = pmf_pdf("SPRAVATO REMS Patient Monitoring Form record", pmf_sections(row.fields), footer)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rems-pmf-{row.pk}.pdf"'
    return response
