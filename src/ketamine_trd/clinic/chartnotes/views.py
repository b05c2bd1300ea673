"""The chart page (medications, allergies, problems, notes), a note's page (edit, sign, addenda)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ketamine_trd.clinic.access import authorize, authorized, can
from ketamine_trd.clinic.chartnotes import services
from ketamine_trd.clinic.chartnotes.forms import AddendumForm, AllergyForm, MedicationForm, NoteForm, ProblemForm
from ketamine_trd.clinic.form_errors import add_domain_error
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.clinical.inputs.chart import NOTE_SECTIONS
from ketamine_trd.errors import ConflictError, InputError, NotFoundError

_PARTS: dict[str, tuple[type[Any], Any]] = {
    "medication": (MedicationForm, services.add_medication),
    "allergy": (AllergyForm, services.add_allergy),
    "problem": (ProblemForm, services.add_problem),
}


def _status(*forms: Any) -> int:
    return 422 if any(f.is_bound and f.errors for f in forms) else 200


@require_http_methods(["GET", "POST"])
@authorized("course.view")
def chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The lists; a POST with ``part`` adds one medication, allergy or problem."""
    part = request.POST.get("part", "")
    forms = {name: cls(request.POST if part == name else None, prefix=name) for name, (cls, _) in _PARTS.items()}
    if request.method == "POST":
        authorize(request, "session.chart")
        if part not in _PARTS:
            raise InputError("part", part[:20], ", ".join(_PARTS))
        form = forms[part]
        if form.is_valid():
            try:
                _PARTS[part][1](request, patient_id, form.to_input(), now=now())
            except (InputError, ConflictError) as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"Saved the {part}.")
                return redirect("chartnotes:chart", patient_id=patient_id)
    page = services.chart_page(request, patient_id, now=now())
    context = {"page": page, "p": page.patient, "forms": forms, "can_write": can(request.user, "session.chart")}
    return render(request, "chartnotes/chart.html", context, status=_status(*forms.values()))


@require_http_methods(["GET", "POST"])
@authorized("session.chart")
def note_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A new draft note; ``?session=<id>`` makes it that session's note."""
    raw = request.GET.get("session", "")
    if raw and not raw.isdigit():
        raise InputError("session", raw[:20], "a session number")
    session_id = int(raw) if raw else None
    kind = "session" if session_id else "visit"
    form = NoteForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            note = services.create_note(request, patient_id, form.to_input(), now=now(), session_id=session_id)
        except (InputError, ConflictError, NotFoundError) as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Draft saved. Sign it when it is complete.")
            return redirect("chartnotes:note", note_id=note.pk)
    page = services.chart_page(request, patient_id, now=now())
    context = {"form": form, "p": page.patient, "session_id": session_id, "kind": kind, "sections": NOTE_SECTIONS}
    return render(request, "chartnotes/note_form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@authorized("course.view")
def note(request: HttpRequest, note_id: int) -> HttpResponse:
    """A note; a POST with ``part`` = ``edit`` (a draft), ``sign`` or ``addendum`` (a signed note)."""
    part = request.POST.get("part", "")
    edit = NoteForm(request.POST if part == "edit" else None, prefix="edit")
    addendum = AddendumForm(request.POST if part == "addendum" else None, prefix="addendum")
    if request.method == "POST":
        authorize(request, "session.sign" if part == "sign" else "session.chart")
        done = _note_post(request, note_id, part, edit, addendum)
        if done:
            return redirect("chartnotes:note", note_id=note_id)
    view = services.note_page(request, note_id, now=now())
    n = view.note
    if not edit.is_bound:
        edit = NoteForm(prefix="edit", initial={k: getattr(n, k) for k in ("kind", "subjective", "objective",
                                                                             "assessment", "plan")})  # fmt: skip
    sections = [(label, getattr(n, key)) for key, label in NOTE_SECTIONS]
    context = {
        "view": view,
        "n": n,
        "p": n.patient,
        "sections": sections,
        "edit": edit,
        "addendum": addendum,
        "can_write": can(request.user, "session.chart"),
        "can_sign": can(request.user, "session.sign"),
    }
    return render(request, "chartnotes/note.html", context, status=_status(edit, addendum))


def _note_post(request: HttpRequest, note_id: int, part: str, edit: Any, addendum: Any) -> bool:
    if part == "sign":
        services.sign_note(request, note_id, now=now())
        messages.success(request, "Signed. The note is now locked; corrections are addenda.")
        return True
    form = {"edit": edit, "addendum": addendum}.get(part)
    if form is None:
        raise InputError("part", part[:20], "edit, sign, addendum")
    if not form.is_valid():
        return False
    try:
        if part == "edit":
            services.update_note(request, note_id, form.to_input(), now=now())
        else:
            services.add_addendum(request, note_id, form.to_input(), now=now())
    except (InputError, ConflictError) as error:
        add_domain_error(form, error)
        return False
    messages.success(request, "Saved.")
    return True
