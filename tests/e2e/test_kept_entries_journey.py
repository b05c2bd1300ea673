"""Vitals typed at the chair survive the idle timeout, in Debian's chromium (820 px, the tablet).

The idle timeout is shortened to 3 seconds through the settings. The nurse opens the chart, types the 40-minute
blood pressure, waits past the timeout and saves: the browser lands on the login page (not on "HTTP ERROR 405"),
and after logging in on the chart with the vitals form bound to what she typed and the notice; nothing was saved
until she saves again. Screenshots go to ``test-artifacts/kept-*.png``.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e import test_journey
from tests.e2e.test_inputs_journey import browser_context
from tests.e2e.test_journey import PASSWORD, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
users = test_journey.users  # the journey's clinic, prescriber and nurse (a fixture)
__all__ = ["browser_context", "users"]
IDLE_S = 3


def test_vitals_typed_before_the_idle_timeout_are_shown_again_after_login(browser_context, users, settings) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.authn.kept import NOTICE
    from ketamine_trd.clinic.records.models import VitalSign
    from tests.clinic.builders import make_course, make_patient, make_session

    settings.KTRD_IDLE_TIMEOUT_MINUTES = IDLE_S / 60
    session = make_session(make_course(make_patient(users["nurse"].clinic)))
    chart = f"/sessions/{session.pk}/"
    j = Journey(browser_context(820), "kept")
    j.page.goto(f"/accounts/login/?next={chart}")
    j.page.fill("[name='username']", "journey-nurse")
    j.page.fill("[name='password']", PASSWORD)
    j.submit()
    assert urlsplit(j.page.url).path == chart, j.page.url

    form = j.page.locator("form:has([name='vitals-systolic_mmhg'])")
    form.locator("[name='vitals-timepoint']").select_option("post-40")
    form.locator("[name='vitals-systolic_mmhg']").fill("187")
    form.locator("[name='vitals-diastolic_mmhg']").fill("96")
    form.locator("[name='vitals-heart_rate_bpm']").fill("81")
    form.scroll_into_view_if_needed()
    j.shot("typed")
    time.sleep(IDLE_S + 1)  # the nurse is called away; the session times out
    with j.page.expect_navigation():  # saved from the keyboard (a mouse click after the long sleep went unseen)
        form.locator("button[type=submit]").press("Enter")

    address = urlsplit(j.page.url)
    assert address.path == "/accounts/login/", j.page.url
    assert parse_qs(address.query)["next"] == [chart]  # the chart, never the POST URL
    assert "187" not in j.page.url and "187" not in j.page.content()
    assert not VitalSign.objects.exists()
    j.shot("login")
    settings.KTRD_IDLE_TIMEOUT_MINUTES = 30  # back at the chair: no second timeout while she checks the entries
    j.page.fill("[name='username']", "journey-nurse")
    j.page.fill("[name='password']", PASSWORD)
    j.submit()

    assert urlsplit(j.page.url).path == chart, j.page.url
    assert "405" not in j.page.title() and NOTICE in j.page.locator("body").inner_text()
    form = j.page.locator("form:has([name='vitals-systolic_mmhg'])")
    assert form.locator("[name='vitals-systolic_mmhg']").input_value() == "187"
    assert form.locator("[name='vitals-diastolic_mmhg']").input_value() == "96"
    assert form.locator("[name='vitals-timepoint']").input_value() == "post-40"
    assert form.locator("[name='vitals-taken_at']").input_value()  # when she pressed save, for her to check
    assert not VitalSign.objects.exists()  # nothing replayed
    form.scroll_into_view_if_needed()
    j.shot("kept")
    with j.page.expect_navigation():
        form.locator("button[type=submit]").click()
    saved = VitalSign.objects.get(session=session)
    assert (saved.systolic_mmhg, saved.diastolic_mmhg, saved.heart_rate_bpm) == (187, 96, 81)
    j.shot("saved")
