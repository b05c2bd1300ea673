# mypy: disable-error-code="untyped-decorator"
"""Views of the measurement app: short functions (parse, one service call, render).

Domain errors are mapped once, in :func:`clinic_view`: not signed in -> login redirect, ``PermissionDenied``
-> 403, ``NotFoundError`` -> 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.form_errors import sentence
from ketamine_trd.clinic.measurement import dashboard as dashboard_service
from ketamine_trd.clinic.measurement import due, forms, page, progress_report, services
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind
from ketamine_trd.errors import ConflictError, InputError, NotFoundError, PermissionDenied

View = Callable[..., HttpResponseBase]


def clinic_view(view: View) -> View:
    """Login required; the error tree mapped to 403/404 (bad input: a form error, or 422 by ``clinic.edge``)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(str(error)) from None
        except NotFoundError as error:
            raise Http404(str(error)) from None

    return wrapper


@require_GET
@clinic_view
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_service.build_dashboard(request, now=timezone.now())
    return render(request, "measurement/dashboard.html", {"d": data})


@require_http_methods(["GET", "POST"])
@clinic_view
def assessment_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    instrument = instruments.get(request.GET.get("instrument") or request.POST.get("instrument") or "phq9")
    form_class = forms.assessment_form_class(instrument)
    form = form_class(request.POST or None, initial={"administered_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_assessment(
                request,
                patient_id,
                instrument.id,
                form.answers(),
                administered_at=form.cleaned_data["administered_at"],
                now=timezone.now(),
            )
        except InputError as error:
            form.add_error(
                _field_for(form, error.field), sentence(error) if _field_for(form, error.field) else str(error)
            )
        else:
            for alert in saved.alerts:
                messages.warning(request, f"Alert raised: {alert.message}")
            messages.success(request, f"{instrument.name} saved (total {_total(saved.assessment)}).")
            return redirect("measurement:patient", patient_id=patient_id)
    patient = services.patient_for_entry(request, patient_id, instrument.id)
    context = {"patient": patient, "instrument": instrument, "form": form, "choices": instruments.all_instruments()}
    return render(request, "measurement/assessment_form.html", context, status=400 if form.errors else 200)


def _field_for(form: Any, field: str) -> str | None:
    for candidate in (f"item_{field.rsplit('.', 1)[-1]}", field):
        if candidate in form.fields:
            return candidate
    return None


def _total(assessment: Any) -> str:
    return assessment.risk or (f"{assessment.total:g}" if assessment.total is not None else "none")


@require_GET
@clinic_view
def patient_measurement(request: HttpRequest, patient_id: int) -> HttpResponse:
    data = page.patient_page(request, patient_id, request.GET.get("instrument") or None)
    context = {
        "patient": data.patient,
        "trajectory": data.trajectory,
        "figure": data.figure,
        "assessments": data.recent,
        "alerts": data.alerts,
        "instruments": instruments.all_instruments(),
    }
    return render(request, "measurement/patient.html", context)


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page") or "1"
    return int(text) if text.isdigit() and 0 < len(text) < 7 else 1


@require_GET
@clinic_view
def worklist(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    try:
        found = services.alert_page(request, kind=kind, page=_page_number(request))
    except InputError as error:
        if error.field != "page":
            raise  # mapped to 422 naming the field by the error tree, never a 404
        found = services.alert_page(request, kind=kind, page=1)  # past the last page (alerts were acknowledged)
    context = {"found": found, "alerts": found.items, "kind": kind, "kinds": _KIND_CHOICES}
    return render(request, "measurement/worklist.html", context)


_KIND_CHOICES = [(kind.value, kind.label) for kind in AlertKind]


@require_GET
@clinic_view
def screens_due(request: HttpRequest) -> HttpResponse:
    rows = due.due_page(request, now=timezone.now())
    return render(request, "measurement/screens_due.html", {"rows": rows})


@require_POST
@clinic_view
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    form = forms.AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.acknowledge_alert(request, alert_id, now=timezone.now(), note=note)
    except (ConflictError, InputError) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, "Alert acknowledged.")
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else "measurement:worklist")


def _refusal(error: Exception) -> str:
    if isinstance(error, InputError) and error.field == "note" and not error.value:
        return "Not acknowledged: a critical alert needs a note saying what was done."
    return str(error)


@require_GET
@clinic_view
def progress_report_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    pdf = progress_report.build_progress_report(request, patient_id, now=timezone.now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="progress-report-{patient_id}.pdf"'
    return response


@require_GET
@clinic_view
def plotly_js(request: HttpRequest) -> HttpResponse:
    """The old address of Plotly's script: a redirect to the collected static file (hashed, compressed, cached)."""
    return redirect(static("vendor/plotly.min.js"))
