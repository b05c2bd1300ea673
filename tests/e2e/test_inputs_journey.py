"""Forms generated from the core's input types, walked as their users in Debian's chromium.

A nurse on a tablet (820 px) charts vitals with the diastolic above the systolic and sees the core's message on
the field; a prescriber at a desk (1366 px) registers a 25 kg patient and sees the dosing module's weight range.
Screenshots go to ``test-artifacts/inputs-*.png``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e import test_journey
from tests.e2e.test_journey import ARTIFACTS, Journey, _browser_or_fail, _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
users = test_journey.users  # the journey's clinic, prescriber and nurse (a fixture)


@pytest.fixture
def browser_context(live_server: Any) -> Iterator[Any]:
    import os

    executable = _browser_or_fail()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"])

        def new(width: int) -> Any:
            context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 1000})
            context.set_default_timeout(15_000)
            return context.new_page()

        yield new
        browser.close()


def test_a_nurse_sees_the_cores_message_for_a_diastolic_above_the_systolic(browser_context, users) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.records.models import VitalSign
    from tests.clinic.builders import make_course, make_patient, make_session

    session = make_session(make_course(make_patient(users["nurse"].clinic)))
    j = Journey(browser_context(820), "inputs-nurse")
    _login(j, "journey-nurse")
    j.page.goto(f"/sessions/{session.pk}/?step=monitoring")
    form = j.page.locator("[data-testid='form-vitals']")
    form.scroll_into_view_if_needed()
    j.shot("vitals-form")
    taken = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    form.locator("[name='vitals-taken_at']").fill(taken)
    form.locator("[name='vitals-systolic_mmhg']").fill("120")
    form.locator("[name='vitals-diastolic_mmhg']").fill("130")
    form.locator("button[type=submit]").click()
    j.page.wait_for_load_state()
    text = j.page.locator("[data-testid='form-vitals']").inner_text()
    assert "below the systolic value (120 mmHg)" in text, text
    j.page.locator("[data-testid='form-vitals']").scroll_into_view_if_needed()
    j.shot("vitals-refused")
    assert not VitalSign.objects.exists()


def test_a_prescriber_sees_the_dosing_weight_range_when_registering(browser_context, users) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.records.models import Patient

    j = Journey(browser_context(1366), "inputs-prescriber")
    _login(j, "journey-prescriber")
    j.page.goto("/patients/new/")
    j.fill({"mrn": "IN-1", "given_name": "Ada", "family_name": "Stone", "date_of_birth": "1980-04-05",
            "weight": "25", "weight_unit": "kg"})  # fmt: skip
    j.shot("register-form")
    j.submit()
    content = j.page.locator("main").inner_text()
    assert "30 to 300 kg" in content, content
    j.shot("register-refused")
    assert not Patient.objects.exists()
