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
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.form_errors import sentence
from ketamine_trd.clinic.measurement import dashboard as dashboard_service
from ketamine_trd.clinic.measurement import due, forms, page, progress_report, services
from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertLevel
from ketamine_trd.errors import ConflictError, InputError

View = Callable[..., HttpResponseBase]


def clinic_view(view: View) -> View:
    """Login required; domain errors are mapped once, by ``clinic.edge.ErrorTreeMiddleware`` (bad input that a form
    shows is a form error)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@clinic_view
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_service.build_dashboard(request, now=timezone.now())
    return render(request, "measurement/dashboard.html", {"d": data})


@require_http_methods(["GET", "POST"])
@clinic_view
def assessment_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    entries = kept.take(request, timezone.now()) if request.method == "GET" else None
    data = request.POST if request.method == "POST" else kept_answers(entries)
    instrument = instruments.get(request.GET.get("instrument") or (data or {}).get("instrument") or "phq9")
    form_class = forms.assessment_form_class(instrument)
    form = form_class(data or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.to_input()
            saved = services.record_assessment(
                request,
                patient_id,
                data.instrument_id,
                data.answers,
                administered_at=data.administered_at,
                now=timezone.now(),
            )
        except InputError as error:
            form.add_error(
                _field_for(form, error.field), sentence(error) if _field_for(form, error.field) else str(error)
            )
        else:
            for alert in saved.alerts:
                if alert.level == AlertLevel.CRITICAL:  # unmissable: its own style, an icon and the word
                    messages.error(request, f"Critical alert: {alert.message}", extra_tags="critical")
                else:
                    messages.warning(request, f"Alert raised: {alert.message}")
            messages.success(request, f"{instrument.name} saved (total {_total(saved.assessment)}).")
            return redirect("measurement:patient", patient_id=patient_id)
    patient = services.patient_for_entry(request, patient_id, instrument.id)
    context = {"patient": patient, "instrument": instrument, "form": form, "choices": instruments.all_instruments()}
    return render(request, "measurement/assessment_form.html", context, status=400 if form.errors else 200)


def kept_answers(entries: kept.Kept | None) -> Any:
    """Answers kept across a log-in (the idle timeout), with a blank time set to when they were posted."""
    if entries is None:
        return None
    data = entries.data.copy()
    if not (data.get("administered_at") or "").strip():
        data["administered_at"] = timezone.localtime(entries.at).strftime("%Y-%m-%dT%H:%M")
    return data


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
    names = {i.id: i.name for i in instruments.all_instruments()}
    context = {
        "patient": data.patient,
        "trajectory": data.trajectory,
        "figure": data.figure,
        "chart_svg": data.chart_svg,
        "benefit": data.benefit,
        "assessments": [(a, names.get(a.instrument_id, a.instrument_id)) for a in data.recent],
        "alerts": data.alerts,
        "instruments": instruments.all_instruments(),
    }
    return render(request, "measurement/patient.html", context)


@require_GET
@clinic_view
def worklist(request: HttpRequest) -> HttpResponse:
    """Open alerts, 50 a page, filtered by ``level``, ``kind`` and ``patient``; a bad parameter is a 400 naming it."""
    form = forms.WorklistFilterForm(request.GET)
    if not form.is_valid():
        return _worklist_refused(request, form)
    chosen = form.cleaned_data
    try:
        data = services.worklist_page(
            request,
            level=chosen["level"] or None,
            kind=chosen["kind"] or None,
            patient_id=chosen["patient"],
            page=chosen["page"] or 1,
        )
    except InputError as error:
        form.add_error(error.field if error.field in form.fields else None, _filter_refusal(error))
        return _worklist_refused(request, form)
    filters = request.GET.copy()
    filters.pop("page", None)
    if data.moved:  # the page asked for is past the last one (alerts were acknowledged): show the last one
        filters["page"] = str(data.found.page)
        return redirect(f"{request.path}?{filters.urlencode()}")
    context = {"form": form, "data": data, "found": data.found, "alerts": data.found.items, "filters": filters}
    return render(request, "measurement/worklist.html", context)


def _filter_refusal(error: InputError) -> str:
    if error.field == "patient":
        return "Patient: that patient is not one of this clinic's patients."
    return f"{error.field.capitalize()}: {error.value!s} is not allowed (allowed: {error.allowed})."


def _worklist_refused(request: HttpRequest, form: Any) -> HttpResponse:
    return render(request, "measurement/worklist.html", {"form": form, "data": None, "refused": True}, status=400)


@require_GET
@clinic_view
def screens_due(request: HttpRequest) -> HttpResponse:
    rows = due.due_page(request, now=timezone.now())
    return render(request, "measurement/screens_due.html", {"rows": rows})


@require_POST
@clinic_view
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    form = forms.AcknowledgeForm(request.POST)
    if not form.is_valid():  # an overlong note is refused, never dropped
        messages.error(request, "Not acknowledged: " + " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.acknowledge_alert(request, alert_id, now=timezone.now(), note=form.to_input().note)
        except (ConflictError, InputError) as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, "Alert acknowledged.")
    target = request.POST.get("next") or ""
    secure = request.is_secure()
    here = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=secure)
    # a path of this site only: "//evil.example" and "/\\evil.example" are other sites to a browser
    ours = here and target.startswith("/") and target[1:2] not in ("/", "\\")
    return redirect(target if ours else "measurement:worklist")


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
