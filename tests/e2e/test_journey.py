"""The critical journey in a real browser (Playwright for Python driving Debian's chromium).

Log in; register a patient; complete intake (treatment history and screening); plan an esketamine
course and book a session (the chart says no dose while the course is in evaluation); move the course to
induction (the eligibility gate); chart the session to a signed REMS record; enter a PHQ-9 with item 9
above 0 and see the alert; see the trajectory chart. A screenshot of every step goes to ``test-artifacts/``.

The browser is never downloaded: ``KTRD_CHROMIUM`` (set by ``scripts/test``) or ``/usr/bin/chromium``.
Where ``KTRD_CHROMIUM`` or ``CI`` is set, a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Journey-passphrase-2026!"  # nosec B105 - a test user's password
CHROMIUM = os.environ.get("KTRD_CHROMIUM", "/usr/bin/chromium")


def _browser_or_fail() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"chromium not found at {CHROMIUM} (apt-get install chromium; never a downloaded browser)"
    if os.environ.get("KTRD_CHROMIUM") or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def users(transactional_db: Any) -> dict[str, Any]:
    from ketamine_trd.clinic.accounts.models import Clinic, User

    clinic = Clinic.objects.create(name="Journey clinic", slug="journey", time_zone="UTC", rems_setting_id="HCS-TEST")
    made = {}
    for role in ("prescriber", "nurse"):
        user = User(username=f"journey-{role}", role=role, clinic=clinic, first_name=role.title(), last_name="Journey")
        user.set_password(PASSWORD)
        user.save()
        made[role] = user
    return made


@pytest.fixture
def page(live_server: Any, users: dict[str, Any]) -> Iterator[Any]:
    executable = _browser_or_fail()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the test thread
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        tab = context.new_page()
        yield tab
        context.close()
        browser.close()


class Journey:
    """Steps with a screenshot each; ``passed`` lists the steps that got through."""

    def __init__(self, page: Any, prefix: str) -> None:
        self.page = page
        self.prefix = prefix
        self.passed: list[str] = []

    def shot(self, name: str) -> None:
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.prefix}-{len(self.passed) + 1:02d}-{name}.png"), full_page=True
        )
        self.passed.append(name)

    def fill(self, values: dict[str, str]) -> None:
        """Fill form controls by name: selects by value, checkboxes with 'on'/'off', the rest by text."""
        for name, value in values.items():
            control = self.page.locator(f"[name='{name}']").first
            tag = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if tag.startswith("select"):
                control.select_option(value)
            elif tag.endswith(":checkbox"):
                control.set_checked(value == "on")
            else:
                control.fill(value)

    def submit(self, form: str = "main form") -> None:
        self.page.locator(form).locator("button[type=submit], input[type=submit]").last.click()
        self.page.wait_for_load_state()

    def reauthenticate_if_asked(self) -> None:
        if "/accounts/reauth" in self.page.url:
            self.page.fill("[name='password']", PASSWORD)
            self.submit()


def _login(j: Journey, username: str) -> None:
    j.page.goto("/accounts/login/")
    j.page.fill("[name='username']", username)
    j.page.fill("[name='password']", PASSWORD)
    j.submit()
    assert "/accounts/login" not in j.page.url, j.page.content()[:500]


def test_intake_to_signed_session_and_measurement(page: Any, users: dict[str, Any]) -> None:
    j = Journey(page, "journey")
    today = dt.date.today()

    # 1. log in (the prescriber does intake, plans the course and signs)
    _login(j, "journey-prescriber")
    assert page.locator("h1").first.inner_text()
    j.shot("logged-in-dashboard")

    # 2. register a patient
    page.goto("/patients/new/")
    j.fill(
        {
            "mrn": "E2E-0001",
            "given_name": "Journey",
            "family_name": "Patient",
            "date_of_birth": "1980-05-17",
            "sex": "female",
            "weight": "72",
            "weight_unit": "kg",
            "height": "168",
            "height_unit": "cm",
        }
    )
    j.submit()
    assert re.search(r"/patients/\d+/$", page.url), page.url
    patient_url = page.url
    patient_id = int(patient_url.rstrip("/").rsplit("/", 1)[1])
    assert "Journey Patient" in page.content()
    j.shot("patient-registered")

    # 3. intake: treatment history (two failed adequate trials) and medical screening, signed off
    page.goto(f"/patients/{patient_id}/intake/trd/")
    j.fill({"duration_months": "18", "severity": "moderate"})
    for i, (drug, dose) in enumerate((("sertraline", "150"), ("venlafaxine", "225"))):
        prefix = page.locator("[name$='drug']").nth(i).get_attribute("name").removesuffix("drug")
        j.fill(
            {
                f"{prefix}drug": drug,
                f"{prefix}daily_dose_mg": dose,
                f"{prefix}weeks": "8",
                f"{prefix}improvement_percent": "10",
            }
        )
    j.submit()
    j.shot("intake-trd")
    page.goto(f"/patients/{patient_id}/intake/screening/")
    # nothing is pre-chosen: sex, hepatic impairment and pregnancy are answered (the screening judges only then)
    j.fill({"sex": "female", "pregnant": "no", "hepatic_impairment": "none", "systolic_mmhg": "124",
            "diastolic_mmhg": "78"})  # fmt: skip
    if page.locator("[name='rems_enrolled']").count():
        j.fill({"rems_enrolled": "true"})
    j.submit()
    j.shot("intake-screening")
    page.goto(patient_url)
    for _ in range(2):  # sign off each intake result (TRD verdict, screening decision)
        buttons = page.locator("form[action*='sign-off'] button")
        if not buttons.count():
            break
        buttons.first.click()
        page.wait_for_load_state()
        j.reauthenticate_if_asked()
        page.goto(patient_url)
    assert not page.locator("form[action*='sign-off'] button").count()
    j.shot("intake-signed-off")

    # 4. plan an esketamine course
    page.goto(f"/patients/{patient_id}/courses/new/")
    product = page.locator("[name='product'] option").filter(has_text=re.compile("esketamine|spravato", re.I)).first
    j.fill({"product": product.get_attribute("value"), "start_date": today.isoformat()})
    j.submit()
    assert re.search(r"/courses/\d+/$", page.url), page.url
    course_url = page.url
    j.shot("course-planned")

    # 5. book a session (times in the past: dosing began about 3 hours ago); in evaluation the chart takes no dose
    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    page.goto(course_url)
    schedule = page.locator("form[action$='/sessions/new/']")
    schedule.locator("[name='scheduled_at']").fill(_local(t0))
    schedule.locator("[name='chair']").fill("chair 1")
    schedule.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"/sessions/\d+/$", page.url), page.url
    session_url = page.url
    assert "still in evaluation" in page.locator("[data-testid='session-dosing-gate']").inner_text()
    j.shot("session-scheduled-in-evaluation")

    # 5b. start induction: the eligibility gate is judged again, and the chart takes the dose
    page.goto(course_url)
    phase_form = page.locator("form[action$='/phase/']")
    phase_form.locator("[name='phase']").select_option("induction")
    phase_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    j.reauthenticate_if_asked()
    page.goto(course_url)
    assert page.locator("[data-testid='course-summary'] strong").first.inner_text().strip() == "Induction"
    page.goto(session_url)
    assert not page.locator("[data-testid='session-dosing-gate']").count()
    j.shot("course-induction-session-open")
    _chart_session(j, session_url, t0)
    j.shot("session-signed")
    page.locator("[data-testid='rems-link']").click()
    page.wait_for_load_state()
    assert "/rems/" in page.url
    j.shot("rems-record")

    _measurement_steps(j, patient_id, today)
    assert len(j.passed) == 14  # the measurement steps photograph the first chart and the interactive one


def _measurement_steps(j: Journey, patient_id: int, today: dt.date) -> None:
    """Enter a PHQ-9 with item 9 above 0, see the alert on the patient page and the worklist, see the chart."""
    page = j.page
    # 6. enter a PHQ-9 with item 9 above 0 and see the alert
    page.goto(f"/patients/{patient_id}/assessments/new/?instrument=phq9")
    for n, value in enumerate((2, 2, 1, 1, 1, 1, 1, 0, 1), start=1):
        page.fill(f"[name='item_q{n}']", str(value))
    page.fill("[name='administered_at']", f"{today.isoformat()}T00:01")
    j.submit("[data-testid='assessment-form']")
    alert_row = page.locator("[data-alert-kind='suicide_item']").first
    assert "PHQ-9 item 9" in alert_row.inner_text()
    j.shot("phq9-item9-alert")
    page.goto("/alerts/")
    assert page.locator("[data-alert-kind='suicide_item']").count() == 1
    j.shot("alert-worklist")

    # 7. see the trajectory chart: the server's drawing at once, Plotly's interactive one (from the installed
    # package's static file) on request
    page.goto(f"/patients/{patient_id}/measurement/?instrument=phq9")
    assert page.locator("[data-testid='trajectory-static'] svg[role='img']").count() == 1
    assert page.evaluate("typeof window.Plotly") == "undefined"  # not loaded until asked for
    j.shot("trajectory-static")
    page.locator("[data-testid='trajectory-interactive']").click()
    page.wait_for_selector("[data-testid='trajectory-chart'] .main-svg")
    assert page.locator("[data-testid='trajectory-chart'] .scatterlayer .trace").count() >= 1
    assert not page.locator("[data-testid='trajectory-static']").is_visible()
    j.shot("trajectory-chart")


def _local(moment: dt.datetime) -> str:
    """A datetime-local input value (the journey clinic's zone is UTC)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


def _chart_session(j: Journey, session_url: str, t0: dt.datetime) -> None:
    """Pre-dose checklist, pre-dose vitals, dose, ratings, timed vitals, discharge and signature."""
    page = j.page

    def at(minutes: int) -> str:
        return _local(t0 + dt.timedelta(minutes=minutes))

    steps: list[tuple[str, dict[str, str]]] = [
        (
            "checklist",
            {
                "checked_at": at(0),
                "rems_enrolled": "true",
                "first_treatment": "true",
                "last_food_at": at(-240),
                "last_liquid_at": at(-120),
                "concomitant_reviewed": "on",
                "safe_departure_arranged": "true",
            },
        ),
        (
            "vitals",
            {
                "taken_at": at(5),
                "timepoint": "predose",
                "systolic_mmhg": "124",
                "diastolic_mmhg": "78",
                "heart_rate_bpm": "72",
                "spo2_percent": "98",
            },
        ),
        ("dose", {"dosed_at": at(10), "dose_mg": "56", "lot_number": "LOT-E2E-1", "devices_used": "2"}),
        (
            "vitals",
            {
                "taken_at": at(50),
                "timepoint": "post-40",
                "systolic_mmhg": "136",
                "diastolic_mmhg": "84",
                "heart_rate_bpm": "76",
                "spo2_percent": "97",
            },
        ),
        ("rating", {"instrument_id": "moaas", "value": "5", "rated_at": at(50)}),
        (
            "vitals",
            {
                "taken_at": at(135),
                "timepoint": "discharge",
                "systolic_mmhg": "126",
                "diastolic_mmhg": "80",
                "heart_rate_bpm": "70",
                "spo2_percent": "98",
            },
        ),
        (
            "discharge",
            {
                "monitoring_completed_at": at(140),
                "ready_to_leave_minutes": "130",
                "vitals_ok_before_administration": "true",
                "vitals_ok_before_completion": "true",
                "sedation_observed": "false",
                "dissociation_observed": "false",
                "respiratory_depression_observed": "false",
                "clinically_stable": "true",
                "safe_departure_arranged": "true",
                "monitoring_hcp_id": "Nurse Journey",  # the nurse chosen by name (a user of the clinic)
            },
        ),
    ]
    step_of = {"checklist": "before", "dose": "dosing", "vitals": "monitoring", "rating": "monitoring",
               "discharge": "discharge"}  # the chart shows one step at a time
    for part, values in steps:
        page.goto(f"{session_url}?step={step_of[part]}")
        form = page.locator(f"[data-testid='form-{part}']")
        assert form.count() == 1, f"no '{part}' form on the session page"
        for name, value in values.items():
            control = form.locator(f"[name='{part}-{name}']").first
            kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind.startswith("select"):
                control.select_option(value)
            elif kind.endswith(":checkbox"):
                control.set_checked(value == "on")
            else:
                control.fill(value)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        errors = page.locator(".error, .errors").all_inner_texts()
        assert not errors, f"{part}: {errors}"
    page.goto(f"{session_url}?step=discharge")
    sign = page.locator("[data-testid='sign']")
    missing = page.locator("[data-testid='missing']").inner_text()
    assert sign.is_enabled(), f"cannot sign yet: {missing}"
    sign.click()
    page.wait_for_load_state()
    j.reauthenticate_if_asked()
    page.goto(session_url)
    assert page.locator("[data-testid='session-status']").inner_text().strip().lower() == "signed"


def test_score_entry_alert_and_chart_on_a_new_patient(page: Any, users: dict[str, Any]) -> None:
    """The measurement part of the journey on its own (a nurse registers a patient and enters a PHQ-9)."""
    j = Journey(page, "measurement")
    _login(j, "journey-nurse")
    page.goto("/patients/new/")
    j.fill({"mrn": "E2E-0002", "given_name": "Score", "family_name": "Entry", "date_of_birth": "1975-02-03"})
    j.submit()
    patient_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.goto(f"/patients/{patient_id}/assessments/new/?instrument=phq9")
    page.fill("[name='item_q9']", "4")
    j.submit("[data-testid='assessment-form']")
    refusal = page.locator(".field.has-error .error").inner_text()  # under the item, in the engine's words
    assert refusal.startswith("q9") and "4 is not allowed (allowed: an integer from 0 to 3)" in refusal
    j.shot("out-of-range-refused")
    _measurement_steps(j, patient_id, dt.date.today())
