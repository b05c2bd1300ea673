"""Scheduling (issue 14) in Debian's chromium: an admin configures chairs, hours and a closed day; a nurse books a
6-infusion IV induction in one step (the closed day skipped), moves one session with a reason and opens its chart.

Every page is walked at 1366, 820 and 390 px with no sideways scroll; screenshots go to
``test-artifacts/schedule-*.png``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _login, page, users  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (1366, 820, 390)


def _walk(j: Journey, name: str) -> None:
    """Photograph the page at each width; none scrolls sideways."""
    for width in WIDTHS:
        j.page.set_viewport_size({"width": width, "height": 900})
        widths = j.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{name} at {width}px scrolls sideways: {widths}"
        j.page.screenshot(path=str(ARTIFACTS / f"schedule-{name}-{width}.png"), full_page=True)
    j.page.set_viewport_size({"width": 1366, "height": 900})


def _iv_course(staff: dict[str, Any], start: Any = None) -> Any:
    """An 80 kg patient's IV course (6 infusions, twice a week) in induction, from ``start`` (next Monday)."""
    from ketamine_trd.clinic.records.services import courses
    from tests.clinic.builders import make_eligible, make_patient, start_induction
    from tests.clinic.scheduling_builders import next_monday

    patient = make_patient(staff["prescriber"].clinic, given_name="Sched", family_name="Walk", weight_kg=Decimal("80"))
    make_eligible(patient, staff["prescriber"], "ketamine-iv")
    course = courses.plan_new_course(staff["prescriber"], patient.pk, courses.CourseInput(
        product="ketamine-iv", start_date=start or next_monday(), monitoring_profile="iv-ketamine-site-default",
        infusions=6, per_week=2), now=timezone.now())  # fmt: skip
    return start_induction(course, staff["prescriber"])


def test_configure_book_move_and_open_the_chart(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.accounts.models import User
    from ketamine_trd.clinic.scheduling.models import Booking, BookingChange

    admin = User(username="journey-admin", role="admin", clinic=users["prescriber"].clinic, first_name="Admin")
    admin.set_password(PASSWORD)
    admin.save()
    course = _iv_course(users)
    closed_on = course.plan_data["sessions"][1]["date"]
    j = Journey(page, "schedule")

    # 1. the admin adds two chairs, Monday-Friday hours and a closed day (on the second planned infusion)
    with override_settings(KTRD_ADMIN_TOTP_REQUIRED=False):  # an admin enrols TOTP first; not walked here
        _login(j, "journey-admin")
        j.page.goto("/schedule/settings/")
        for name in ("Chair 1", "Chair 2"):
            j.page.locator("[data-testid='chairs'] [name='name']").fill(name)
            j.submit("[data-testid='chairs'] form:has(input[name='part'])")
        j.page.locator("[name='tue-opens']").fill("8am")  # a bad time: the form names the field
        j.submit("[data-testid='hours'] form")
        assert "Opens: " in j.page.locator("[data-testid='hours']").inner_text()
        for day in ("mon", "tue", "wed", "thu", "fri"):
            j.page.locator(f"[name='{day}-opens']").fill("08:00")
            j.page.locator(f"[name='{day}-closes']").fill("18:00")
        j.submit("[data-testid='hours'] form")
        j.page.locator("[data-testid='closed-days'] [name='day']").fill(closed_on)
        j.page.locator("[data-testid='closed-days'] [name='reason']").fill("Staff training")
        j.submit("[data-testid='closed-days'] form:has(input[name='part'])")
        assert closed_on in j.page.locator("[data-testid='closed-days']").inner_text()
        _walk(j, "settings")
    j.page.context.clear_cookies()

    # 2. the nurse books the 6-infusion induction in one step from the course page
    _login(j, "journey-nurse")
    j.page.goto(f"/courses/{course.pk}/")
    j.page.locator("[data-testid='book-calendar']").click()
    j.page.wait_for_load_state()
    j.page.locator("[name='chair_id']").select_option(label="Chair 1")
    j.page.locator("[name='start_time']").fill("09:00")
    j.submit("[data-testid='book-form']")
    preview = j.page.locator("[data-testid='book-preview']").inner_text()
    assert "6 sessions in Chair 1" in preview and "moved" in preview and "Conflict" not in preview
    _walk(j, "book-preview")
    j.page.locator("[data-testid='book-confirm']").click()
    j.page.wait_for_load_state()
    assert Booking.objects.filter(session__course=course).count() == 6
    assert closed_on not in [b.starts_at.date().isoformat() for b in Booking.objects.all()]

    # 3. the week view of the chair; move the first session to the afternoon, with a reason
    first = Booking.objects.order_by("starts_at").first()
    j.page.goto(f"/schedule/chairs/{first.chair_id}/week/?date={first.starts_at.date().isoformat()}")
    assert j.page.locator("[data-testid='booking']").count() >= 2
    _walk(j, "week")
    j.page.locator("[data-testid='booking']").first.get_by_role("link", name="Move").click()
    j.page.wait_for_load_state()
    day = first.starts_at.date().isoformat()
    j.page.locator("[name='starts_at']").fill(f"{day}T14:00")
    j.page.locator("[name='reason']").fill("no")  # too short: the form names the field
    j.submit("[data-testid='change-form']")
    assert "Reason" in j.page.locator("[data-testid='change-form']").inner_text()
    _walk(j, "move-error")
    j.page.locator("[name='reason']").fill("Patient asked for the afternoon")
    j.submit("[data-testid='change-form']")
    assert BookingChange.objects.get(booking=first).reason == "Patient asked for the afternoon"
    assert "14:00" in j.page.locator("[data-testid='day']").inner_text()
    _walk(j, "day")

    # 4. open its chart
    j.page.locator("[data-testid='booking']").first.get_by_role("link", name="Open the chart").click()
    j.page.wait_for_load_state()
    assert j.page.url.endswith(f"/sessions/{first.session_id}/")
    assert j.page.locator("[data-testid='chart-step']").count() == 1
    _walk(j, "chart")
