"""Courses: plan one from the core, open it, change its phase."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.access import authorized, can
from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.authn.reauth import ReauthRequired
from ketamine_trd.clinic.form_errors import add_check_error
from ketamine_trd.clinic.records.forms.courses import CourseForm, PhaseForm, ScheduleForm
from ketamine_trd.clinic.records.services import courses
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.errors import CheckRefused, ConflictError, InputError


def reauthenticate(request: HttpRequest, form: forms.Form) -> bool:
    """With an override reason, the password typed on the form re-authenticates the user first (else a form error)."""
    password = form.cleaned_data.get("password") or ""
    if not (form.cleaned_data.get("override_reason") or "").strip() or not password:
        return True
    from ketamine_trd.clinic.authn.services import attempt_reauth

    result = attempt_reauth(request, password, "", now())
    if not result.ok:
        form.add_error("password", result.message or "Password not accepted.")
    return result.ok


@require_http_methods(["GET", "POST"])
@authorized("course.plan")
def course_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    page = courses.course_form_page(request, patient_id, now=now())
    form = CourseForm(kept.posted(request, now()) or None, initial={"start_date": now().date()})
    if request.method == "POST" and form.is_valid() and reauthenticate(request, form):
        try:
            course = courses.plan_new_course(request, page.patient.pk, form.to_input(), now=now())
        except (InputError, ConflictError) as error:
            add_check_error(form, error, {"start": "start_date"})
        except ReauthRequired:
            form.add_error("password", "Enter your password to confirm the override.")
        else:
            messages.success(request, f"Course planned: {len(course.plan_data.get('sessions', []))} sessions.")
            return redirect("records:course_detail", course_id=course.pk)
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "patient": page.patient, "gates": page.gates}
    return render(request, "records/course_form.html", context, status=status)


@require_GET
@authorized("course.view")
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    page = courses.course_page(request, course_id, now=now())
    context = {
        "page": page,
        "c": page.course,
        "phase_form": PhaseForm(initial={"phase": page.next_phases[0] if page.next_phases else ""}),
        "schedule_form": ScheduleForm(),
        "can_phase": can(request.user, "course.change_phase"),
        "can_schedule": can(request.user, "session.schedule"),
    }
    return render(request, "records/course_detail.html", context)


@require_POST
@authorized("course.change_phase")
def course_phase(request: HttpRequest, course_id: int) -> HttpResponse:
    form = PhaseForm(request.POST)
    if form.is_valid() and reauthenticate(request, form):
        try:
            data = form.to_input()
            courses.change_phase(request, course_id, phase=data.phase, reason=data.end_reason, now=now(),
                                 override_reason=data.override_reason)  # fmt: skip
        except InputError as error:
            messages.error(request, error.allowed if isinstance(error, CheckRefused) else str(error))
        except ReauthRequired:
            messages.error(request, "Enter your password to confirm the override.")
        else:
            messages.success(request, f"Phase changed to {form.cleaned_data['phase']}.")
    else:
        messages.error(request, "; ".join(f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
                                          for k, v in form.errors.items()))  # fmt: skip
    return redirect("records:course_detail", course_id=course_id)
