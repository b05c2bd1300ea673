"""Patient list and search, registration, the patient page, editing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ketamine_trd.clinic.access import authorized, can
from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.form_errors import add_domain_error
from ketamine_trd.clinic.records.forms.patients import PatientForm, PatientSearchForm
from ketamine_trd.clinic.records.services import overview, patients
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.errors import ConflictError, InputError, StaleVersion

PAGE = 50
_PAGE_ACTIONS = ("intake.record", "intake.sign_off", "course.plan", "session.schedule", "patient.edit")


@require_GET
@authorized("patient.view")
def patient_list(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET)
    if not form.is_valid():  # a bad page number or an over-long query is refused by name, never ignored
        context = {"form": form, "page": None, "q": request.GET.get("q", "")[:100], "page_number": 1}
        return render(request, "records/patient_list.html", context, status=400)
    query, number = form.cleaned_data["q"] or "", form.cleaned_data["page"] or 1
    found = patients.patient_list_page(request, query, now=now(), page=number, page_size=PAGE)
    context = {"form": form, "page": found, "q": query, "page_number": number}
    return render(request, "records/patient_list.html", context)


@require_http_methods(["GET", "POST"])
@authorized("patient.register")
def patient_register(request: HttpRequest) -> HttpResponse:
    form = PatientForm(kept.posted(request, now()) or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = patients.register_patient(request, form.to_input(), now=now())
        except (InputError, ConflictError) as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Registered {patient.display_name} (MRN {patient.mrn}).")
            return redirect("records:patient_detail", patient_id=patient.pk)
    return render(
        request, "records/patient_form.html", {"form": form, "title": "Register a patient"}, status=_status(form)
    )


@require_http_methods(["GET", "POST"])
@authorized("patient.edit")
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patients.get_patient(request, patient_id, now=now(), action="patient.edit")
    initial = {
        f: getattr(patient, f) for f in ("mrn", "given_name", "family_name", "date_of_birth", "sex", "phone", "email")
    }
    initial |= {"weight": patient.weight_kg or "", "height": patient.height_cm or "", "version": patient.version}
    form = PatientForm(kept.posted(request, now()) or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            patients.update_patient(
                request, patient.pk, form.to_input(), now=now(), expected_version=form.cleaned_data.get("version")
            )
        except StaleVersion as error:
            stale = True
            form.add_error(
                None,
                f"Someone else saved a change to {patient.display_name} after you opened this form (your copy is "
                f"version {error.expected}, the record is now version {error.current}). Nothing was saved: reload "
                "the page to see their change, then make yours again.",
            )
        except (InputError, ConflictError) as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("records:patient_detail", patient_id=patient.pk)
    context = {"form": form, "title": f"Edit {patient.display_name}", "patient": patient}
    return render(request, "records/patient_form.html", context, status=_status(form, stale=stale))


@require_GET
@authorized("patient.view")
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    page = overview.patient_page(request, patient_id, now=now())
    perms = {a.replace(".", "_"): can(request.user, a) for a in _PAGE_ACTIONS}
    return render(request, "records/patient_detail.html", {"page": page, "p": page.patient, "can_do": perms})


def _status(form: PatientForm, *, stale: bool = False) -> int:
    if stale:
        return 409  # changed by someone else since the form was loaded (StaleVersion): reload, then change
    return 422 if form.is_bound and form.errors else 200
