# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""Closed weekdays of the site settings move the calendar, walked in chromium at 1366, 820 and 390 px (issue 14).

The admin closes Mondays on the site settings page; a course planned afterwards starts on the Tuesday (its note
names the settings version); booking a course planned before moves its Monday sessions to Tuesdays in the preview.
No page scrolls sideways. Screenshots go to ``test-artifacts/siteapplied-*.png`` (and ``KTRD_SHOTS``).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = {1366: 768, 820: 1180, 390: 844}


def _shots(j: Journey, name: str) -> None:
    out = Path(os.environ.get("KTRD_SHOTS", str(ARTIFACTS)))
    out.mkdir(parents=True, exist_ok=True)
    for width, height in SCREENS.items():
        j.page.set_viewport_size({"width": width, "height": height})
        overflow = j.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width} px by {overflow} px"
        j.page.screenshot(path=str(out / f"siteapplied-{name}-{width}.png"), full_page=True)
    j.page.set_viewport_size({"width": 1366, "height": 768})


def _course(prescriber: Any, start: dt.date, family_name: str) -> Any:
    from ketamine_trd.clinic.records.services import courses
    from tests.clinic.builders import make_eligible, make_patient

    patient = make_patient(prescriber.clinic, given_name="Site", family_name=family_name, weight_kg=Decimal("80"))
    make_eligible(patient, prescriber, "ketamine-iv")
    data = courses.CourseInput(product="ketamine-iv", start_date=start, infusions=4, per_week=2)
    return courses.plan_new_course(prescriber, patient.pk, data, now=timezone.now())


def test_a_closed_weekday_moves_the_calendar_and_the_booking(page: Any, users: dict[str, Any]) -> None:
    from ketamine_trd.clinic.accounts.models import User
    from tests.clinic.scheduling_builders import make_chairs, next_monday

    clinic = users["prescriber"].clinic
    admin = User(username="journey-admin", role="admin", clinic=clinic, first_name="Admin", last_name="Journey")
    admin.set_password(PASSWORD)
    admin.save()
    (chair,) = make_chairs(clinic)
    monday = next_monday()
    tuesday = (monday + dt.timedelta(days=1)).isoformat()
    before = _course(users["prescriber"], monday, "Before")
    j = Journey(page, "siteapplied")
    with override_settings(KTRD_ADMIN_TOTP_REQUIRED=False):  # an admin enrols TOTP first; not walked here
        _login(j, "journey-admin")
        j.page.goto("/site/settings/")
        j.page.locator("[name='closed_weekdays'][value='mon']").check()
        j.fill({"reason": "no Monday clinic from now on"})
        j.submit("[data-testid=settings-form]")
        assert "Saved as settings version 2" in j.page.content()
        assert "mon, sat, sun" in j.page.locator("[data-testid=setting-closed_weekdays]").inner_text()
        _shots(j, "settings")
    j.page.context.clear_cookies()
    after = _course(users["prescriber"], monday, "After")
    _login(j, "journey-nurse")
    j.page.goto(f"/courses/{after.pk}/")
    plan = j.page.locator("[data-testid=plan]").inner_text()
    assert tuesday in plan and monday.isoformat() not in plan
    assert "site settings version 2" in j.page.content()
    _shots(j, "course")
    j.page.goto(f"/schedule/courses/{before.pk}/book/?chair_id={chair.pk}&start_time=09:00&sessions=all")
    preview = j.page.locator("[data-testid='book-preview']").inner_text()
    assert tuesday in preview and "moved" in preview and "Conflict" not in preview
    _shots(j, "book-preview")
