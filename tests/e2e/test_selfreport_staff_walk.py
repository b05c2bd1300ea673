# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""The measurement page of a patient with staff-entered and patient-reported PHQ-9s, walked at 1366, 820, 390 px.

The server-drawn chart and the interactive one name each kind of point in the legend; the table says who entered
each score. No page scrolls sideways. Screenshots go to ``test-artifacts/selfreport-staff-*.png`` or ``KTRD_SHOTS``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_dash_walk import _no_side_scroll
from tests.e2e.test_journey import ARTIFACTS, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = {1366: 768, 820: 1180, 390: 844}


def _seed(users: dict[str, Any]) -> int:
    from django.core.cache import cache

    from ketamine_trd.clinic.measurement import services
    from ketamine_trd.clinic.selfreport import services as selfreport
    from ketamine_trd.clinic.selfreport.models import ReportLink
    from tests.clinic.builders import make_patient

    cache.clear()
    nurse = users["nurse"]
    patient = make_patient(nurse.clinic, given_name="Sam", family_name="Reyes")
    now = dt.datetime.now(dt.UTC)
    for days, level, channel in ((20, 2, ""), (13, 2, "link"), (9, 1, ""), (6, 1, "tablet"), (2, 1, "link")):
        at = now - dt.timedelta(days=days)
        answers = {f"q{n}": level for n in range(1, 9)} | {"q9": 0}
        if not channel:
            services.record_assessment(nurse, patient.pk, "phq9", answers, administered_at=at, now=now)
            continue
        link = selfreport.issue_link(nurse, patient.pk, ("phq9",), now=at, channel=channel).link
        ReportLink.objects.filter(pk=link.pk).update(verified_at=at)
        selfreport.submit(None, link.pk, {"phq9": answers}, now=at)
    return int(patient.pk)


def test_patient_reported_points_are_named_in_the_charts_and_table(page: Any, users: dict[str, Any]) -> None:
    shots = Path(os.environ.get("KTRD_SHOTS", str(ARTIFACTS)))
    shots.mkdir(parents=True, exist_ok=True)
    patient_id = _seed(users)
    j = Journey(page, "selfreport-staff")
    _login(j, "journey-nurse")
    for width, height in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/patients/{patient_id}/measurement/")
        still = page.locator("[data-testid='trajectory-static']")
        assert "Patient-reported (link)" in still.inner_html()
        assert "Patient-reported (waiting-room tablet)" in still.inner_html()
        table = page.locator("[data-testid='recent-assessments']")
        assert table.inner_text().count("Patient-reported (link)") == 2
        _no_side_scroll(page, width, f"measurement page at {width}")
        still.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"selfreport-staff-chart-{width}.png"))
        table.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"selfreport-staff-table-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("[data-testid='trajectory-interactive']")
    chart = page.locator("[data-testid='trajectory-chart']")
    chart.locator(".legend").wait_for()
    assert "Patient-reported (waiting-room tablet)" in chart.inner_text()
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(shots / "selfreport-staff-plotly-1366.png"))
