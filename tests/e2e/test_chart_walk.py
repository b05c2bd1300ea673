# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""The chart (medications, allergies, notes) in chromium: add a medication and an allergy, write, sign and amend a
note, see the allergy and the medication class in the chair's safety header; each page at 1366, 820 and 390 px
without sideways scrolling. Screenshots go to ``test-artifacts/chart-*.png`` (and ``$KTRD_SHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_journey import ARTIFACTS, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = {1366: 768, 820: 1180, 390: 844}


def _seed(users: dict[str, Any]) -> tuple[int, int]:
    from django.utils import timezone

    from ketamine_trd.clinic.chartnotes import services
    from ketamine_trd.clinical.inputs.chart import MedicationInput
    from tests.clinic.builders import make_course, make_patient, make_session

    patient = make_patient(users["nurse"].clinic, mrn="CHART-0001", given_name="Robin", family_name="Ashe")
    session = make_session(make_course(patient, prescriber=users["prescriber"]), chair="Chair 2")
    now = timezone.now()
    for name, dose in (("Sertraline", "150 mg each morning"), ("Flonase", "1 spray daily")):
        services.add_medication(users["nurse"], patient.pk, MedicationInput(name=name, dose_text=dose), now=now)
    return patient.pk, session.pk


def _walk(j: Journey, name: str, url: str) -> None:
    extra = os.environ.get("KTRD_SHOTS")
    for width, height in SCREENS.items():
        j.page.set_viewport_size({"width": width, "height": height})
        j.page.goto(url)
        scroll = j.page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width} px ({scroll} px wide)"
        j.shot(f"{name}-{width}")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            j.page.screenshot(path=f"{extra}/{name}-{width}.png", full_page=True)


def test_chart_lists_notes_and_the_chair_header(page: Any, users: dict[str, Any]) -> None:
    patient_id, session_id = _seed(users)
    j = Journey(page, "chart")
    _login(j, "journey-nurse")
    page.goto(f"/patients/{patient_id}/chart/")
    page.locator("summary", has_text="Add a medication").click()
    j.fill({"medication-name": "Lorazepam 1 mg", "medication-dose_text": "0.5 mg at night as needed",
            "medication-started_on": (dt.date.today() - dt.timedelta(days=40)).isoformat()})  # fmt: skip
    j.submit("form:has(input[value='medication'])")
    assert "Benzodiazepine" in page.locator("[data-testid=medications]").inner_text()
    page.locator("summary", has_text="Add an allergy").click()
    j.fill({"allergy-substance": "Penicillin", "allergy-reaction": "rash", "allergy-severity": "moderate"})
    j.submit("form:has(input[value='allergy'])")
    assert "Penicillin" in page.locator("[data-testid=header-allergies]").inner_text()

    page.goto(f"/patients/{patient_id}/notes/new/?session={session_id}")
    j.fill({"subjective": "Tolerated the dose (synthetic).", "assessment": "Settled within the hour.",
            "plan": "Next session as planned."})  # fmt: skip
    j.submit()
    page.locator("form:has(input[value='sign']) button").click()
    page.wait_for_load_state()
    assert "Signed" in page.locator("[data-testid=note-status]").inner_text()
    j.fill({"addendum-text": "Telephoned the next day: well (synthetic)."})
    j.submit("form:has(input[value='addendum'])")
    assert "Telephoned" in page.locator("[data-testid=addenda]").inner_text()
    note_url = page.url

    header = f"/sessions/{session_id}/"
    page.goto(header)
    text = page.locator("[data-testid=safety-header]").inner_text()
    assert "Penicillin" in text and "Benzodiazepine" in text
    assert page.locator("[name='checklist-concomitant'][value='benzodiazepine']").is_checked()
    for name, url in (("chart", f"/patients/{patient_id}/chart/"), ("note", note_url),
                      ("patient", f"/patients/{patient_id}/"), ("chair", header),
                      ("note-new", f"/patients/{patient_id}/notes/new/")):  # fmt: skip
        _walk(j, name, url)
    assert ARTIFACTS.exists()
