# ruff: noqa: F811  (pytest fixtures imported from test_journey)
"""Site settings, consent and the chair's consent gate walked in chromium at 1366, 820 and 390 px (issue 14).

The admin changes a setting on the settings page (saved as a new version, the value then says "site decision"); the
nurse sees the consent gate in the chair's "before dosing" step, records the patient's witnessed consent, and the
gate is gone. No page scrolls sideways. Screenshots go to ``test-artifacts/site-*.png`` (and ``KTRD_SHOTS``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _login, page, users  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = {1366: 768, 820: 1180, 390: 844}


def _seed(users: dict[str, Any]) -> dict[str, int]:
    from ketamine_trd.clinic.accounts.models import User
    from ketamine_trd.clinic.site import consent_service
    from ketamine_trd.clinical.inputs.site import ConsentDocumentInput
    from tests.clinic.builders import make_course, make_eligible, make_patient, make_session, start_induction

    clinic = users["nurse"].clinic
    admin = User(username="journey-admin", role="admin", clinic=clinic, first_name="Admin", last_name="Journey")
    admin.set_password(PASSWORD)
    admin.save()
    consent_service.publish_document(admin, ConsentDocumentInput(
        "esketamine-nasal", "Consent to esketamine nasal spray (synthetic)",
        "SYNTHETIC TEST TEXT. Sedation, dissociation, blood pressure; no driving until the next day."),
        now=dt.datetime.now(dt.UTC))  # fmt: skip
    patient = make_patient(clinic, given_name="Robin", family_name="Ashe")
    make_eligible(patient, users["prescriber"], "esketamine-nasal")
    plan = {"indication": "trd", "sessions": [{"number": 1, "dose_mg": 56, "mg_per_kg": None, "phase": "induction"}]}
    course = start_induction(make_course(patient, phase="evaluation", plan_data=plan), users["prescriber"])
    session = make_session(course, scheduled_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20))
    return {"patient": patient.pk, "session": session.pk, "witness": users["nurse"].pk}


def _shots(j: Journey, name: str) -> None:
    out = Path(os.environ.get("KTRD_SHOTS", str(ARTIFACTS)))
    out.mkdir(parents=True, exist_ok=True)
    for width, height in SCREENS.items():
        j.page.set_viewport_size({"width": width, "height": height})
        overflow = j.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width} px by {overflow} px"
        j.page.screenshot(path=str(out / f"site-{name}-{width}.png"), full_page=True)
    j.page.set_viewport_size({"width": 1366, "height": 768})


def test_settings_and_consent_walk(page: Any, users: dict[str, Any]) -> None:
    from django.test import override_settings

    ids = _seed(users)
    j = Journey(page, "site")
    with override_settings(KTRD_ADMIN_TOTP_REQUIRED=False):  # an admin enrols TOTP first; not walked here
        _admin_steps(j)
    _nurse_steps(j, ids)


def _admin_steps(j: Journey) -> None:
    _login(j, "journey-admin")
    j.page.goto("/site/settings/")
    _shots(j, "settings")
    j.fill({"dose_window_hours": "8", "reason": "chairs run late on Fridays"})
    j.submit("[data-testid=settings-form]")
    assert "Saved as settings version 2" in j.page.content()
    row = j.page.locator("[data-testid=setting-dose_window_hours]").inner_text()
    assert "8 h" in row and "site decision" in row
    j.page.goto("/site/consent/")
    _shots(j, "consent-documents")
    j.page.context.clear_cookies()


def _nurse_steps(j: Journey, ids: dict[str, int]) -> None:
    _login(j, "journey-nurse")
    j.page.goto(f"/sessions/{ids['session']}/?step=before")
    assert "No consent recorded" in j.page.locator("[data-testid=session-dosing-gate]").inner_text()
    _shots(j, "chair-consent-gate")
    j.page.goto(f"/patients/{ids['patient']}/consent/")
    j.fill({"typed_name": "Robin Ashe", "witness_id": str(ids["witness"])})
    j.submit("[data-testid=consent-form]")
    assert "Consent recorded." in j.page.content()
    _shots(j, "patient-consent")
    j.page.goto(f"/sessions/{ids['session']}/?step=before")
    assert j.page.locator("[data-testid=session-dosing-gate]").count() == 0
