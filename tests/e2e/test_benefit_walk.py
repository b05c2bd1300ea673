# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""The benefit panel and the calibration page walked in chromium at 1366, 820 and 390 px (issue 15).

A treated patient (six IV sessions, seven MADRS ratings) shows the predicted course, its band and the suggested
window; the calibration table is one click away. No page scrolls sideways. Screenshots (full page) go to
``test-artifacts/benefit-*.png``, or to ``KTRD_SHOTS`` when set.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_dash_walk import _no_side_scroll
from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = {1366: 768, 820: 1180, 390: 844}
LABEL = "model estimate, calibrated to published group results; not a dosing instruction"


def _seed(users: dict[str, Any]) -> int:
    from django.core.cache import cache

    from ketamine_trd.clinic.measurement import services
    from ketamine_trd.clinical import instruments
    from tests.clinic.builders import make_patient, make_session, make_treated_course

    cache.clear()
    patient = make_patient(users["nurse"].clinic, given_name="Robin", family_name="Ashe")
    course = make_treated_course(patient, users["prescriber"], product="ketamine-iv")
    now = dt.datetime.now(dt.UTC)
    day0 = now - dt.timedelta(days=21)
    for d in (0, 2, 4, 7, 9, 11):
        at = day0 + dt.timedelta(days=d)
        make_session(course, scheduled_at=at, status="signed", dosed_at=at, dose_mg=35, infusion_duration_min=40)
    items = instruments.get("madrs").items
    for d, total in ((-1, 32), (1, 18), (3, 15), (5, 13), (8, 11), (10, 10), (12, 9), (19, 15)):
        answers = {item.id: min(6, max(0, total - 6 * k)) for k, item in enumerate(items)}
        services.record_assessment(users["nurse"], patient.pk, "madrs", answers,
                                   administered_at=day0 + dt.timedelta(days=d, hours=2), now=now)  # fmt: skip
    return int(patient.pk)


def test_benefit_panel_and_calibration_walk(page: Any, users: dict[str, Any]) -> None:
    shots = Path(os.environ.get("KTRD_SHOTS", str(ARTIFACTS)))
    shots.mkdir(parents=True, exist_ok=True)
    patient_id = _seed(users)
    j = Journey(page, "benefit")
    _login(j, "journey-nurse")
    for width, height in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/patients/{patient_id}/measurement/")
        panel = page.locator("[data-testid='benefit-panel']")
        assert panel.locator("svg").count() == 1
        assert LABEL in panel.inner_text().replace("Model estimate", "model estimate")
        _no_side_scroll(page, width, f"patient page at {width}")
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(shots / f"benefit-panel-{width}.png"))
        page.click("[data-testid='benefit-calibration-link']")
        page.wait_for_load_state()
        assert "/benefit-model/calibration/" in page.url
        assert page.locator("[data-testid='calibration-table'] tbody tr").count() >= 13
        _no_side_scroll(page, width, f"calibration page at {width}")
        page.screenshot(path=str(shots / f"benefit-calibration-{width}.png"), full_page=True)
