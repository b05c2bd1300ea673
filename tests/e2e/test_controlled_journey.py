"""The controlled-substance log in a real browser (Playwright driving Debian's chromium), as issue 14 asks:
receive vials, chart an IV dose and see the vial drawn down, record a witnessed waste (the witness re-enters their
password on the form), the inventory report balances, and a count missing 10 mg cannot close without a reason.

Each page is photographed at 1366, 820 and 390 px into ``test-artifacts/`` (and ``KTRD_SHOTS`` when set).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _local, _login, page, users  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (1366, 820, 390)


def _shoot(j: Journey, name: str) -> None:
    folders = [ARTIFACTS] + ([Path(os.environ["KTRD_SHOTS"])] if os.environ.get("KTRD_SHOTS") else [])
    for width in WIDTHS:
        j.page.set_viewport_size({"width": width, "height": 900})
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            j.page.screenshot(path=str(folder / f"controlled-{name}-{width}.png"), full_page=True)
    j.page.set_viewport_size({"width": 1366, "height": 900})
    j.passed.append(name)


def _iv_session(staff: dict[str, Any]) -> Any:
    from ketamine_trd.clinic.records.services import courses
    from tests.clinic.builders import make_eligible, make_patient, make_session, ready_to_dose, start_induction

    patient = make_patient(staff["prescriber"].clinic, mrn="E2E-CS-1", given_name="Vera", family_name="Vial",
                           weight_kg=Decimal("81.6"))  # fmt: skip
    make_eligible(patient, staff["prescriber"], "ketamine-iv")
    course = courses.plan_new_course(staff["prescriber"], patient.pk, courses.CourseInput(
        product="ketamine-iv", start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    course = start_induction(course, staff["prescriber"])
    session = make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))
    ready_to_dose(staff["nurse"], session, timezone.now() - dt.timedelta(minutes=16))  # checklist, pre-dose BP
    return session


def test_chart_a_dose_waste_with_a_witness_report_balances_and_a_short_count_needs_a_reason(
    page: Any,  # noqa: F811
    users: dict[str, Any],  # noqa: F811
) -> None:
    from ketamine_trd.clinic.controlled.models import Count, Entry, Lot

    session = _iv_session(users)
    nurse = Journey(page, "controlled")
    _login(nurse, "journey-nurse")

    page.goto("/controlled/receive/")
    nurse.fill({"substance": "ketamine", "lot_number": "KET-E2E", "supplier_name": "Example Wholesale (synthetic)",
                "expires_on": f"{timezone.localdate().year + 1}-06-30", "units_received": "2",
                "received_on": timezone.localdate().isoformat(), "concentration_mg_per_ml": "50",
                "volume_ml_per_unit": "10"})  # fmt: skip
    nurse.submit("[data-testid='form-receive']")
    assert "1000 mg on hand" in page.locator("[data-testid='lot-on-hand']").inner_text()
    _shoot(nurse, "received")

    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15)).replace(second=0, microsecond=0)
    page.goto(f"/sessions/{session.pk}/?step=dosing")
    assert "KET-E2E" in page.locator("[data-testid='lots-in-stock']").inner_text()  # the nurse picks from these
    dose = page.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-dosed_at']").fill(_local(t0))
    dose.locator("[name='dose-lot_number']").fill("KET-MISSING")
    dose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "is not a lot in the controlled log" in page.content() and "KET-E2E" in page.content()
    dose = page.locator("[data-testid='form-dose']")
    dose.locator("[name='dose-lot_number']").fill("KET-E2E")
    dose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    lot = Lot.objects.get(lot_number="KET-E2E")
    assert lot.on_hand_mg == Decimal("959.2") and lot.sealed_units == 1
    _shoot(nurse, "dose-charted")

    page.goto("/controlled/")
    assert page.locator("[data-testid='on-hand-KET-E2E']").inner_text() == "959.2 mg"
    _shoot(nurse, "stock-drawn-down")

    page.goto(f"/controlled/lots/{lot.pk}/")
    waste = page.locator("[data-testid='form-waste']")
    nurse.fill({"mg": "459.2", "manner": "remainder of the opened vial squirted into the waste bin",
                "witness_username": "journey-prescriber", "witness_password": "wrong-password"})  # fmt: skip
    waste.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "did not match the witness" in page.content()
    assert not Entry.objects.filter(kind="waste").exists()
    _shoot(nurse, "waste-witness-refused")
    nurse.fill({"witness_password": PASSWORD})
    page.locator("[data-testid='form-waste']").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "witnessed by journey-prescriber" in page.content()
    assert page.locator("[data-testid='lot-on-hand']").inner_text().startswith("500 mg on hand")
    _shoot(nurse, "waste-witnessed")

    page.goto("/controlled/reconcile/")
    count = page.locator("[data-testid='count-KET-E2E']")
    count.locator(f"[name='lot{lot.pk}-counted_mg']").fill("490")
    count.locator(f"[name='lot{lot.pk}-counted_units']").fill("1")
    page.locator("[data-testid='form-reconcile'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "10 mg short" in page.content() and not Count.objects.exists()
    _shoot(nurse, "count-short-refused")
    page.locator(f"[name='lot{lot.pk}-reason']").fill("10 mg spilled while drawing up; seen by the prescriber")
    page.locator("[data-testid='form-reconcile'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Reconciliation closed" in page.content() and Count.objects.count() == 1
    _shoot(nurse, "count-closed")

    page.goto("/controlled/report/")
    assert "The report balances" in page.locator("[data-testid='report-balances']").inner_text()
    row = page.locator("[data-testid='report-lot-KET-E2E']").inner_text()
    assert "1000 mg" in row and "40.8 mg" in row and "459.2 mg" in row and "-10 mg" in row and "490 mg" in row
    _shoot(nurse, "report")
    pdf = page.request.get("/controlled/report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    csv_text = page.request.get("/controlled/report.csv").text()
    assert "KET-E2E" in csv_text and ",yes," in csv_text
