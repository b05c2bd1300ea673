"""Login, logout, re-authentication and TOTP enrolment pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from ketamine_trd.clinic.authn import forms, kept, services, totp


def _next(request: HttpRequest, default: str = "/") -> str:
    """Where to go after logging in: a safe ``next`` (same host and scheme), as its page (a POST-only URL is mapped
    to the page its form is on, or dropped: a GET on it would answer 405)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return kept.page_for(target) or default
    return default


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    message = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.attempt_login(request, data["username"], data["password"], data["code"], timezone.now())
        if result.ok:
            return HttpResponseRedirect("/accounts/totp/enrol/" if result.enrol_totp else _next(request))
        message = result.message
    status = 200 if request.method == "GET" or not message else 401
    return render(
        request, "authn/login.html", {"form": form, "message": message, "next": _next(request, "")}, status=status
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.do_logout(request, timezone.now())
        return HttpResponseRedirect("/accounts/login/")
    return render(request, "authn/logout.html", {})


@never_cache
@login_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def reauth_view(request: HttpRequest) -> HttpResponse:
    form = forms.ReauthForm(request.POST or None)
    message = ""
    if request.method == "POST" and form.is_valid():
        result = services.attempt_reauth(
            request, form.cleaned_data["password"], form.cleaned_data["code"], timezone.now()
        )
        if result.ok:
            return HttpResponseRedirect(_next(request))
        message = result.message
    status = 200 if not message else 401
    return render(
        request, "authn/reauth.html", {"form": form, "message": message, "next": _next(request, "")}, status=status
    )


@never_cache
@login_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if totp.has_device(request.user):
        return render(request, "authn/totp_enrol.html", {"enrolled": True})
    form = forms.CodeForm(request.POST or None)
    message = ""
    if request.method == "POST" and form.is_valid():
        if services.confirm_enrolment(request, form.cleaned_data["code"], now):
            return HttpResponseRedirect("/")
        message = "That code did not match. Check the clock of your phone and try the next code."
    device = totp.start_enrolment(request.user, now)
    uri = totp.provisioning_uri(device)
    context = {
        "form": form,
        "message": message,
        "secret": totp.grouped(device.secret),
        "uri": uri,
        "qr_svg": mark_safe(totp.qr_svg(uri)),  # nosec B308 B703 - drawn by segno from our own URI
        "required": totp.required_for(request.user),
    }
    return render(request, "authn/totp_enrol.html", context)
