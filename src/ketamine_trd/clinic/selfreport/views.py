# mypy: disable-error-code="untyped-decorator"
"""Pages of patient self-report: the patient's (link, tablet) and the staff page on a patient.

The patient's pages never show anything of the record but the questions; every answer is ``no-store`` (the
site-wide ``NoStoreMiddleware``) and ``Referrer-Policy: same-origin`` (the token is in the path: never sent
to another site).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ketamine_trd.clinic.measurement.views import clinic_view
from ketamine_trd.clinic.selfreport import forms, services
from ketamine_trd.clinic.selfreport.models import ReportLink
from ketamine_trd.errors import ConflictError, InputError

_VERIFIED = "selfreport_verified_link"
_TABLET = "selfreport_tablet_link"


def _patient_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, f"selfreport/{template}", context, status=status)
    # same-origin, not no-referrer: with no-referrer chromium sends "Origin: null" on the form POST (CSRF refuses)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _closed(request: HttpRequest, status: str) -> HttpResponse:
    return _patient_page(request, "closed.html", {"status": status}, status=410 if status != "invalid" else 404)


@require_http_methods(["GET", "POST"])
def report_start(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    if request.method == "GET":
        state = services.open_link(request, token, now=now)
        if state.status != "ok":
            return _closed(request, state.status)
        return _patient_page(request, "identity.html", {"form": forms.IdentityForm()})
    form = forms.IdentityForm(request.POST)
    if not form.is_valid():
        return _patient_page(request, "identity.html", {"form": form}, status=422)
    state = services.check_identity(request, token, form.cleaned_data["date_of_birth"], now=now)
    if state.status == "wrong":
        form.add_error("date_of_birth", "This date of birth does not match. Check it and try again.")
        return _patient_page(request, "identity.html", {"form": form}, status=422)
    if state.status != "ok" or state.link is None:
        return _closed(request, state.status)
    request.session.cycle_key()
    request.session[_VERIFIED] = state.link.pk
    return redirect("selfreport:answer", token=token)


@require_http_methods(["GET", "POST"])
def report_answer(request: HttpRequest, token: str) -> HttpResponse:
    state = services.open_link(request, token, now=timezone.now())
    if state.status != "ok" or state.link is None:
        return _closed(request, state.status)
    if request.session.get(_VERIFIED) != state.link.pk or state.link.verified_at is None:
        return redirect("selfreport:start", token=token)
    return _answer(request, state.link, after=lambda: request.session.pop(_VERIFIED, None))


def _answer(request: HttpRequest, link: ReportLink, *, after: Any) -> HttpResponse:
    texts = services.questionnaire(link)
    form = forms.answers_form_class(texts)(request.POST if request.method == "POST" else None)
    context = {"groups": forms.grouped(form, texts), "form": form, "review_text": _review(link)}
    if request.method == "GET" or not form.is_valid():
        return _patient_page(request, "answer.html", context, status=200 if request.method == "GET" else 422)
    try:
        done = services.submit(request, link.pk, forms.answers_by_instrument(form, texts), now=timezone.now())
    except ConflictError:
        return _closed(request, "used")
    after()
    return _patient_page(request, "done.html", {"done": done, "tablet": link.channel == "tablet"})


def _review(link: ReportLink) -> str:
    return services.texts.settings_for(link.patient.clinic_id).review_text


@require_http_methods(["GET", "POST"])
def tablet(request: HttpRequest) -> HttpResponse:
    link_id = request.session.get(_TABLET)
    link = ReportLink.objects.select_related("patient").filter(pk=link_id).first() if link_id else None
    if link is None or services.status_of(link, timezone.now()) != "pending":
        if link_id is not None:  # a tablet session that ran out; a staff member who opens /tablet/ stays signed in
            request.session.flush()
        return _patient_page(request, "tablet_locked.html", {})
    return _answer(request, link, after=request.session.flush)


# --- staff ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinic_view
def patient_links(request: HttpRequest, patient_id: int) -> HttpResponse:
    now = timezone.now()
    form = forms.LinkForm(request.POST if request.method == "POST" else None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_link(request, patient_id, form.cleaned_data["instruments"], now=now,
                                         email=form.cleaned_data["email"], base_url=_base(request))  # fmt: skip
        except InputError as error:
            form.add_error(None, str(error))
    patient, links = services.links_for_patient(request, patient_id)
    rows = [(link, services.status_of(link, now)) for link in links]
    copy_url = f"{_base(request)}{services.link_path(issued.token)}" if issued else ""
    return render(request, "selfreport/patient_links.html", {
        "patient": patient, "rows": rows, "form": form, "copy_url": copy_url, "issued": issued,
        "tablet_form": forms.TabletForm()})  # fmt: skip


def _base(request: HttpRequest) -> str:
    from django.conf import settings

    return getattr(settings, "KTRD_PUBLIC_URL", "") or request.build_absolute_uri("/").rstrip("/")


@require_POST
@clinic_view
def revoke(request: HttpRequest, patient_id: int, link_id: int) -> HttpResponse:
    services.revoke_link(request, link_id, now=timezone.now())
    return redirect("selfreport:patient_links", patient_id=patient_id)


@require_POST
@clinic_view
def tablet_unlock(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = forms.TabletForm(request.POST)
    if not form.is_valid():
        return redirect("selfreport:patient_links", patient_id=patient_id)
    try:
        issued = services.unlock_tablet(request, patient_id, form.cleaned_data["instruments"],
                                        form.cleaned_data["password"], now=timezone.now())  # fmt: skip
    except InputError:
        return render(request, "selfreport/tablet_refused.html", {"patient_id": patient_id}, status=422)
    logout(request)  # the staff member's session ends: nothing of the record is reachable from the tablet
    request.session[_TABLET] = issued.link.pk
    return redirect("selfreport:tablet")
