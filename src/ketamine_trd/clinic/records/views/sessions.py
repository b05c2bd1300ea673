"""Sessions: schedule, today's list, the chair-side chart, recording each part, signing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ketamine_trd.clinic.access import authorized, can
from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.authn.reauth import ReauthRequired, reauth_url
from ketamine_trd.clinic.form_errors import add_check_error
from ketamine_trd.clinic.inputs import fill_blank_times
from ketamine_trd.clinic.records.forms.courses import ScheduleForm
from ketamine_trd.clinic.records.forms.sessions import (
    PARTS,
    DischargeForm,
    ResolveEventForm,
    SignForm,
    open_event_choices,
)
from ketamine_trd.clinic.records.services import session_writes, sessions, signing
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.errors import CheckRefused, ConflictError, InputError, NotFoundError

WRITERS = {
    "checklist": session_writes.record_checklist,
    "dose": session_writes.record_dose,
    "vitals": session_writes.add_vitals,
    "rating": session_writes.add_rating,
    "event": session_writes.add_adverse_event,
    "resolve": session_writes.resolve_adverse_event,
    "discharge": session_writes.record_discharge,
}


@require_POST
@authorized("session.schedule")
def session_schedule(request: HttpRequest, course_id: int) -> HttpResponse:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("records:course_detail", course_id=course_id)
    try:
        session = sessions.schedule_session(
            request,
            course_id,
            scheduled_at=form.cleaned_data["scheduled_at"],
            chair=form.cleaned_data["chair"],
            now=now(),
        )
    except (InputError, ConflictError) as error:
        messages.error(request, str(error))
        return redirect("records:course_detail", course_id=course_id)
    return redirect("records:session_detail", session_id=session.pk)


@require_GET
@authorized("session.list")
def session_today(request: HttpRequest) -> HttpResponse:
    at = now()
    start = timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = sessions.sessions_on(request, start, start + dt.timedelta(days=1), now=at)
    context = {"sessions": rows, "day": start.date(), "can_chart": can(request.user, "session.view")}
    return render(request, "records/session_today.html", context)


def _chart_page(
    request: HttpRequest, session_id: int, bound: dict[str, object] | None = None, entries: kept.Kept | None = None
) -> HttpResponse:
    view = sessions.chair_view(request, session_id, now=now())
    status = 422 if bound else 200
    forms = {name: _unbound(name, cls, view) for name, cls in PARTS.items()}
    forms.update(bound or {})
    if entries is not None:  # typed before the idle timeout: shown bound, for the nurse to check and save
        forms.update(_kept_forms(entries, view))
    context = {
        "v": view,
        "s": view.session,
        "forms": forms,
        "can_chart": can(request.user, "session.chart"),
        "can_sign": can(request.user, "session.sign"),
        "can_override": can(request.user, "session.sign_override"),
        "sign_form": forms.get("sign") or SignForm(prefix="sign"),
    }
    return render(request, "records/session_detail.html", context, status=status)


def _unbound(name: str, cls: type[Form], view: sessions.ChairView) -> Form:
    return cls(prefix=name, initial=_initial(name, view), **_choices(cls, view))


def _choices(cls: type[Form], view: sessions.ChairView) -> dict[str, Any]:
    if cls is DischargeForm:
        return {"providers": view.providers}
    if cls is ResolveEventForm:
        return {"events": open_event_choices(view.events)}
    return {}


def _kept_forms(entries: kept.Kept, view: sessions.ChairView) -> dict[str, object]:
    """The form the kept entries were posted from, bound to them (a blank reading's time: when they were posted)."""
    try:
        part = resolve(entries.action).kwargs.get("part")
    except Resolver404:
        return {}
    if part == "sign":
        return {"sign": SignForm(entries.data, prefix="sign")}
    if part not in PARTS:
        return {}
    cls = PARTS[part]
    return {part: cls(fill_blank_times(cls, entries.data, part, entries.at), prefix=part, **_choices(cls, view))}


def _initial(name: str, view: sessions.ChairView) -> dict[str, object]:
    # no time is pre-filled: a reading's time left blank is the moment it is saved (server side, in the service)
    initial: dict[str, object] = {}
    plan = view.plan or {}
    if name == "dose":  # pre-filled from the course plan for this session
        initial |= {"dose_mg": plan.get("dose_mg"), "mg_per_kg": plan.get("mg_per_kg"),
                    "devices_used": plan.get("devices")}
    if name == "discharge" and view.session.monitoring_hcp_id:
        initial["monitoring_hcp_id"] = view.session.monitoring_hcp_id
    return initial


@require_GET
@authorized("session.view")
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _chart_page(request, session_id, entries=kept.take(request, now()))


@require_POST
@authorized("session.chart")
def session_record(request: HttpRequest, session_id: int, part: str) -> HttpResponse:
    if part == "sign":
        return _sign(request, session_id)
    if part not in PARTS:
        raise NotFoundError(f"no part {part!r}")
    extra: dict[str, Any] = {}
    if part == "discharge":
        extra["providers"] = sessions.provider_choices(request)
    if part == "resolve":
        extra["events"] = open_event_choices(sessions.adverse_events_of(request, session_id))
    form = PARTS[part](request.POST, prefix=part, **extra)
    if form.is_valid():
        try:
            WRITERS[part](request, session_id, form.to_input(), now=now())  # type: ignore[operator]
        except (InputError, ConflictError) as error:
            add_check_error(form, error)
        else:
            messages.success(request, f"Saved: {part}.")
            return redirect("records:session_detail", session_id=session_id)
    return _chart_page(request, session_id, {part: form})


def _sign(request: HttpRequest, session_id: int) -> HttpResponse:
    form = SignForm(request.POST, prefix="sign")
    reason = form.cleaned_data.get("override_reason", "") if form.is_valid() else ""
    try:
        outcome = signing.sign_session(request, session_id, now=now(), override_reason=reason)
    except (ConflictError, InputError) as error:
        messages.error(request, error.allowed if isinstance(error, CheckRefused) else str(error))
        return redirect("records:session_detail", session_id=session_id)
    except ReauthRequired:  # the typed reason is kept for the chart, shown again after the password
        page = f"/sessions/{session_id}/"
        kept.keep(request, request.user.pk, page, now(), logged_out=False)
        return redirect(reauth_url(page))
    if not outcome.signed:
        missing = " ".join(m.reason for m in outcome.missing)
        messages.error(request, f"Not signed. {missing}")
        return redirect("records:session_detail", session_id=session_id)
    messages.success(request, "Signed." + (" REMS record created." if outcome.rems_record else ""))
    return redirect("records:session_detail", session_id=session_id)
