"""The site frame: error pages in the layout (JSON under /api/), the favicon, the nav per role, the TOTP QR code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ketamine_trd.clinic import nav
from ketamine_trd.clinic.access import ALLOWED, can
from tests.clinic.builders import make_patient

pytestmark = pytest.mark.django_db
ROLES = ("prescriber", "nurse", "front_desk", "researcher", "admin")


def _nav_hrefs(body: str) -> list[str]:
    block = re.search(r'<nav aria-label="Main">(.*?)</nav>', body, re.S)
    assert block, "no nav on the page"
    return re.findall(r'href="([^"]+)"', block.group(1))


def _is_layout_page(body: str) -> bool:
    return 'class="topbar"' in body and "clinic/clinic.css" in body and 'data-testid="error-page"' in body


# --- error pages ---------------------------------------------------------------------------------------------


def test_403_is_a_page_in_the_layout_with_nav_and_a_way_back(people: Any) -> None:
    response = people.client("researcher").get("/patients/new/", HTTP_REFERER="http://testserver/")
    body = response.content.decode()
    assert response.status_code == 403 and _is_layout_page(body)
    assert "Not allowed" in body and "Your role does not open this page" in body
    assert 'href="/"' in body and 'data-testid="go-back"' in body
    assert "may not" not in body and "patient.register" not in body  # no developer text, no action code
    assert _nav_hrefs(body)  # the nav is there (the signed-in user's own)


def test_404_is_a_page_in_the_layout(people: Any) -> None:
    response = people.client("nurse").get("/patients/999999/")
    body = response.content.decode()
    assert response.status_code == 404 and _is_layout_page(body) and "Page not found" in body
    unknown = people.client("nurse").get("/no/such/page/")
    assert unknown.status_code == 404 and "Page not found" in unknown.content.decode()


def test_404_for_a_visitor_offers_sign_in() -> None:
    body = Client().get("/no/such/page/").content.decode()
    assert "Page not found" in body and reverse("login") in body and 'aria-label="Main"' not in body


def test_405_on_a_post_only_address_is_a_page_with_a_link_to_its_form(people: Any) -> None:
    patient = make_patient(people.clinic)
    from tests.clinic.builders import make_course, make_session

    session = make_session(make_course(patient))
    response = people.client("nurse").get(f"/courses/{session.course_id}/phase/")
    body = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert _is_layout_page(body) and "takes a submitted form" in body
    assert f'href="/courses/{session.course_id}/"' in body  # the page this form belongs to
    # the chart's older per-part address opens that part's step instead (a bookmark, a login's next)
    step = people.client("nurse").get(f"/sessions/{session.pk}/vitals/")
    assert step.status_code == 302 and step["Location"] == f"/sessions/{session.pk}/?step=monitoring"


def test_405_keeps_a_page_body_that_a_view_wrote(rf: Any) -> None:
    from django.http import HttpResponseNotAllowed

    from ketamine_trd.clinic.site_pages import MethodNotAllowedPageMiddleware

    own = HttpResponseNotAllowed(["POST"], content=b"own words")
    assert MethodNotAllowedPageMiddleware(lambda request: own)(rf.get("/sessions/1/vitals/")) is own


def test_500_is_a_page_in_the_layout(people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketamine_trd.clinic.measurement import dashboard

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(dashboard, "build_dashboard", broken)
    client = people.client("nurse")
    client.raise_request_exception = False
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 500 and _is_layout_page(body) and "Something went wrong" in body
    assert "a bug" not in body and "RuntimeError" not in body


def test_500_falls_back_to_a_plain_page_when_the_layout_fails(rf: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketamine_trd.clinic import site_pages

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(site_pages, "render_to_string", broken)
    response = site_pages.server_error(rf.get("/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content


def test_a_stale_form_is_refused_in_plain_words(people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.front_desk)
    response = client.post("/patients/new/", {"mrn": "X"})
    body = response.content.decode()
    assert response.status_code == 403 and _is_layout_page(body) and "could not be accepted" in body
    assert "CSRF" not in body and "Nothing was saved" in body


def test_api_errors_stay_json(people: Any) -> None:
    client = people.client("nurse")
    missing = client.get("/api/no-such-endpoint")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["error"] == "NotFoundError"
    wrong_method = client.delete("/api/patients")
    assert wrong_method.status_code == 405 and wrong_method["Content-Type"] == "application/json"
    assert wrong_method.json()["error"] == "MethodNotAllowed"


def test_root_urls_name_the_handlers() -> None:
    from ketamine_trd.clinic import urls

    assert urls.handler403.endswith("site_pages.forbidden") and urls.handler404.endswith("site_pages.not_found")
    assert urls.handler500.endswith("site_pages.server_error")


# --- favicon -------------------------------------------------------------------------------------------------


def test_favicon_is_linked_and_served() -> None:
    from django.templatetags.static import static

    login = Client().get("/accounts/login/").content.decode()
    assert f'rel="icon" href="{static("clinic/favicon.svg")}"' in login
    icon = Client().get("/favicon.ico")
    assert icon.status_code == 302 and icon["Location"] == static("clinic/favicon.svg")
    svg = Client().get(icon["Location"])
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(svg.streaming_content)


# --- nav -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_nav_shows_a_role_only_what_it_may_open(people: Any, role: str) -> None:
    client = people.client(role)
    hrefs = _nav_hrefs(client.get("/").content.decode())
    for link in nav.NAV_LINKS:
        href = reverse(link.url_name)
        allowed = link.action is None or can(getattr(people, role), link.action)
        assert (href in hrefs) == allowed, (role, link.label)
    for href in hrefs:  # every link shown opens (no 403 behind a link)
        assert client.get(href).status_code == 200, (role, href)
    assert (reverse("admin:index") in hrefs) == (role == "admin")


def test_researcher_sees_no_clinical_links(people: Any) -> None:
    body = people.client("researcher").get("/").content.decode()
    hrefs = _nav_hrefs(body)
    for name in ("records:patient_list", "records:session_today", "records:rems_list", "measurement:worklist"):
        assert reverse(name) not in hrefs


def test_nav_actions_are_real_actions() -> None:
    assert all(link.action is None or link.action in ALLOWED for link in nav.NAV_LINKS)


def test_nav_marks_the_current_page(people: Any) -> None:
    body = people.client("nurse").get("/patients/").content.decode()
    assert f'<a href="{reverse("records:patient_list")}" aria-current="page">' in body
    assert '<a href="/" aria-current="page">' not in body


# --- TOTP enrolment ------------------------------------------------------------------------------------------


def test_totp_enrolment_shows_a_local_qr_code_beside_the_secret(people: Any) -> None:
    from ketamine_trd.clinic.authn.models import TotpDevice

    response = people.client("admin").get("/accounts/totp/enrol/")
    body = response.content.decode()
    device = TotpDevice.objects.get(user=people.admin)
    qr = re.search(r'<figure class="totp-qr"[^>]*>(<svg .*?</svg>)', body, re.S)
    assert response.status_code == 200 and qr, body[:2000]
    assert "<script" not in qr.group(1) and "data:" not in qr.group(1) and "href" not in qr.group(1)
    assert " ".join(re.findall(".{1,4}", device.secret)) in body  # the secret, grouped, beside the code
    assert "cdn" not in body.lower()


def test_qr_code_encodes_the_provisioning_uri() -> None:
    import segno

    from ketamine_trd.clinic.authn import totp

    uri = "otpauth://totp/ketamine-trd:admin1?secret=JBSWY3DPEHPK3PXP&issuer=ketamine-trd"
    # the same symbol as segno draws for this URI: same modules, so the same path
    expected = segno.make(uri, error="m").svg_inline(scale=4, omitsize=True)
    modules = re.findall(r' d="([^"]+)"', totp.qr_svg(uri))[-1]  # the dark modules (after the white background)
    assert modules == re.findall(r' d="([^"]+)"', expected)[-1]
    assert re.findall(r' d="([^"]+)"', totp.qr_svg(uri.replace("JBSW", "KBSW")))[-1] != modules
