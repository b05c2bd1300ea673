"""Pages of the controlled-substance log: stock, receive, a lot's book (waste, correct), reconcile, report."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.access import authorized
from ketamine_trd.clinic.audit.export import csv_safe
from ketamine_trd.clinic.controlled import reads, services
from ketamine_trd.clinic.controlled.forms import CorrectionForm, CountForm, ReceiptForm, WasteForm
from ketamine_trd.clinic.controlled.report_layout import CSV_COLUMNS, csv_rows, report_pdf
from ketamine_trd.clinic.form_errors import add_check_error, add_domain_error
from ketamine_trd.errors import CheckRefused, ConflictError, InputError


def _now() -> dt.datetime:
    return timezone.now()


@require_GET
@authorized("controlled.view")
def stock(request: HttpRequest) -> HttpResponse:
    return render(request, "controlled/stock.html", reads.stock_page(request, now=_now()))


@require_http_methods(["GET", "POST"])
@authorized("controlled.record")
def receive(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            lot = services.receive(request, form.to_input(), now=_now())
        except InputError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Lot {lot.lot_number} received: {lot.units_received} units.")
            return redirect("controlled:lot_detail", lot_id=lot.pk)
    return render(request, "controlled/receive.html", {"form": form}, status=422 if form.errors else 200)


def _lot_page(request: HttpRequest, lot_id: int, waste: WasteForm | None = None,
              correction: CorrectionForm | None = None) -> HttpResponse:  # fmt: skip
    lot, entries = reads.entries_of(request, lot_id, now=_now())
    context = {"lot": lot, "entries": entries, "waste": waste or WasteForm(initial={"lot_id": lot.pk}),
               "correction": correction or CorrectionForm()}  # fmt: skip
    failed = (waste is not None and waste.errors) or (correction is not None and correction.errors)
    return render(request, "controlled/lot_detail.html", context, status=422 if failed else 200)


@require_GET
@authorized("controlled.view")
def lot_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    return _lot_page(request, lot_id)


@require_POST
@authorized("controlled.record")
def waste(request: HttpRequest, lot_id: int) -> HttpResponse:
    form = WasteForm({**request.POST.dict(), "lot_id": str(lot_id)})
    if form.is_valid():
        try:
            entry = services.record_waste(request, form.to_input(), now=_now(),
                                          witness_username=form.cleaned_data["witness_username"],
                                          witness_password=form.cleaned_data["witness_password"])  # fmt: skip
        except InputError as error:
            add_check_error(form, error)
        else:
            messages.success(request, f"{-entry.mg:f} mg wasted, witnessed by {entry.witness.get_username()}.")
            return redirect("controlled:lot_detail", lot_id=lot_id)
    return _lot_page(request, lot_id, waste=form)


@require_POST
@authorized("controlled.record")
def correct(request: HttpRequest, lot_id: int) -> HttpResponse:
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correct(request, form.to_input(), now=_now())
        except (InputError, ConflictError) as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Correction recorded; the original entry is kept.")
            return redirect("controlled:lot_detail", lot_id=lot_id)
    return _lot_page(request, lot_id, correction=form)


@require_http_methods(["GET", "POST"])
@authorized("controlled.record")
def reconcile(request: HttpRequest) -> HttpResponse:
    lots = [lot for lot in reads.stock_page(request, now=_now())["lots"] if lot.on_hand_mg > 0]
    data = request.POST if request.method == "POST" else None
    forms_ = [CountForm(data, prefix=f"lot{lot.pk}", initial={"lot_id": lot.pk}) for lot in lots]
    valid = [f.is_valid() for f in forms_]  # every form validated, so that each shows its own errors
    if data is not None and forms_ and all(valid):
        try:
            services.close_reconciliation(request, [f.to_input() for f in forms_], now=_now())
        except InputError as error:
            index, _, name = error.field.partition("].")
            target = forms_[int(index.removeprefix("counts["))] if name else forms_[0]
            kind = CheckRefused if isinstance(error, CheckRefused) else InputError
            add_check_error(target, kind(name or error.field, error.value, error.allowed, reason=error.reason))
        else:
            messages.success(request, f"Reconciliation closed: {len(forms_)} lots counted.")
            return redirect("controlled:stock")
    rows = list(zip(lots, forms_, strict=True))
    failed = any(f.errors for f in forms_)
    return render(request, "controlled/reconcile.html", {"rows": rows}, status=422 if failed else 200)


def _as_of(request: HttpRequest) -> dt.date:
    raw = request.GET.get("as_of") or ""
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError("as_of", raw, "a date (YYYY-MM-DD)") from None


@require_GET
@authorized("controlled.view")
def report(request: HttpRequest) -> HttpResponse:
    found = reads.inventory_report(request, _as_of(request), now=_now())
    return render(request, "controlled/report.html", {"report": found})


@require_GET
@authorized("controlled.view")
def report_csv(request: HttpRequest) -> HttpResponse:
    found = reads.inventory_report(request, _as_of(request), now=_now(), action="export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="controlled-inventory-{found.as_of}.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in csv_rows(found):
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return response


@require_GET
@authorized("controlled.view")
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    found = reads.inventory_report(request, _as_of(request), now=_now(), action="export")
    response = HttpResponse(report_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="controlled-inventory-{found.as_of}.pdf"'
    return response
