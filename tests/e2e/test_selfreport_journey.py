# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""A patient answers on a phone (390 px): link, date of birth, PHQ-9 with item 9 = 2, crisis text; the critical
alert is first on the clinic's worklist; the link refuses reuse. The tablet locks between two patients. axe-core
finds no serious or critical violation on any patient page. Screenshots go to ``/tmp/shots/selfreport/``.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest

from tests.e2e.test_journey import PASSWORD, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = pathlib.Path("/tmp/shots/selfreport")


def _axe(tab: Any, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, where + ": " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad)


def _shot(tab: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _patient(users: dict[str, Any], family: str) -> Any:
    from ketamine_trd.clinic.records.models import Patient

    now = dt.datetime.now(dt.UTC)
    return Patient.objects.create(clinic=users["nurse"].clinic, mrn=f"SR-{family}", given_name="Robin",
                                  family_name=family, date_of_birth=dt.date(1979, 4, 2), created_at=now,
                                  updated_at=now)  # fmt: skip


def _answer_phq9(tab: Any, q9: int) -> None:
    for n in range(1, 10):
        value = q9 if n == 9 else 1
        tab.locator(f"input[name='phq9__q{n}'][value='{value}']").check()


def test_patient_link_on_a_phone_crisis_text_alert_first_and_no_reuse(page: Any, users: dict[str, Any]) -> None:
    from ketamine_trd.clinic.selfreport import services

    patient = _patient(users, "Phone")
    issued = services.issue_link(users["nurse"], patient.pk, ("phq9",), now=dt.datetime.now(dt.UTC))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/r/{issued.token}/")
    _axe(page, "identity")
    _shot(page, "390-01-identity")
    page.fill("[name='date_of_birth']", "1980-01-01")
    page.locator("button[type=submit]").click()
    assert "does not match" in page.content()
    _shot(page, "390-02-identity-wrong")
    _axe(page, "identity wrong")
    page.fill("[name='date_of_birth']", "1979-04-02")
    page.locator("button[type=submit]").click()
    assert "/answer/" in page.url
    _axe(page, "questions")
    _shot(page, "390-03-questions")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width})"
    _answer_phq9(page, q9=2)
    page.locator("button[type=submit]").click()
    body = page.content()
    assert "988" in body or "emergency" in body
    assert "Please read this now" in body
    _axe(page, "done")
    _shot(page, "390-04-crisis")
    # the clinic's worklist: the critical alert first
    staff = page.context.browser.new_context(base_url=page.url.split("/r/")[0], viewport={"width": 1366, "height": 900})
    tab = staff.new_page()
    j = Journey(tab, "selfreport")
    _login(j, users["nurse"].username)
    tab.goto("/alerts/")
    first = tab.locator("[data-testid='alert-table'] tbody tr").first
    assert "Phone" in first.inner_text() and "Critical" in first.inner_text()
    _shot(tab, "1366-05-worklist")
    tab.goto(f"/patients/{patient.pk}/self-report/")
    _shot(tab, "1366-06-staff-links")
    tab.set_viewport_size({"width": 820, "height": 1000})
    _shot(tab, "820-06-staff-links")
    staff.close()
    # reuse refused
    page.goto(f"/r/{issued.token}/")
    assert "used already" in page.content()
    _axe(page, "closed")
    _shot(page, "390-07-used")


def test_tablet_locks_between_two_patients(page: Any, users: dict[str, Any]) -> None:
    first, second = _patient(users, "Tabletone"), _patient(users, "Tablettwo")
    page.set_viewport_size({"width": 820, "height": 1180})
    j = Journey(page, "selfreport-tablet")
    for n, patient in enumerate((first, second)):
        _login(j, users["nurse"].username)
        page.goto(f"/patients/{patient.pk}/self-report/")
        page.locator("form[action$='/tablet/'] [name='password']").fill(PASSWORD)
        page.locator("form[action$='/tablet/'] button[type=submit]").click()
        assert page.url.endswith("/tablet/")
        assert patient.family_name not in page.content()
        _axe(page, "tablet questions")
        _shot(page, f"820-tablet-{n}-questions")
        _answer_phq9(page, q9=0)
        page.locator("button[type=submit]").click()
        assert "hand the tablet back" in page.content()
        _shot(page, f"820-tablet-{n}-done")
        page.go_back()
        page.reload()
        assert "This tablet is locked" in page.content()
        assert "Tablet" not in page.locator("main").inner_text().replace("This tablet", "")
        _axe(page, "tablet locked")
        _shot(page, f"820-tablet-{n}-locked")
        page.goto(f"/patients/{patient.pk}/measurement/")
        assert "/accounts/login" in page.url  # the staff session ended on this device
