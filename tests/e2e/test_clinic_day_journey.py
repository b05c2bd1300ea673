"""Issue 14's whole clinic day as ONE journey in Debian's chromium: an admin configures two chairs, opening hours and
a closed day; a nurse receives ketamine vials, books a 6-infusion IV induction in one step (the closed day skipped),
moves the first session with a reason and charts that same session (checklist and pre-dose BP, then the dose from
the received lot); the stock page shows the vial drawn down; the rest of the opened vial is wasted with a witness;
a reconciliation 10 mg short is refused without a reason and closed with one; the inventory report balances.

The course starts today so that the moved session can be dosed now (a dose is charted within 12 h of the session's
scheduled time and never in the future). "Today" is the clinic's day, and the journey clinic is put in a time zone
other than UTC where it is now between 02:00 and 22:00 (:func:`_daytime_zone`): "30-45 minutes ago" and "15 minutes
ago" fall on the same local day at whatever hour the suite runs, and every date and time is entered and read in a
zone that is not the server's. Key steps are photographed at 820 px (the nurse's tablet) into
``test-artifacts/day-*.png``, with no sideways scroll. The steps reuse the two journeys they join:
``test_scheduling_journey`` (the course) and ``test_controlled_journey``/``test_journey`` (login, form filling).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _login, page, users  # noqa: F401
from tests.e2e.test_scheduling_journey import _iv_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TABLET = 820
#: zones tried in turn for the journey clinic; at any instant one of them is between 02:00 and 22:00
ZONES = ("America/New_York", "Asia/Tokyo")


def _daytime_zone(now: dt.datetime) -> zoneinfo.ZoneInfo:
    """The first of ``ZONES`` whose local time at ``now`` is between 02:00 and 22:00 (New York's night, 02:00-07:00
    UTC in winter, is Tokyo's day)."""
    for name in ZONES:
        zone = zoneinfo.ZoneInfo(name)
        if 2 <= now.astimezone(zone).hour < 22:
            return zone
    raise AssertionError(f"no zone of {ZONES} is in daytime at {now}")  # unreachable: the offsets cover the day


def _local(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """A datetime-local input value in the clinic's zone."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _shot(j: Journey, name: str) -> None:
    """Photograph the page at the nurse tablet's width; it does not scroll sideways."""
    j.page.set_viewport_size({"width": TABLET, "height": 1000})
    widths = j.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} at {TABLET}px scrolls sideways: {widths}"
    j.page.screenshot(path=str(ARTIFACTS / f"day-{name}-{TABLET}.png"), full_page=True)
    j.passed.append(name)


def _configure(j: Journey, closed_on: str) -> None:
    """The admin adds two chairs, opens every day 00:00-23:59 (the journey may run at any hour) and closes one."""
    with override_settings(KTRD_ADMIN_TOTP_REQUIRED=False):  # an admin enrols TOTP first; not walked here
        _login(j, "journey-admin")
        j.page.goto("/schedule/settings/")
        for name in ("Chair 1", "Chair 2"):
            j.page.locator("[data-testid='chairs'] [name='name']").fill(name)
            j.submit("[data-testid='chairs'] form:has(input[name='part'])")
        for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            j.page.locator(f"[name='{day}-opens']").fill("00:00")
            j.page.locator(f"[name='{day}-closes']").fill("23:59")
        j.submit("[data-testid='hours'] form")
        j.page.locator("[data-testid='closed-days'] [name='day']").fill(closed_on)
        j.page.locator("[data-testid='closed-days'] [name='reason']").fill("Staff training")
        j.submit("[data-testid='closed-days'] form:has(input[name='part'])")
        assert closed_on in j.page.locator("[data-testid='closed-days']").inner_text()
        _shot(j, "settings")
    j.page.context.clear_cookies()


def test_a_clinic_day_from_chairs_to_a_balanced_inventory(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.accounts.models import User
    from ketamine_trd.clinic.controlled.models import Count, Entry, Lot
    from ketamine_trd.clinic.records.models import Session
    from ketamine_trd.clinic.scheduling.models import Booking, BookingChange
    from tests.clinic.builders import ready_to_dose

    admin = User(username="journey-admin", role="admin", clinic=users["prescriber"].clinic, first_name="Admin")
    admin.set_password(PASSWORD)
    admin.save()
    zone = _daytime_zone(timezone.now())
    clinic = users["prescriber"].clinic
    clinic.time_zone = zone.key
    clinic.save(update_fields=["time_zone"])
    today = timezone.now().astimezone(zone).date()
    course = _iv_course(users, start=today)
    closed_on = course.plan_data["sessions"][1]["date"]
    j = Journey(page, "day")

    # 1. the admin: chairs, hours and a closed day on the second planned infusion
    _configure(j, closed_on)

    # 2. the nurse receives two 500 mg vials of ketamine
    _login(j, "journey-nurse")
    page.goto("/controlled/receive/")
    j.fill({"substance": "ketamine", "lot_number": "KET-DAY", "supplier_name": "Example Wholesale (synthetic)",
            "expires_on": f"{today.year + 1}-06-30", "units_received": "2",
            "received_on": today.isoformat(), "concentration_mg_per_ml": "50",
            "volume_ml_per_unit": "10"})  # fmt: skip
    j.submit("[data-testid='form-receive']")
    assert "1000 mg on hand" in page.locator("[data-testid='lot-on-hand']").inner_text()

    # 3. books the 6-infusion induction in one step from the course page (the closed day is moved)
    page.goto(f"/courses/{course.pk}/")
    page.locator("[data-testid='book-calendar']").click()
    page.wait_for_load_state()
    page.locator("[name='chair_id']").select_option(label="Chair 1")
    page.locator("[name='start_time']").fill("09:00")
    j.submit("[data-testid='book-form']")
    preview = page.locator("[data-testid='book-preview']").inner_text()
    assert "6 sessions in Chair 1" in preview and "moved" in preview and "Conflict" not in preview
    _shot(j, "book-preview")
    page.locator("[data-testid='book-confirm']").click()
    page.wait_for_load_state()
    assert Booking.objects.filter(session__course=course).count() == 6
    assert closed_on not in [b.starts_at.astimezone(zone).date().isoformat() for b in Booking.objects.all()]

    # 4. moves the first session (today) to 30-45 minutes ago, with a reason, from the chair's week view
    first = Booking.objects.filter(session__course=course).order_by("starts_at").first()
    now = timezone.now().replace(second=0, microsecond=0)
    moved_to = now - dt.timedelta(minutes=30)
    moved_to -= dt.timedelta(minutes=moved_to.minute % 15)  # sessions start on a 15-minute boundary
    assert first.starts_at.astimezone(zone).date() == today
    page.goto(f"/schedule/chairs/{first.chair_id}/week/?date={today.isoformat()}")
    page.locator("[data-testid='booking']").first.get_by_role("link", name="Move").click()
    page.wait_for_load_state()
    page.locator("[name='starts_at']").fill(_local(moved_to, zone))
    page.locator("[name='reason']").fill("Patient arrived early for the first infusion")
    j.submit("[data-testid='change-form']")
    refused = "" if "/move/" not in page.url else page.locator("[data-testid='change-form']").inner_text()[:500]
    assert BookingChange.objects.filter(booking=first).exists(), refused
    assert BookingChange.objects.get(booking=first).reason == "Patient arrived early for the first infusion"
    assert Session.objects.get(pk=first.session_id).scheduled_at == moved_to
    assert f"{moved_to.astimezone(zone):%H:%M}" in page.locator("[data-testid='day']").inner_text()
    _shot(j, "moved")

    # 5. opens the chart of that session: checklist and pre-dose BP (the dose step refuses a dose without them),
    # then the dose from the received lot
    page.locator("[data-testid='booking']").first.get_by_role("link", name="Open the chart").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/sessions/{first.session_id}/")
    dosed_at = now - dt.timedelta(minutes=15)
    ready_to_dose(users["nurse"], first.session_id, dosed_at)
    page.goto(f"/sessions/{first.session_id}/?step=dosing")
    assert "KET-DAY" in page.locator("[data-testid='lots-in-stock']").inner_text()
    dose = page.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-dosed_at']").fill(_local(dosed_at, zone))
    dose.locator("[name='dose-lot_number']").fill("KET-DAY")
    _shot(j, "dose-form")
    dose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    lot = Lot.objects.get(lot_number="KET-DAY")
    assert lot.on_hand_mg == Decimal("960") and lot.sealed_units == 1, page.content()[:2000]  # 0.5 mg/kg x 80 kg
    assert Entry.objects.get(kind="administration").session_id == first.session_id

    # 6. the stock page shows the vial drawn down
    page.goto("/controlled/")
    assert page.locator("[data-testid='on-hand-KET-DAY']").inner_text() == "960 mg"
    _shot(j, "stock-drawn-down")

    # 7. the rest of the opened vial is wasted; the prescriber witnesses it with their password
    page.goto(f"/controlled/lots/{lot.pk}/")
    j.fill({"mg": "460", "manner": "remainder of the opened vial squirted into the waste bin",
            "witness_username": "journey-prescriber", "witness_password": PASSWORD})  # fmt: skip
    page.locator("[data-testid='form-waste']").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "witnessed by journey-prescriber" in page.content()
    assert page.locator("[data-testid='lot-on-hand']").inner_text().startswith("500 mg on hand")
    _shot(j, "waste-witnessed")

    # 8. the day's count finds 490 mg: refused without a reason, closed with one
    page.goto("/controlled/reconcile/")
    count = page.locator("[data-testid='count-KET-DAY']")
    count.locator(f"[name='lot{lot.pk}-counted_mg']").fill("490")
    count.locator(f"[name='lot{lot.pk}-counted_units']").fill("1")
    page.locator("[data-testid='form-reconcile'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "10 mg short" in page.content() and not Count.objects.exists()
    _shot(j, "count-short-refused")
    page.locator(f"[name='lot{lot.pk}-reason']").fill("10 mg spilled while drawing up; seen by the prescriber")
    page.locator("[data-testid='form-reconcile'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Reconciliation closed" in page.content() and Count.objects.count() == 1

    # 9. the inventory report balances: received 1000, dosed 40, wasted 460, counted 10 short, 490 on hand
    page.goto("/controlled/report/")
    assert "The report balances" in page.locator("[data-testid='report-balances']").inner_text()
    row = page.locator("[data-testid='report-lot-KET-DAY']").inner_text()
    assert all(f"{mg} mg" in row for mg in ("1000", "40", "460", "-10", "490")), row
    _shot(j, "report")
    assert j.passed == ["settings", "book-preview", "moved", "dose-form", "stock-drawn-down", "waste-witnessed",
                        "count-short-refused", "report"]  # fmt: skip
