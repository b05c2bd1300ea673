# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""The dashboard, the worklist and the patient pages walked in chromium at 1366, 820 and 390 px (issue 12).

Prescriber and nurse walk the dashboard, the worklist, the patient list and a patient's page; the front desk and
the researcher see the dashboard's counts. At 1366 and 820 px the critical alerts and today's chairs are in the
first screen; no page scrolls sideways; axe-core (axe-playwright-python) finds no serious or critical violation on
the dashboard and the worklist. Screenshots (the first screen) go to ``test-artifacts/dash-*.png``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = {1366: 768, 820: 1180, 390: 844}  # laptop, tablet (portrait), phone
ZONE = "America/Chicago"


def _seed(users: dict[str, Any]) -> dict[str, int]:
    from django.core.cache import cache

    from ketamine_trd.clinic.accounts.models import User
    from ketamine_trd.clinic.measurement.models import Alert
    from ketamine_trd.clinic.records.models import Course, Patient, Session
    from tests.clinic.builders import make_eligible

    cache.clear()
    clinic = users["nurse"].clinic
    clinic.time_zone = ZONE
    clinic.save()
    for role in ("front_desk", "researcher"):
        user = User(username=f"journey-{role}", role=role, clinic=clinic, first_name=role.title(), last_name="Walk")
        user.set_password(PASSWORD)
        user.save()
    now = dt.datetime.now(dt.UTC)
    names = [("Kai", "Ingram"), ("Robin", "Ashe"), ("Łucja", "Nowak"), ("Sam", "Fenn"), ("Noel", "Brook"),
             ("Jamie", "Pryce"), ("Rowan", "Marsh"), ("Emery", "Dale"), ("Skyler", "Thorne")]  # fmt: skip
    patients = [
        Patient.objects.create(clinic=clinic, mrn=f"WALK-{n:04d}", given_name=given, family_name=family,
                               date_of_birth=dt.date(1975 + n, 3, 1), sex="female", created_at=now, updated_at=now)
        for n, (given, family) in enumerate(names)
    ]  # fmt: skip
    make_eligible(patients[0], users["prescriber"], "esketamine-nasal", "ketamine-iv")
    local_noon = now.astimezone(dt.timezone(dt.timedelta(hours=-6))).replace(hour=8, minute=0, second=0)
    for n, patient in enumerate(patients):
        product, route = ("ketamine-iv", "iv") if n % 3 == 0 else ("esketamine-nasal", "nasal")
        course = Course.objects.create(
            patient=patient,
            product=product,
            route=route,
            phase="induction",
            start_date=now.date() - dt.timedelta(days=10),
            created_at=now,
            updated_at=now,
        )
        Session.objects.create(course=course, patient=patient, chair=f"Chair {n % 3 + 1}",
                               scheduled_at=local_noon + dt.timedelta(minutes=30 * n), created_at=now, updated_at=now,
                               status="in_progress" if n < 3 else "planned")  # fmt: skip
    alerts = [
        Alert(patient=patients[k], kind="suicide_item", level="critical", rule="phq9:phq9.item9_positive",
              source="simon-2013", object_key=f"assessment:{k}", raised_at=now - dt.timedelta(hours=k),
              message="PHQ-9 item 9 (thoughts of death or self-harm) is above 0: a clinician must review now and a "
                      "C-SSRS screener is due, whatever the total score.")
        for k in range(3)
    ]  # fmt: skip
    alerts += [
        Alert(patient=patients[3 + k % 6], kind="blood_pressure" if k % 2 else "safety_signal",
              level="high" if k < 5 else "warning", rule=f"walk.rule.{k % 4}", source="platform-defined",
              object_key=f"walk:{k}", raised_at=now - dt.timedelta(days=1, minutes=k),
              message=f"Blood pressure 168/104 mmHg at the 40-minute reading (walk alert {k}).")
        for k in range(120)
    ]  # fmt: skip
    Alert.objects.bulk_create(alerts)
    return {"kai": patients[0].pk}


def _no_side_scroll(page: Any, width: int, what: str) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    widest = page.evaluate(
        """(w) => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w)
              .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))""",
        width,
    )
    assert scroll <= width, f"{what}: {scroll} px wide at {width} px: {widest}"


def _first_screen_holds_criticals_and_chairs(page: Any, height: int, what: str) -> None:
    last_critical = page.locator("[data-testid='critical-list'] li").last.bounding_box()
    last_chair = page.locator("[data-testid='chair']").last.bounding_box()
    assert last_critical and last_critical["y"] + last_critical["height"] <= height, what
    assert last_chair and last_chair["y"] + last_chair["height"] <= height, f"{what}: chairs end at {last_chair}"


def _axe(page: Any, name: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    (ARTIFACTS / f"dash-axe-{name}.json").write_text(json.dumps(results.response["violations"], indent=1))
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_walk_dashboard_worklist_and_patients(page: Any, users: dict[str, Any]) -> None:
    ids = _seed(users)
    heights: dict[str, int] = {}
    for role in ("prescriber", "nurse"):
        page.context.clear_cookies()
        _login(Journey(page, "dash"), f"journey-{role}")
        for width, height in SCREENS.items():
            page.set_viewport_size({"width": width, "height": height})
            pages = {
                "dashboard": "/",
                "worklist": "/alerts/",
                "patients": "/patients/?q=Ingram, Kai",
                "patient": f"/patients/{ids['kai']}/",
            }
            for name, url in pages.items():
                response = page.goto(url)
                assert response is not None and response.status == 200, (role, url)
                assert page.locator("[data-testid='time-zone']").count() == (0 if name == "patients" else 1)
                page.screenshot(path=str(ARTIFACTS / f"dash-{name}-{role}-{width}.png"))
                _no_side_scroll(page, width, f"{role} {name}")
                heights[f"{role} {name} {width}"] = page.evaluate("() => document.documentElement.scrollHeight")
                if name == "dashboard" and width > 400:
                    _first_screen_holds_criticals_and_chairs(page, height, f"{role} {width}")
                if name == "patients":
                    assert page.locator("[data-testid='patient-list'] tbody tr").count() == 1
                    assert page.locator("[data-testid='register-patient']").is_visible()
                if name == "patient":
                    assert page.locator("[data-testid='screenings'] tbody tr").count() == 2
                    assert page.locator("[data-testid='patient-alerts'] li").count() == 1
            if role == "prescriber" and width in (1366, 390):
                for name, url in (("dashboard", "/"), ("worklist", "/alerts/?level=high")):
                    page.goto(url)
                    serious = _axe(page, f"{name}-{width}")
                    assert not serious, f"{name} at {width}: {serious}"

    # the nurse opens a chart from the dashboard's chair row
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto("/")
    page.locator("[data-testid='chair-session'] a").first.click()
    page.wait_for_load_state()
    assert "/sessions/" in page.url

    # the worklist's filter: a bad value is refused by name (400), a good one pages within the filter
    response = page.goto("/alerts/?level=urgent")
    assert response is not None and response.status == 400
    assert "Level:" in page.locator("[data-testid='filter-errors']").inner_text()
    page.goto("/alerts/")
    page.select_option("#id_level", "warning")
    page.locator("[data-testid='worklist-filters'] button[type=submit]").click()
    page.wait_for_load_state()
    pager = page.locator("[data-testid='alert-pager']").first.inner_text()
    assert "level=warning" in page.url and "Page 1 of 3" in pager
    page.locator("a[rel=next]").first.click()
    page.wait_for_load_state()
    assert "level=warning" in page.url and "page=2" in page.url
    page.screenshot(path=str(ARTIFACTS / "dash-worklist-filtered-820.png"))

    for role in ("front_desk", "researcher"):
        page.context.clear_cookies()
        _login(Journey(page, "dash"), f"journey-{role}")
        for width, height in SCREENS.items():
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto("/")
            assert response is not None and response.status == 200
            assert page.locator("[data-testid='critical-list']").count() == 0  # counts only
            _no_side_scroll(page, width, f"{role} dashboard")
            page.screenshot(path=str(ARTIFACTS / f"dash-dashboard-{role}-{width}.png"))
        body = page.content()
        assert ("Kai Ingram" in body) == (role == "front_desk")
    (ARTIFACTS / "dash-heights.json").write_text(json.dumps(heights, indent=1))
