"""In a real browser (Playwright + Debian's chromium): the content security policy blocks nothing
the application needs (the Plotly chart draws), cookies are HttpOnly and SameSite, and the
server's application log of the journey holds no password or patient identifier.

The browser is never downloaded: ``KTRD_CHROMIUM`` or ``/usr/bin/chromium``; where ``KTRD_CHROMIUM``
or ``CI`` is set, a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ketamine_trd.clinic.audit.redact import RedactingFilter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("KTRD_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Browser-security-passphrase-2026"  # nosec B105 - a test user's password
PATIENT = {"mrn": "BRW-31337", "given_name": "Theodora", "family_name": "Vantongeren", "date_of_birth": "1972-03-14"}


@pytest.fixture
def app_log() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]
    saved = [(h, h.setStream(buffer)) for h in handlers if isinstance(h, logging.StreamHandler)]
    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.setLevel(level)
        for handler, stream in saved:
            handler.setStream(stream)


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[tuple[Any, list[str]]]:
    if not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium; never a downloaded browser)"
        if os.environ.get("KTRD_CHROMIUM") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
        yield page, console
        context.close()
        browser.close()


def test_csp_cookies_and_logs_in_a_real_browser(browser_page: tuple[Any, list[str]], app_log: io.StringIO) -> None:
    from ketamine_trd.clinic.accounts.models import Clinic, User

    page, console = browser_page
    clinic = Clinic.objects.create(name="Browser clinic", slug="browser")
    user = User(username="browser-nurse", role="nurse", clinic=clinic)
    user.set_password(PASSWORD)
    user.save()

    page.goto("/accounts/login/")
    page.fill("[name='username']", "browser-nurse")
    page.fill("[name='password']", "a-wrong-password-first")
    page.locator("form button[type=submit]").first.click()
    page.fill("[name='username']", "browser-nurse")
    page.fill("[name='password']", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url

    page.goto("/patients/new/")
    for name, value in PATIENT.items():
        page.fill(f"[name='{name}']", value)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/patients/*/")
    patient_id = page.url.rstrip("/").split("/")[-1]
    page.goto(f"/patients/{patient_id}/measurement/")
    page.wait_for_load_state("networkidle")
    # the chart is drawn on the server; Plotly loads only for the interactive chart, by a script element the
    # page's own script adds: the same kind of same-origin load must pass the CSP
    assert page.evaluate("typeof window.Plotly") == "undefined"
    page.evaluate("""() => new Promise((done, fail) => { const s = document.createElement('script');
        s.src = '/vendor/plotly.min.js'; s.onload = done; s.onerror = fail; document.head.appendChild(s); })""")
    assert page.evaluate("typeof window.Plotly") == "object", "Plotly did not load under the CSP"

    violations = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert not violations, violations
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["httpOnly"] and cookies["sessionid"]["sameSite"] == "Lax"

    text = app_log.getvalue()
    leaks = [v for v in (PASSWORD, "a-wrong-password-first", *PATIENT.values()) if v in text]
    assert not leaks, leaks
