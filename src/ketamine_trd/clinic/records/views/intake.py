"""Intake: the treatment history (TRD verdict and staging), the medical screening, sign-off and override."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ketamine_trd.clinic.access import authorized
from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.form_errors import add_domain_error
from ketamine_trd.clinic.records.forms.intake import OverrideForm, ScreeningIntakeForm, TrdIntakeForm
from ketamine_trd.clinic.records.services import intake, patients
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.errors import ConflictError, InputError


def _patient(request: HttpRequest, patient_id: int):  # type: ignore[no-untyped-def]
    return patients.get_patient(request, patient_id, now=now(), action="intake.record")


@require_http_methods(["GET", "POST"])
@authorized("intake.record")
def trd_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = TrdIntakeForm(kept.posted(request, now()) or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = intake.record_trd_intake(
                request, patient.pk, form.history(), profile=form.cleaned_data["profile"], now=now()
            )
        except InputError as error:
            add_domain_error(form, error, form.field_map())
        else:
            messages.success(request, result.summary)
            return redirect("records:patient_detail", patient_id=patient.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "records/intake_trd.html", {"form": form, "patient": patient}, status=status)


@require_http_methods(["GET", "POST"])
@authorized("intake.record")
def screening_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    start = intake.screening_start(request, patient_id, now=now())
    patient = start.patient
    initial = {"sex": patient.sex if patient.sex in ("female", "male") else "",
               "concomitant": sorted(start.chart.concomitant)}  # the medication list's classes, never typed again
    form = ScreeningIntakeForm(kept.posted(request, now()) or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = intake.record_screening_intake(
                request, patient.pk, form.profile(), product=form.cleaned_data["product"], bp_profile=None, now=now()
            )
        except InputError as error:
            add_domain_error(form, error, {"blood_pressure.diastolic": "diastolic_mmhg"})
        else:
            messages.success(request, result.summary)
            return redirect("records:patient_detail", patient_id=patient.pk)
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "patient": patient, "chart": start.chart}
    return render(request, "records/intake_screening.html", context, status=status)


@require_POST
@authorized("intake.sign_off")
def intake_sign_off(request: HttpRequest, intake_id: int) -> HttpResponse:
    try:
        result = intake.sign_off_intake(request, intake_id, now=now())
    except ConflictError as error:
        messages.error(request, str(error))
        return redirect(request.POST.get("next") or "records:patient_list")
    messages.success(request, "Signed off.")
    return redirect("records:patient_detail", patient_id=result.patient_id)


@require_http_methods(["GET", "POST"])
@authorized("intake.override")
def intake_override(request: HttpRequest, intake_id: int) -> HttpResponse:
    current = intake.intake_to_override(request, intake_id, now=now())
    form = OverrideForm(kept.posted(request, now()) or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = intake.override_intake(
                request, intake_id, verdict=form.cleaned_data["override_verdict"],
                reason=form.cleaned_data["override_reason"], now=now(),
            )  # fmt: skip
        except InputError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Override recorded with its reason.")
            return redirect("records:patient_detail", patient_id=result.patient_id)
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "intake_id": intake_id, "current": current}
    return render(request, "records/intake_override.html", context, status=status)
