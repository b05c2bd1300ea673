"""Pages of the site app: settings, consent documents, a patient's consents, a consent override, discharge PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ketamine_trd.clinic.access import authorized, can
from ketamine_trd.clinic.authn.reauth import ReauthRequired
from ketamine_trd.clinic.form_errors import add_domain_error
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.clinic.site import consent_service, discharge, settings_service
from ketamine_trd.clinic.site.forms import (
    ConsentAcceptanceForm,
    ConsentDocumentForm,
    ConsentOverrideForm,
    SiteSettingsForm,
)
from ketamine_trd.errors import InputError


def _status(form: object) -> int:
    return 422 if getattr(form, "is_bound", False) and getattr(form, "errors", None) else 200


@require_http_methods(["GET", "POST"])
@authorized("site.view")
def settings_page(request: HttpRequest) -> HttpResponse:
    page = settings_service.settings_page(request, now=now())
    editable = can(request, "site.edit")
    form = SiteSettingsForm(request.POST if request.method == "POST" else None,
                            initial={**page.values, "number": page.number})  # fmt: skip
    if request.method == "POST" and editable and form.is_valid():
        try:
            row = settings_service.save_settings(request, form.to_input(), form.cleaned_data["reason"] or "",
                                                 now=now(), expected_number=form.cleaned_data["number"])  # fmt: skip
        except InputError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Saved as settings version {row.number}; earlier records keep theirs.")
            return redirect("site:settings")
    elif request.method == "POST" and not editable:
        return render(request, "errors/status.html", {"status": 403, "message": "Only an admin edits settings."},
                      status=403)  # fmt: skip
    context = {"page": page, "form": form, "editable": editable}
    return render(request, "site/settings.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@authorized("site.view")
def consent_documents(request: HttpRequest) -> HttpResponse:
    form = ConsentDocumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row = consent_service.publish_document(request, form.to_input(), now=now())
        except InputError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Published {row.title} version {row.version}.")
            return redirect("site:consent_documents")
    rows = consent_service.documents(request, now=now())
    context = {"documents": rows, "form": form, "editable": can(request, "site.edit")}
    return render(request, "site/consent_documents.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@authorized("patient.view")
def patient_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    view = consent_service.patient_consents(request, patient_id, now=now())
    form = ConsentAcceptanceForm(request.POST if request.method == "POST" else None, documents=view.documents,
                                 witnesses=view.witnesses)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            consent_service.record_acceptance(request, patient_id, form.to_input(), now=now())
        except InputError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("site:patient_consent", patient_id=patient_id)
    context = {"v": view, "form": form, "can_record": can(request, "consent.record"),
               "can_override": can(request, "consent.override")}  # fmt: skip
    return render(request, "site/patient_consent.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@authorized("consent.override")
def consent_override(request: HttpRequest, course_id: int) -> HttpResponse:
    consent_service.override_page(request, course_id, now=now())  # the clinic's own course only (else 404)
    form = ConsentOverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row = consent_service.override_consent(request, course_id, form.to_input(), now=now())
        except ReauthRequired:
            form.add_error(None, "Sign in again (password) within the last minutes to record an override.")
        except InputError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Override recorded: the first dose may be given without a current consent.")
            return redirect("site:patient_consent", patient_id=row.course.patient_id)
    return render(request, "site/consent_override.html", {"form": form, "course_id": course_id},
                  status=_status(form) if not (form.is_bound and form.non_field_errors()) else 403)  # fmt: skip


@require_GET
@authorized("discharge.print")
def discharge_pdf(request: HttpRequest, session_id: int) -> HttpResponse:
    pdf = discharge.build_discharge_pdf(request, session_id, now=now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="discharge-session-{session_id}.pdf"'
    return response
