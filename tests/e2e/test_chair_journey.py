"""The chair view of issue 12 walked as a nurse at the chair and a prescriber signing, in Debian's chromium.

A whole IV ketamine session and a whole esketamine session are charted step by step (the chart opens at the step
the session is at) and signed, at the tablet width (820 px), the desktop (1366 px) and a phone (390 px), with no
horizontal scroll on any step. Re-saving the checklist to add "last food" keeps the answers saved before; one part
is charted with the keyboard only; axe-core finds no serious or critical violation on any step. Screenshots of
every step at every width go to ``test-artifacts/chair-*.png``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.test_journey import ARTIFACTS, PASSWORD, Journey, _local, _login, page, users  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (820, 1366, 390)


def _session(staff: dict[str, Any], product: str, t0: dt.datetime) -> Any:
    """A patient eligible for ``product``, a course planned by the prescriber and moved to induction (the
    eligibility gate passed), and a session booked at ``t0``."""
    from ketamine_trd.clinic.records.services import courses
    from tests.clinic.builders import make_eligible, make_patient, make_session, start_induction

    patient = make_patient(staff["prescriber"].clinic, given_name="Chair", family_name=f"Walk {product}",
                           sex="female", weight_kg=Decimal("81.6"))  # fmt: skip
    make_eligible(patient, staff["prescriber"], product)
    course = courses.plan_new_course(staff["prescriber"], patient.pk, courses.CourseInput(
        product=product, start_date=timezone.now().date()), now=timezone.now())  # fmt: skip
    course = start_induction(course, staff["prescriber"])
    return make_session(course, scheduled_at=t0 - dt.timedelta(minutes=20))


class Chair:
    """The chart of one session at one width: open it, check it fits, photograph it, fill a part, save it."""

    def __init__(self, j: Journey, session_id: int, width: int, name: str) -> None:
        self.j, self.page, self.url = j, j.page, f"/sessions/{session_id}/"
        self.width, self.name, self.shots = width, name, 0
        self.page.set_viewport_size({"width": width, "height": 1000})

    def open(self, step: str | None = None) -> str:
        self.page.goto(self.url + (f"?step={step}" if step else ""))
        self.fits()
        return str(self.page.locator("[data-testid='chart-step']").get_attribute("data-step"))

    def fits(self) -> None:
        widths = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{self.name} at {self.width}px scrolls sideways: {widths}"

    def shot(self, what: str) -> None:
        self.shots += 1
        path = ARTIFACTS / f"chair-{self.name}-{self.width}-{self.shots:02d}-{what}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def save(self, part: str, values: dict[str, str]) -> None:
        form = self.page.locator(f"[data-testid='form-{part}']")
        assert form.count() == 1, f"no '{part}' form on step {self.page.url}"
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
        self.page.wait_for_load_state()
        summary = self.page.locator("[data-testid='error-summary']")
        assert not summary.count(), f"{part}: {summary.inner_text()}"
        self.fits()


def _axe(tab: Any, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, where + ": " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad)


def _chart(chair: Chair, product: str, t0: dt.datetime, *, axe: bool = False) -> None:
    """Chart every part, each on the step the chart opens at by itself."""
    from ketamine_trd.clinic.records.models import Session

    esk = product == "esketamine-nasal"

    def at(minutes: int) -> str:
        return _local(t0 + dt.timedelta(minutes=minutes))

    assert chair.open() == "before"
    header = chair.page.locator("[data-testid='safety-header']")
    assert "MRN" in header.inner_text() and "Dosing weight: 81.6 kg" in header.inner_text()
    chair.shot("before")
    if axe:
        _axe(chair.page, "before dosing")
    checklist = {"checked_at": at(-15), "first_treatment": "true", "last_liquid_at": at(-120),
                 "concomitant_reviewed": "on", "safe_departure_arranged": "true"}  # fmt: skip
    if esk:
        checklist["rems_enrolled"] = "true"
    chair.save("checklist", checklist)
    # re-saving the checklist to add the last food keeps every answer saved before
    assert chair.page.locator("[name='checklist-safe_departure_arranged']").input_value() == "true"
    chair.save("checklist", {"last_food_at": at(-240)})
    stored = Session.objects.get(pk=int(chair.url.strip("/").rsplit("/", 1)[1])).checklist
    assert stored["safe_departure_arranged"] is True and stored["concomitant_reviewed"] is True
    assert stored["first_treatment"] is True and stored["last_food_at"] and stored["last_liquid_at"]
    assert stored["rems_enrolled"] is (True if esk else None)
    chair.save("vitals", {"taken_at": at(-10), "systolic_mmhg": "124", "diastolic_mmhg": "78",
                          "heart_rate_bpm": "72", "spo2_percent": "98"})  # fmt: skip
    chair.shot("before-charted")

    # charted after the fact (dosing 3 h ago), the pre-dose BP is judged against now until the dose is charted: the
    # chart stays before dosing (hold); the nurse moves on with the step bar
    assert chair.open() == "before"
    chair.page.locator("[data-testid='step-dosing']").click()
    chair.page.wait_for_load_state()
    assert chair.page.locator("[data-testid='chart-step']").get_attribute("data-step") == "dosing"
    dose_form = chair.page.locator("[data-testid='form-dose']")
    names = set(dose_form.locator("[name^='dose-']").evaluate_all("es => es.map(e => e.name)"))
    if esk:
        assert "dose-devices_used" in names and not {"dose-mg_per_kg", "dose-infusion_rate_ml_per_h"} & names
        assert dose_form.locator("[name='dose-dose_mg']").input_value() == "56"
        chair.save("dose", {"dosed_at": at(0), "lot_number": "LOT-ESK-1", "devices_used": "2"})
    else:
        assert {"dose-mg_per_kg", "dose-infusion_rate_ml_per_h"} <= names and "dose-devices_used" not in names
        assert dose_form.locator("[name='dose-dose_mg']").input_value() == "40.8"
        chair.save("dose", {"dosed_at": at(0), "lot_number": "LOT-IV-1", "infusion_duration_min": "40",
                            "infusion_ended_at": at(40)})  # fmt: skip
    chair.shot("dosed")
    if axe:
        _axe(chair.page, "dosing")

    assert chair.open() == "monitoring"
    assert chair.page.locator("[data-testid='timers'] .timer").count() >= 2
    if chair.width >= 820:  # the safety header stays in view while the step scrolls (tablet and desktop)
        chair.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        top = chair.page.evaluate("document.querySelector('[data-testid=safety-header]').getBoundingClientRect().top")
        assert 0 <= top < 60, top
        chair.page.evaluate("window.scrollTo(0, 0)")
    chair.shot("monitoring")
    chair.save("vitals", {"taken_at": at(40), "timepoint": "post-40", "systolic_mmhg": "136", "diastolic_mmhg": "84",
                          "heart_rate_bpm": "76", "spo2_percent": "97"})  # fmt: skip
    chair.save("rating", {"instrument_id": "moaas", "value": "5", "rated_at": at(45)})
    chair.save("rating", {"instrument_id": "cadss-23", "value": "2", "rated_at": at(45)})
    chair.save("vitals", {"taken_at": at(115), "timepoint": "discharge", "systolic_mmhg": "126",
                          "diastolic_mmhg": "80", "heart_rate_bpm": "70", "spo2_percent": "98"})  # fmt: skip
    chair.shot("monitoring-charted")
    if axe:
        _axe(chair.page, "monitoring")

    assert chair.open() == "discharge"
    discharge = {"monitoring_completed_at": at(125), "vitals_ok_before_administration": "true",
                 "vitals_ok_before_completion": "true", "sedation_observed": "false", "dissociation_observed": "true",
                 "respiratory_depression_observed": "false", "clinically_stable": "true",
                 "safe_departure_arranged": "true", "monitoring_hcp_id": "Nurse Journey"}  # fmt: skip
    if esk:
        discharge["ready_to_leave_minutes"] = "90"
    else:
        assert not chair.page.locator("[name='discharge-ready_to_leave_minutes']").count()
    chair.save("discharge", discharge)
    assert "Nothing missing." in chair.page.locator("[data-testid='missing']").inner_text()
    chair.shot("discharge")
    if axe:
        _axe(chair.page, "discharge")


def _sign(j: Journey, session_id: int, width: int, name: str) -> None:
    prescriber = Journey(j.page.context.browser.new_context(base_url=j.page.url.split("/sessions")[0]).new_page(),
                         "chair-prescriber")  # fmt: skip
    _login(prescriber, "journey-prescriber")
    chair = Chair(prescriber, session_id, width, name)
    chair.shots = 10  # after the nurse's
    assert chair.open() == "discharge"
    prescriber.page.locator("[data-testid='sign']").click()
    prescriber.page.wait_for_load_state()
    prescriber.reauthenticate_if_asked()
    assert chair.open() == "discharge"
    assert prescriber.page.locator("[data-testid='session-status']").inner_text() == "Signed"
    chair.shot("signed")
    prescriber.page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("product", ["ketamine-iv", "esketamine-nasal"])
def test_a_whole_session_is_charted_and_signed_step_by_step(page: Any, users: dict[str, Any], product: str,  # noqa: F811
                                                            width: int) -> None:  # fmt: skip
    from ketamine_trd.clinic.records.models import Session

    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    session = _session(users, product, t0)
    j = Journey(page, "chair")
    _login(j, "journey-nurse")
    name = "iv" if product == "ketamine-iv" else "esketamine"
    _chart(Chair(j, session.pk, width, name), product, t0, axe=width == 820)
    _sign(j, session.pk, width, name)
    assert Session.objects.get(pk=session.pk).status == "signed"


def test_a_refused_reading_is_summarised_where_the_eye_is(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
    session = _session(users, "esketamine-nasal", t0)
    j = Journey(page, "chair")
    _login(j, "journey-nurse")
    chair = Chair(j, session.pk, 820, "errors")
    chair.open("monitoring")
    form = page.locator("[data-testid='form-vitals']")
    form.locator("[name='vitals-taken_at']").fill(_local(t0))
    form.locator("[name='vitals-systolic_mmhg']").fill("300")
    form.locator("[name='vitals-diastolic_mmhg']").fill("80")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/sessions/{session.pk}/?step=monitoring")  # a page that opens again, not a POST URL
    summary = page.locator("[data-testid='error-summary']")
    assert "Systolic 300 mmHg is outside 50–260 mmHg" in summary.inner_text()
    assert summary.bounding_box()["y"] < 1000  # in the first screen
    assert page.evaluate("document.activeElement.name") == "vitals-systolic_mmhg"
    assert page.locator("[name='vitals-systolic_mmhg']").get_attribute("aria-invalid") == "true"
    chair.fits()
    chair.shot("refused")
    _axe(page, "refused reading")
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.name") == "vitals-systolic_mmhg"
    page.reload()  # the address opens again (no 405)
    assert page.locator("[data-testid='chart-step']").get_attribute("data-step") == "monitoring"


def test_a_part_is_charted_with_the_keyboard_only(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.records.models import SessionRating

    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
    session = _session(users, "esketamine-nasal", t0)
    j = Journey(page, "chair")
    _login(j, "journey-nurse")
    chair = Chair(j, session.pk, 820, "keyboard")
    assert chair.open() == "before"
    keys = page.keyboard

    def tab_to(selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            keys.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} not reached with the Tab key")

    tab_to("[data-testid='step-monitoring']")  # the step bar, by keyboard
    with page.expect_navigation():
        keys.press("Enter")
    assert page.locator("[data-testid='chart-step']").get_attribute("data-step") == "monitoring"
    tab_to("[name='rating-instrument_id']")
    keys.press("End")  # keys on the focused select: to the last rating, then back up to MOAA/S
    for _ in range(5):
        if page.locator("[name='rating-instrument_id']").input_value() == "moaas":
            break
        keys.press("ArrowUp")
    assert page.locator("[name='rating-instrument_id']").input_value() == "moaas"
    tab_to("[name='rating-value']")
    keys.type("4")
    tab_to("[name='rating-rated_at']")
    when = timezone.localtime(t0 + dt.timedelta(minutes=5))
    keys.type(when.strftime("%m%d%Y"))
    keys.press("Tab")  # to the hour
    keys.type(when.strftime("%I%M%p"))
    assert page.locator("[name='rating-rated_at']").input_value() == when.strftime("%Y-%m-%dT%H:%M")
    tab_to("[data-testid='form-rating'] button[type=submit]")
    chair.shot("keyboard-focus")
    with page.expect_navigation():
        keys.press("Enter")
    assert "Rating saved." in page.locator("main").inner_text()
    saved = SessionRating.objects.get(session=session)
    assert saved.instrument_id == "moaas" and saved.value == 4 and saved.taken_at == t0 + dt.timedelta(minutes=5)
    chair.shot("keyboard-saved")


def test_a_critical_reading_is_unmissable_on_every_step(page: Any, users: dict[str, Any]) -> None:  # noqa: F811
    from ketamine_trd.clinic.records.services import session_writes
    from ketamine_trd.clinic.records.services.session_writes import DoseInput, VitalsInput
    from tests.clinic.builders import ready_to_dose

    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=50)).replace(second=0, microsecond=0)
    session = _session(users, "esketamine-nasal", t0)
    nurse, now = users["nurse"], timezone.now()
    ready_to_dose(nurse, session, t0)  # the checklist and a pre-dose BP
    session_writes.record_dose(nurse, session.pk, DoseInput(t0, Decimal(56), "LOT-1", devices_used=2), now=now)
    session_writes.add_vitals(nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=40), 186, 112, 96, 89,
                              timepoint="post-40"), now=now)  # fmt: skip
    j = Journey(page, "chair")
    _login(j, "journey-nurse")
    chair = Chair(j, session.pk, 820, "critical")
    for step in ("before", "dosing", "monitoring", "discharge"):
        chair.open(step)
        band = page.locator("[data-testid='header-critical']")
        assert band.is_visible() and "Critical alert not acknowledged" in band.inner_text()
        assert band.locator(".icon-stop").is_visible()  # colour, a drawn mark and words
        assert "out of range" in page.locator("[data-testid='header-vitals-flagged']").inner_text()
        colour = band.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(166, 27, 27)", colour  # the clinic's "bad" red, with white text, icon and words
        chair.shot(step)
    flagged = page.locator("[data-testid='flagged-reading']")
    chair.open("monitoring")
    assert flagged.count() == 1 and "SpO2" in flagged.inner_text() and "Critical" in flagged.inner_text()
    _axe(page, "critical header")
