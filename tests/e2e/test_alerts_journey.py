# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""One critical alert among 300 newer informational ones is first on the dashboard and on the worklist (issue 11,
item 4; issue 12), at the prescriber's 1366 px and the nurse tablet's 820 px, and it cannot be acknowledged without
a note. The dashboard's "Acknowledge" opens the worklist filtered to that patient's critical alerts.

Screenshots (the first screen a user sees) go to ``test-artifacts/alerts-*.png``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.test_journey import ARTIFACTS, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = {"prescriber": 1366, "tablet": 820}


def _seed(users: dict[str, Any]) -> None:
    from django.core.cache import cache

    from ketamine_trd.clinic.measurement.models import Alert
    from ketamine_trd.clinic.records.models import Course, Patient, Session

    cache.clear()  # the dashboard caches its summaries per clinic id, which an earlier test may have used

    clinic = users["nurse"].clinic
    now = dt.datetime.now(dt.UTC)

    def patient(n: int, family: str) -> Patient:
        return Patient.objects.create(
            clinic=clinic, mrn=f"ALR-{n:04d}", given_name="Robin", family_name=family,
            date_of_birth=dt.date(1979, 4, 2), created_at=now, updated_at=now,
        )  # fmt: skip

    urgent = patient(1, "Critical")
    busy = patient(2, "Routine")
    alerts = [
        Alert(
            patient=urgent,
            kind="suicide_item",
            level="critical",
            rule="phq9:phq9.item9_positive",
            source="simon-2013",
            object_key="assessment:1",
            raised_at=now - dt.timedelta(days=3),
            message="PHQ-9 item 9 (thoughts of death or self-harm) is above 0: a clinician must review now.",
        )  # fmt: skip
    ]
    alerts += [
        Alert(
            patient=busy,
            kind="other",
            level="info",
            rule="sds:sds.significant_impairment",
            source="harm-research-sds",
            object_key=f"assessment:{100 + n}",
            raised_at=now - dt.timedelta(days=2) + dt.timedelta(minutes=n),
            message=f"An SDS item is 5 or more: significant functional impairment (note {n}).",
        )  # fmt: skip
        for n in range(300)
    ]
    Alert.objects.bulk_create(alerts)
    first = now - dt.timedelta(days=91)  # a patient whose screens fell due (one row on the due list)
    course = Course.objects.create(
        patient=busy, product="esketamine-nasal", route="nasal", phase="maintenance", start_date=first.date(),
        created_at=now, updated_at=now,
    )  # fmt: skip
    Session.objects.create(
        course=course, patient=busy, scheduled_at=first, status="signed", dosed_at=first, dose_mg=56,
        phase="induction", created_at=now, updated_at=now,
    )  # fmt: skip


def _first_row(page: Any, section: str = "") -> Any:
    scope = page.locator(f"[data-testid='{section}']") if section else page
    return scope.locator("[data-testid='alert-table'] tbody tr").first


def test_one_critical_among_300_newer_is_first_and_needs_a_note(page: Any, users: dict[str, Any]) -> None:
    _seed(users)
    j = Journey(page, "alerts")
    _login(j, "journey-nurse")
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 1000 if width > 1000 else 1180})
        page.goto("/")
        row = page.locator("[data-testid='critical-list'] li").first
        assert row.get_attribute("data-alert-level") == "critical" and row.is_visible()
        assert row.bounding_box()["y"] < 400  # first on the page, in the first screen
        assert "Suicidal thoughts reported" in row.inner_text() and "Critical" in row.inner_text()
        assert page.locator("[data-testid='critical-list'] li").count() == 1  # the 300 others are counted
        assert "Information 300" in " ".join(page.locator("[data-testid='open-alerts']").inner_text().split())
        assert "Routine" in page.locator("[data-testid='screens-due']").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"alerts-dashboard-{width}.png"))
        page.screenshot(path=str(ARTIFACTS / f"alerts-dashboard-{width}-full.png"), full_page=True)
        page.goto("/alerts/")
        assert page.locator("[data-testid='alert-total']").first.inner_text() == "301"
        row = _first_row(page)
        assert row.get_attribute("data-alert-level") == "critical" and row.is_visible()
        page.screenshot(path=str(ARTIFACTS / f"alerts-worklist-{width}.png"))

    # the dashboard's Acknowledge leads to the worklist filtered to this patient's critical alerts
    page.goto("/")
    page.locator("[data-testid='critical-list'] li a.ack").first.click()
    page.wait_for_load_state()
    assert "level=critical" in page.url and "patient=" in page.url
    assert page.locator("[data-testid='alert-total']").first.inner_text() == "1"

    # acknowledging the critical alert without a note is refused (the browser, then the server), with one it is kept
    row = _first_row(page)
    row.locator("button[type=submit]").click()
    assert page.locator("[data-testid='alert-total']").first.inner_text() == "1"  # the required note blocked it
    row.locator("[name='note']").fill(" ")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "a critical alert needs a note" in page.locator(".messages").inner_text()
    assert _first_row(page).get_attribute("data-alert-level") == "critical"
    page.screenshot(path=str(ARTIFACTS / "alerts-worklist-820-note-refused.png"))
    _first_row(page).locator("[name='note']").fill("Seen with the patient; C-SSRS screener done, safety plan agreed")
    _first_row(page).locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Alert acknowledged." in page.locator(".messages").inner_text()
    assert "level=critical" in page.url  # back on the same filtered page, now empty
    assert page.locator("[data-testid='alert-total']").first.inner_text() == "0"
    page.goto("/alerts/")
    assert page.locator("[data-testid='alert-total']").first.inner_text() == "300"
    assert _first_row(page).get_attribute("data-alert-level") == "info"
