"""Scheduling pages: settings (admin), a chair's day and week, booking a course, moving or cancelling one session."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.access import authorized
from ketamine_trd.clinic.form_errors import add_check_error
from ketamine_trd.clinic.inputs import InputForm
from ketamine_trd.clinic.scheduling import agenda, booking, config
from ketamine_trd.clinic.scheduling.forms import BookForm, CancelForm, ChairForm, ClosedDayForm, HoursForm, MoveForm
from ketamine_trd.clinic.scheduling.models import Booking
from ketamine_trd.clinical.scheduling import WEEKDAYS
from ketamine_trd.errors import ConflictError, InputError


def now() -> dt.datetime:
    return timezone.now()


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("date", "")
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError("date", raw, "a date as YYYY-MM-DD") from None


@require_GET
@authorized("schedule.view")
def schedule_home(request: HttpRequest) -> HttpResponse:
    chairs = booking.active_chairs(request)
    if not chairs:
        return render(request, "scheduling/no_chairs.html", {})
    return redirect("scheduling:chair_day", chair_id=chairs[0].pk)


def _hours_forms(data: object = None, page: config.SettingsPage | None = None) -> list[InputForm]:
    initial = {w: (o, c) for w, o, c in page.hours} if page else {}
    return [HoursForm(data, prefix=w, initial={"weekday": w, "opens": initial.get(w, ("", ""))[0],
                                              "closes": initial.get(w, ("", ""))[1]}) for w in WEEKDAYS]  # fmt: skip


@require_http_methods(["GET", "POST"])
@authorized("schedule.configure")
def settings_view(request: HttpRequest) -> HttpResponse:
    part = request.POST.get("part", "")
    data = request.POST if request.method == "POST" else None
    chair_form = ChairForm(data if part == "chair" else None)
    closed_form = ClosedDayForm(data if part == "closed" else None)
    hours_forms = _hours_forms(data if part == "hours" else None, config.settings_page(request, now=now()))
    saved = _save_settings(request, part, chair_form, closed_form, hours_forms)
    if saved:
        messages.success(request, saved)
        return redirect("scheduling:settings")
    page = config.settings_page(request, now=now())
    if part != "hours":
        hours_forms = _hours_forms(None, page)
    bound = [f for f in (chair_form, closed_form, *hours_forms) if f.is_bound]
    status = 422 if any(f.errors for f in bound) else 200
    context = {"page": page, "chair_form": chair_form, "closed_form": closed_form, "hours_forms": hours_forms}
    return render(request, "scheduling/settings.html", context, status=status)


def _save_settings(request: HttpRequest, part: str, chair_form: InputForm, closed_form: InputForm,
                   hours_forms: list[InputForm]) -> str:  # fmt: skip
    """Save the part the form posted; its message, or '' (errors are left on the form)."""
    try:
        if part == "chair" and chair_form.is_valid():
            chair = config.add_chair(request, chair_form.to_input(), now=now())
            return f"{chair.name} added."
        if part == "closed" and closed_form.is_valid():
            closed = config.add_closed_day(request, closed_form.to_input(), now=now())
            return f"Closed on {closed.day.isoformat()}."
        every_valid = [f.is_valid() for f in hours_forms]  # each form validated, so that each shows its errors
        if part == "hours" and all(every_valid):
            config.set_hours(request, [f.to_input() for f in hours_forms], now=now())
            return "Opening hours saved."
    except (InputError, ConflictError) as error:
        target = {"chair": chair_form, "closed": closed_form}.get(part, hours_forms[0])
        add_check_error(target, error, {"day": "day"})
    return ""


@require_POST
@authorized("schedule.configure")
def chair_active(request: HttpRequest, chair_id: int) -> HttpResponse:
    chair = config.set_chair_active(request, chair_id, request.POST.get("active") == "1", now=now())
    messages.success(request, f"{chair.name} is {'in service' if chair.active else 'out of service'}.")
    return redirect("scheduling:settings")


@require_POST
@authorized("schedule.configure")
def closed_remove(request: HttpRequest, closed_id: int) -> HttpResponse:
    config.remove_closed_day(request, closed_id, now=now())
    messages.success(request, "The clinic is open again on that date.")
    return redirect("scheduling:settings")


def _agenda(request: HttpRequest, chair_id: int, days: int, template: str) -> HttpResponse:
    day = _day(request)
    first = day - dt.timedelta(days=day.weekday()) if days == 7 else day
    page = agenda.chair_agenda(request, chair_id, first, days, now=now())
    context = {"agenda": page, "first": first, "prev": first - dt.timedelta(days=days),
               "next": first + dt.timedelta(days=days), "today": timezone.localdate()}  # fmt: skip
    return render(request, template, context)


@require_GET
@authorized("schedule.view")
def chair_day(request: HttpRequest, chair_id: int) -> HttpResponse:
    return _agenda(request, chair_id, 1, "scheduling/day.html")


@require_GET
@authorized("schedule.view")
def chair_week(request: HttpRequest, chair_id: int) -> HttpResponse:
    return _agenda(request, chair_id, 7, "scheduling/week.html")


@require_http_methods(["GET", "POST"])
@authorized("schedule.book")
def book(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET with the form's fields (or POST without ``confirm``): the preview with conflicts; POST ``confirm``: book."""
    course, chairs = booking.course_booking_page(request, course_id, now=now())
    source = request.POST if request.method == "POST" else (request.GET if "chair_id" in request.GET else None)
    form, plan = BookForm(source, chairs=chairs, initial={"start_time": "09:00"}), None
    if form.is_bound and form.is_valid():
        try:
            if request.method == "POST" and request.POST.get("confirm") == "1":
                made = booking.book_course(request, course_id, form.to_input(), now=now())
                messages.success(request, f"{len(made)} sessions booked in {made[0].chair.name}.")
                return redirect("records:course_detail", course_id=course_id)
            plan = booking.preview_course_booking(request, course_id, form.to_input(), now=now())
        except (InputError, ConflictError) as error:
            add_check_error(form, error)
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "plan": plan, "course_id": course_id, "course": course, "chairs": chairs}
    return render(request, "scheduling/book.html", context, status=status)


@require_http_methods(["GET", "POST"])
@authorized("schedule.book")
def move(request: HttpRequest, booking_id: int) -> HttpResponse:
    found, chairs = booking.booking_page(request, booking_id, now=now())
    initial = {"chair_id": found.chair_id, "starts_at": timezone.localtime(found.starts_at).strftime("%Y-%m-%dT%H:%M")}
    form = MoveForm(request.POST or None, chairs=chairs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            moved = booking.move_booking(request, booking_id, form.to_input(), now=now())
        except (InputError, ConflictError) as error:
            add_check_error(form, error)
        else:
            messages.success(request, f"Session moved to {timezone.localtime(moved.starts_at):%Y-%m-%d %H:%M} in "
                                      f"{moved.chair.name}.")  # fmt: skip
            return _back_to_day(moved)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "scheduling/change.html", {"form": form, "b": found, "kind": "move"}, status=status)


@require_http_methods(["GET", "POST"])
@authorized("schedule.book")
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    found, _ = booking.booking_page(request, booking_id, now=now())
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = booking.cancel_booking(request, booking_id, form.to_input(), now=now())
        except (InputError, ConflictError) as error:
            add_check_error(form, error)
        else:
            messages.success(request, "Session cancelled; the chair is free.")
            return _back_to_day(done)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "scheduling/change.html", {"form": form, "b": found, "kind": "cancel"}, status=status)


def _back_to_day(b: Booking) -> HttpResponse:
    day = timezone.localtime(b.starts_at).date().isoformat()
    response = redirect("scheduling:chair_day", chair_id=b.chair_id)
    response["Location"] += f"?date={day}"
    return response
