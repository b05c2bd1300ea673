"""The site frame in Debian's chromium at 1366, 820 and 390 px: the API docs under the CSP, the favicon, the error
pages, the nav per role, the TOTP enrolment's QR code and the chart page's Plotly. Screenshots of each page at each
width go to ``test-artifacts/pages-*.png``.

The browser is never downloaded: ``KTRD_CHROMIUM`` or ``/usr/bin/chromium``; where ``KTRD_CHROMIUM`` or ``CI``
is set, a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("KTRD_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Site-pages-passphrase-2026"  # nosec B105 - a test user's password
WIDTHS = {"desktop": 1366, "tablet": 820, "phone": 390}
ROLES = ("prescriber", "nurse", "front_desk", "researcher", "admin")


class Tab:
    """A page with its console collected; ``shot`` writes a full-page screenshot and checks the width."""

    def __init__(self, page: Any, width: str) -> None:
        self.page = page
        self.width = width
        self.console: list[str] = []
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda err: self.console.append(f"pageerror: {err}"))

    def shot(self, name: str, *, fits: bool = True) -> None:
        """Screenshot; ``fits``: the page has no horizontal scroll (the frame's pages; others' content may not)."""
        self.page.screenshot(path=str(ARTIFACTS / f"pages-{name}-{self.width}.png"), full_page=True)
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert not fits or overflow <= 1, f"{name} at {self.width}: {overflow} px of horizontal scroll"
        frame = self.page.evaluate(  # the app's top bar (the API docs are Swagger UI's page, without it)
            "(bar => bar ? bar.scrollWidth - window.innerWidth : 0)(document.querySelector('header.topbar'))"
        )
        assert frame <= 1, f"the top bar of {name} at {self.width} is {frame} px too wide"

    def login(self, username: str) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("[name='username']", username)
        self.page.fill("[name='password']", PASSWORD)
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_load_state()

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line or "Refused to" in line]


@pytest.fixture
def users(transactional_db: Any) -> dict[str, Any]:
    from ketamine_trd.clinic.accounts.models import Clinic, User

    clinic = Clinic.objects.create(name="Frame clinic", slug="frame", time_zone="Europe/London")
    made = {}
    for role in ROLES:
        user = User(username=f"frame-{role}", role=role, clinic=clinic, first_name=role.replace("_", " ").title(),
                    last_name="Frame", is_staff=role == "admin")  # fmt: skip
        user.set_password(PASSWORD)
        user.save()
        made[role] = user
    return made


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium; never a downloaded browser)"
        if os.environ.get("KTRD_CHROMIUM") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the test thread
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        contexts: list[Any] = []

        def tab(width: str) -> Tab:
            context = chromium.new_context(base_url=live_server.url,
                                           viewport={"width": WIDTHS[width], "height": 900})  # fmt: skip
            context.set_default_timeout(20_000)
            contexts.append(context)
            return Tab(context.new_page(), width)

        yield tab
        for context in contexts:
            context.close()
        chromium.close()


def test_api_docs_list_the_operations_under_the_csp(browser: Any, users: dict[str, Any]) -> None:
    for width in WIDTHS:
        tab = browser(width)
        tab.login("frame-nurse")
        tab.page.goto("/api/docs")
        tab.page.wait_for_selector(".opblock", timeout=30_000)
        operations = tab.page.locator(".opblock").count()
        assert operations >= 10, operations
        assert tab.page.locator(".opblock-summary-path", has_text="/api/patients").count() >= 1
        tab.shot("api-docs")
        assert not tab.csp_violations(), tab.csp_violations()
        requested = tab.page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert all(url.startswith(tab.page.url.split("/api/")[0]) for url in requested), requested  # no CDN


def test_favicon_is_found_on_a_fresh_profile(browser: Any, users: dict[str, Any]) -> None:
    tab = browser("desktop")
    failed: list[str] = []
    tab.page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tab.page.goto("/accounts/login/")
    icon = tab.page.request.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    tab.page.wait_for_load_state("networkidle")
    assert not failed and not [line for line in tab.console if "favicon" in line], (failed, tab.console)
    tab.shot("login")


def test_error_pages_in_the_layout(browser: Any, users: dict[str, Any]) -> None:
    from tests.clinic.builders import make_course, make_patient, make_session

    session = make_session(make_course(make_patient(users["nurse"].clinic)))
    for width in WIDTHS:
        researcher = browser(width)
        researcher.login("frame-researcher")
        response = researcher.page.goto("/patients/new/")
        assert response.status == 403
        assert researcher.page.locator("h1").inner_text() == "Not allowed"
        assert researcher.page.locator("nav[aria-label=Main] a").count() >= 1
        researcher.shot("403")
        nurse = browser(width)
        nurse.login("frame-nurse")
        response = nurse.page.goto("/patients/999999/")
        assert response.status == 404 and nurse.page.locator("h1").inner_text() == "Page not found"
        nurse.shot("404")
        response = nurse.page.goto(f"/courses/{session.course_id}/phase/")
        assert response.status == 405
        nurse.page.get_by_role("link", name="Open the page this form belongs to").click()
        nurse.page.wait_for_load_state()
        assert nurse.page.url.endswith(f"/courses/{session.course_id}/")
        nurse.page.go_back()
        nurse.shot("405")
        assert not nurse.csp_violations() and not researcher.csp_violations()


def test_nav_per_role(browser: Any, users: dict[str, Any]) -> None:
    from django.urls import reverse

    from ketamine_trd.clinic.access import can
    from ketamine_trd.clinic.nav import NAV_LINKS

    for role in ROLES:
        for width in WIDTHS if role in ("nurse", "researcher") else ("desktop",):
            tab = browser(width)
            if role == "admin":  # an admin enrols TOTP first; the nav is checked without it here
                from django.test import override_settings

                with override_settings(KTRD_ADMIN_TOTP_REQUIRED=False):
                    tab.login(f"frame-{role}")
            else:
                tab.login(f"frame-{role}")
            tab.page.goto("/")
            shown = tab.page.locator("nav[aria-label=Main] a").evaluate_all("links => links.map(a => a.pathname)")
            expected = [reverse(link.url_name) for link in NAV_LINKS
                        if link.action is None or can(users[role], link.action)]  # fmt: skip
            assert shown[: len(expected)] == expected, (role, shown)
            for href in shown:
                assert tab.page.goto(href).status == 200, (role, href)
            tab.page.goto("/")
            tab.shot(f"nav-{role}")


def test_totp_enrolment_shows_a_qr_code(browser: Any, users: dict[str, Any]) -> None:
    for width in WIDTHS:
        tab = browser(width)
        tab.login("frame-admin")
        assert tab.page.url.endswith("/accounts/totp/enrol/"), tab.page.url
        qr = tab.page.locator("[data-testid=totp-qr] svg")
        box = qr.bounding_box()
        assert box and box["width"] >= 150 and box["height"] >= 150
        assert tab.page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
        tab.shot("totp-enrol")
        assert not tab.csp_violations(), tab.csp_violations()


def test_chart_page_draws_plotly_from_static_files(browser: Any, users: dict[str, Any]) -> None:
    from tests.clinic.builders import make_patient

    patient = make_patient(users["nurse"].clinic)
    for width in WIDTHS:
        tab = browser(width)
        tab.login("frame-nurse")
        tab.page.goto(f"/patients/{patient.pk}/measurement/")
        tab.page.wait_for_load_state("networkidle")
        if tab.page.locator("[data-testid='trajectory-interactive']").count():  # a patient with scores
            tab.page.locator("[data-testid='trajectory-interactive']").click()
            tab.page.wait_for_function("typeof window.Plotly === 'object'")
        tab.shot("measurement", fits=False)  # its tables are the measurement page's own (issue 12, other parts)
        assert not tab.csp_violations(), tab.csp_violations()
