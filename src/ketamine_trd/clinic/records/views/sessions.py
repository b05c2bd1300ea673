"""Sessions: schedule, today's list, the chair-side chart, recording each part, signing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.access import authorize, authorized, can
from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.authn.reauth import ReauthRequired, reauth_url
from ketamine_trd.clinic.inputs import fill_blank_times
from ketamine_trd.clinic.records.forms.courses import ScheduleForm
from ketamine_trd.clinic.records.forms.sessions import (
    PART_STEP,
    PART_WORDS,
    PARTS,
    SignForm,
    add_input_error,
    chart_form,
    mark_errors,
    open_event_choices,
)
from ketamine_trd.clinic.records.services import session_writes, sessions, signing
from ketamine_trd.clinic.records.views._edge import now
from ketamine_trd.clinical.monitoring.chart import ChartStep
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


STEP_PARTS: dict[ChartStep, tuple[str, ...]] = {
    ChartStep.BEFORE: ("checklist", "vitals"),
    ChartStep.DOSING: ("dose",),
    ChartStep.MONITORING: ("vitals", "rating", "event", "resolve"),
    ChartStep.DISCHARGE: ("discharge",),
}
#: the schedule's time points that the vital-signs form offers (the same ids: clinic/records/models.Timepoint)
_TIMEPOINTS = frozenset({"predose", "post-40", "discharge"})


def _step(request: HttpRequest, default: ChartStep) -> ChartStep:
    asked = request.GET.get("step", "")
    return ChartStep(asked) if asked in ChartStep._value2member_map_ else default


def _chart_page(
    request: HttpRequest,
    session_id: int,
    *,
    step: ChartStep | None = None,
    bound: dict[str, Form] | None = None,
    entries: kept.Kept | None = None,
) -> HttpResponse:
    view = sessions.chair_view(request, session_id, now=now())
    product = view.course.product
    events = open_event_choices(view.events)
    restored = _kept_forms(entries, product, view.providers, events) if entries is not None else {}
    if restored and step is None:  # back after the idle timeout: the step of the form that was being filled in
        step = next((PART_STEP[name] for name in restored if name in PART_STEP), None)
    shown = step or _step(request, view.step)
    forms = {name: chart_form(name, product, initial=_initial(name, view, shown), providers=view.providers,
                              events=events) for name in STEP_PARTS[shown]}  # fmt: skip
    forms.update(bound or {})
    forms.update(restored)  # typed before the idle timeout: shown bound, for the nurse to check and save
    first_error = next((f for f in forms.values() if f.is_bound and f.errors), None)
    context = {
        "v": view,
        "s": view.session,
        "step": shown,
        "steps": [(step_key, step_key == shown, step_key in view.done) for step_key in ChartStep],
        "forms": forms,
        "error_form": first_error,
        "can_chart": can(request.user, "session.chart"),
        "can_sign": can(request.user, "session.sign"),
        "can_override": can(request.user, "session.sign_override"),
        "sign_form": forms.get("sign") or SignForm(prefix="sign"),
    }
    return render(request, "records/session_detail.html", context, status=422 if first_error else 200)


def _kept_forms(
    entries: kept.Kept, product: str, providers: tuple[tuple[int, str], ...], events: tuple[tuple[int, str], ...]
) -> dict[str, Form]:
    """The form the kept entries were posted from, bound to them (a blank reading's time: when they were posted)."""
    part = entries.data.get("part", "")
    if not part:  # posted to the older per-part address
        try:
            part = resolve(entries.action).kwargs.get("part", "")
        except Resolver404:
            return {}
    if part == "sign":
        return {"sign": SignForm(entries.data, prefix="sign")}
    if part not in PARTS:
        return {}
    data = fill_blank_times(PARTS[part], entries.data, part, entries.at)
    form = chart_form(part, product, data, providers=providers, events=events)
    form.is_valid()
    mark_errors(form)
    return {part: form}


def _local(value: object) -> object:
    """An aware time as the datetime-local field shows it (the clinic's wall-clock time, to the minute)."""
    if isinstance(value, str) and value:
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    return value


def _initial(name: str, view: sessions.ChairView, step: ChartStep) -> dict[str, object]:
    """What the form of ``name`` shows: the saved answers of the part (never a time taken from the page load)."""
    s, plan = view.session, view.plan or {}
    if name == "checklist":
        saved = dict(s.checklist or {})
        if not saved and view.chart is not None:  # the medication list's classes, never typed again
            return {"concomitant": sorted(view.chart.concomitant)}
        return {k: _local(v) if k.endswith("_at") else v for k, v in saved.items()}
    if name == "dose":
        if s.dosed_at is None:  # pre-filled from the course plan for this session
            return {"dose_mg": plan.get("dose_mg"), "mg_per_kg": plan.get("mg_per_kg"),
                    "devices_used": plan.get("devices")}
        return {"dosed_at": _local(s.dosed_at), "dose_mg": s.dose_mg, "lot_number": s.lot_number,
                "devices_used": s.devices_used, "mg_per_kg": s.mg_per_kg,
                "infusion_rate_ml_per_h": s.infusion_rate_ml_per_h, "infusion_duration_min": s.infusion_duration_min,
                "concentration_mg_per_ml": s.concentration_mg_per_ml, "infusion_ended_at": _local(s.infusion_ended_at),
                "override_reason": s.dose_override_reason}  # fmt: skip
    if name == "vitals":
        if step == ChartStep.BEFORE:
            return {"timepoint": "predose"}
        due = next((c for c in view.schedule if c.status.value in ("due", "overdue", "upcoming")), None)
        return {"timepoint": due.time_point if due is not None and due.time_point in _TIMEPOINTS else "other"}
    if name == "discharge":
        names = ("ready_to_leave_minutes", "vitals_ok_before_administration", "vitals_ok_before_completion",
                 "sedation_observed", "dissociation_observed", "respiratory_depression_observed",
                 "clinically_stable", "safe_departure_arranged")  # fmt: skip
        saved = {k: getattr(s, k) for k in names} if s.monitoring_completed_at else {}
        if s.monitoring_completed_at:
            saved["monitoring_completed_at"] = _local(s.monitoring_completed_at)
        return saved | ({"monitoring_hcp_id": s.monitoring_hcp_id} if s.monitoring_hcp_id else {})
    return {}


@require_http_methods(["GET", "POST"])
@authorized("session.view")
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The chart, one step at a time (``?step=``); a part is saved by a POST to this same address."""
    if request.method == "POST":
        authorize(request, "session.chart")  # audited refusal through the error tree (403 page)
        return _record(request, session_id, request.POST.get("part", ""))
    return _chart_page(request, session_id, entries=kept.take(request, now()))


@require_http_methods(["GET", "POST"])
@authorized("session.chart")
def session_record(request: HttpRequest, session_id: int, part: str) -> HttpResponse:
    """Save one part (the older address); a GET (a bookmark, a login's ``next``) opens that part's step."""
    if request.method == "GET":
        step = PART_STEP.get(part)
        return redirect(_chart_url(session_id, step))
    if part == "sign":
        return _sign(request, session_id)
    return _record(request, session_id, part)


def _chart_url(session_id: int, step: ChartStep | None) -> str:
    url = reverse("records:session_detail", kwargs={"session_id": session_id})
    return f"{url}?step={step.value}" if step is not None else url


def _record(request: HttpRequest, session_id: int, part: str) -> HttpResponse:
    if part not in PARTS:
        raise NotFoundError(f"no part {part!r}")
    product = sessions.session_product(request, session_id)
    providers = sessions.provider_choices(request) if part == "discharge" else ()
    events = open_event_choices(sessions.adverse_events_of(request, session_id)) if part == "resolve" else ()
    form = chart_form(part, product, request.POST, providers=providers, events=events)
    step = _step(request, PART_STEP[part])
    if form.is_valid():
        try:
            WRITERS[part](request, session_id, form.to_input(), now=now())  # type: ignore[operator]
        except (InputError, ConflictError) as error:
            if isinstance(error, InputError):
                add_input_error(form, error)
            else:
                form.add_error(None, str(error))
        else:
            messages.success(request, f"{PART_WORDS[part]} saved.")
            return redirect(_chart_url(session_id, step))
    mark_errors(form)
    return _chart_page(request, session_id, step=step, bound={part: form})


def _sign(request: HttpRequest, session_id: int) -> HttpResponse:
    form = SignForm(request.POST, prefix="sign")
    if not form.is_valid():  # a reason that cannot be stored (NUL byte, too long) is said, never dropped silently
        said = " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
                        if name in form.fields)  # fmt: skip
        messages.error(request, f"Not signed. {said or 'The signature form could not be read.'}")
        return redirect(_chart_url(session_id, ChartStep.DISCHARGE))
    reason = form.cleaned_data.get("override_reason", "")
    try:
        outcome = signing.sign_session(request, session_id, now=now(), override_reason=reason)
    except (ConflictError, InputError) as error:
        messages.error(request, error.allowed if isinstance(error, CheckRefused) else str(error))
        return redirect(_chart_url(session_id, ChartStep.DISCHARGE))
    except ReauthRequired:  # the typed reason is kept for the chart, shown again after the password
        page = _chart_url(session_id, ChartStep.DISCHARGE)
        kept.keep(request, request.user.pk, page, now(), logged_out=False)
        return redirect(reauth_url(page))
    if not outcome.signed:
        missing = " ".join(m.reason for m in outcome.missing)
        messages.error(request, f"Not signed. {missing}")
        return redirect(_chart_url(session_id, ChartStep.DISCHARGE))
    messages.success(request, "Signed." + (" REMS record created." if outcome.rems_record else ""))
    return redirect(_chart_url(session_id, ChartStep.DISCHARGE))
