"""Typed entries survive the idle timeout, server side, for the person who typed them (``clinic.authn.kept``).

A form posted after the idle timeout is not saved and not lost: the login's ``next`` is the form's page (never the
POST URL, which answers 405 to a GET), and after logging in that page shows the form bound to the entries with the
notice; nothing is replayed. The entries never travel in a URL, stay only for the same user, go when taken and
after a few minutes, and are not kept for a POST without this browser's CSRF token.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ketamine_trd.clinic.authn import kept
from ketamine_trd.clinic.authn.middleware import LAST_SEEN_KEY
from ketamine_trd.clinic.records.models import Session, VitalSign
from tests.clinic.builders import PASSWORD, make_clinic, make_course, make_patient, make_session, make_user

LOGIN = "/accounts/login/"
VITALS = {"vitals-taken_at": "", "vitals-timepoint": "post-40", "vitals-systolic_mmhg": "187",
          "vitals-diastolic_mmhg": "96", "vitals-heart_rate_bpm": "81"}  # fmt: skip


@pytest.fixture
def chart(db: None) -> dict[str, Any]:
    clinic = make_clinic(time_zone="UTC")
    nurse, other = make_user("nurse", clinic), make_user("nurse", clinic)
    session = make_session(make_course(make_patient(clinic)), scheduled_at=timezone.now() - dt.timedelta(hours=1))
    return {"clinic": clinic, "nurse": nurse, "other": other, "session": session}


def _login(client: Client, user: Any, next_page: str = "") -> Any:
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, "code": "", "next": next_page})


def _go_idle(client: Client, minutes: int = 31) -> None:
    store = client.session
    store[LAST_SEEN_KEY] = timezone.now().timestamp() - minutes * 60
    store.save()


def _next_of(response: Any) -> str:
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert urlsplit(location).path == LOGIN, location
    return parse_qs(urlsplit(location).query)["next"][0]


def _value(html: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|select)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag is not None, name
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


def _posted_after_timeout(client: Client, chart: dict[str, Any]) -> Any:
    _login(client, chart["nurse"])
    _go_idle(client)
    return client.post(f"/sessions/{chart['session'].pk}/vitals/", VITALS)


def test_vitals_posted_after_the_idle_timeout_are_kept_and_shown_bound_after_login(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = f"/sessions/{chart['session'].pk}/"
    response = _posted_after_timeout(client, chart)
    assert _next_of(response) == page  # the page, never the POST URL
    assert "187" not in response["Location"]  # the entries never travel in a URL
    assert not VitalSign.objects.exists()  # nothing saved while logged out
    login = client.get(f"{LOGIN}?next={page}")
    assert login.status_code == 200 and b"187" not in login.content  # not shown before the login
    after = _login(client, chart["nurse"], page)
    assert after.status_code == 302 and after["Location"] == page
    shown = client.get(page)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert kept.NOTICE in html
    assert _value(html, "vitals-systolic_mmhg") == "187" and _value(html, "vitals-heart_rate_bpm") == "81"
    assert _value(html, "vitals-taken_at")  # the blank time: when the nurse pressed save, shown to check
    assert not VitalSign.objects.exists()  # not replayed: the nurse checks and saves
    again = client.get(page).content.decode()
    assert kept.NOTICE not in again and _value(again, "vitals-systolic_mmhg") in (None, "")  # taken once
    saved = client.post(f"/sessions/{chart['session'].pk}/vitals/", {**VITALS, "vitals-taken_at": _value(
        html, "vitals-taken_at")})  # fmt: skip
    assert saved.status_code == 302
    assert VitalSign.objects.get().systolic_mmhg == 187


def test_the_entries_are_kept_server_side_only(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = _posted_after_timeout(client, chart)
    cookies = " ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    assert "187" not in cookies and "187" not in response["Location"]
    assert client.session[kept.KEY]["data"]  # in the session store, with the anonymous session


def test_another_user_logging_in_does_not_see_them(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = f"/sessions/{chart['session'].pk}/"
    _posted_after_timeout(client, chart)
    _login(client, chart["other"], page)
    assert kept.KEY not in client.session
    html = client.get(page).content.decode()
    assert kept.NOTICE not in html and "187" not in html


def test_they_go_after_a_few_minutes(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = f"/sessions/{chart['session'].pk}/"
    _posted_after_timeout(client, chart)
    store = client.session
    assert store.get_expiry_age() <= kept.KEPT_FOR.total_seconds()  # the anonymous session holding them expires
    store[kept.KEY]["at"] -= kept.KEPT_FOR.total_seconds() + 1
    store.save()
    _login(client, chart["nurse"], page)
    assert client.session.get_expire_at_browser_close()  # the signed-in session expires as usual again
    html = client.get(page).content.decode()
    assert kept.NOTICE not in html and "187" not in html
    assert kept.KEY not in client.session


@pytest.mark.parametrize("forged", [True, False])
def test_a_forged_post_is_not_kept(chart, forged: bool) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    page = f"/sessions/{chart['session'].pk}/"
    client.get(LOGIN)  # the CSRF cookie
    token = client.cookies["csrftoken"].value
    client.post(LOGIN, {"username": chart["nurse"].username, "password": PASSWORD, "code": "",
                        "csrfmiddlewaretoken": token})  # fmt: skip
    token = client.cookies["csrftoken"].value  # rotated at login
    _go_idle(client)
    # forged: no token (another site's form); else the page's own token
    data = VITALS if forged else {**VITALS, "csrfmiddlewaretoken": token}
    response = client.post(f"/sessions/{chart['session'].pk}/vitals/", data)
    assert _next_of(response) == page
    assert (kept.KEY in client.session) is not forged


def test_a_stale_login_link_to_a_post_url_returns_to_its_page(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    session_id = chart["session"].pk
    response = _login(client, chart["nurse"], f"/sessions/{session_id}/vitals/")
    assert response["Location"] == f"/sessions/{session_id}/"
    client.post("/accounts/logout/")
    assert _login(client, chart["nurse"], "/intake/3/sign-off/")["Location"] == "/"  # no page: dropped
    client.post("/accounts/logout/")
    assert _login(client, chart["nurse"], "/alerts/?page=2")["Location"] == "/alerts/?page=2"  # a page: itself
    client.post("/accounts/logout/")
    assert _login(client, chart["nurse"], "https://evil.example/sessions/1/")["Location"] == "/"  # check kept
    client.post("/accounts/logout/")
    full = f"http://testserver/sessions/{session_id}/dose/"
    assert _login(client, chart["nurse"], full)["Location"] == f"/sessions/{session_id}/"


def test_a_get_after_the_timeout_returns_to_the_same_page_with_its_query(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _login(client, chart["nurse"])
    _go_idle(client)
    assert _next_of(client.get("/alerts/?severity=critical&page=2")) == "/alerts/?severity=critical&page=2"


def test_the_assessment_form_keeps_its_answers(chart) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.measurement.models import Assessment
    from ketamine_trd.clinical import instruments

    client = Client()
    patient = chart["session"].patient
    page = f"/patients/{patient.pk}/assessments/new/"
    answers = {f"item_{item.id}": "2" for item in instruments.get("phq9").items}
    _login(client, chart["nurse"])
    _go_idle(client)
    response = client.post(page, {"instrument": "phq9", **answers, "administered_at": ""})
    assert _next_of(response) == page
    _login(client, chart["nurse"], page)
    html = client.get(page).content.decode()
    assert kept.NOTICE in html
    assert all(_value(html, name) == "2" for name in answers)
    assert not Assessment.objects.exists()


def test_a_signature_reason_typed_before_reauthentication_is_kept(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    session_id = chart["session"].pk
    _login(client, make_user("prescriber", chart["clinic"]))
    store = client.session
    store["ktrd_auth_at"] = timezone.now().timestamp() - 60 * 60  # the password entry is no longer recent
    store.save()
    reason = "Patient stable, escorted by a relative to the car."
    response = client.post(f"/sessions/{session_id}/sign/", {"sign-override_reason": reason})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    assert reason not in response["Location"]
    page = f"/sessions/{session_id}/?step=discharge"  # the chart's signing step
    assert client.session[kept.KEY]["page"] == page
    back = client.post(response["Location"], {"password": PASSWORD, "code": ""})
    assert back.status_code == 302 and back["Location"] == page
    assert kept.NOTICE in client.get(back["Location"]).content.decode()
    assert Session.objects.get(pk=session_id).status != "signed"  # not replayed: signed only when asked again


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", prefix + str(entry.pattern)))
    return found


def test_every_post_only_page_url_is_mapped_to_its_page_or_dropped(chart) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    admin = make_user("prescriber", chart["clinic"])
    _login(client, admin)
    post_only = set()
    for name, pattern in _routes(get_resolver().url_patterns):
        if not name.startswith(("records:", "measurement:")):
            continue
        path = "/" + re.sub(r"<int:\w+>", "1", re.sub(r"<str:\w+>", "vitals", pattern))
        if client.get(path).status_code == 405:
            post_only.add(name)
    assert post_only, "the walk must find the POST-only URLs"
    # the older per-part address of the chart answers a GET by opening its step, and stays in the map for
    # entries posted to it (a signature, a part posted from a page opened before the chart moved to steps)
    assert post_only | {"records:session_record"} == set(kept.POST_ONLY), "a POST-only URL must name its page"


def test_a_registration_form_keeps_its_entries_but_never_a_password(chart) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.records.models import Patient

    client = Client()
    desk = make_user("front_desk", chart["clinic"])
    page = "/patients/new/"
    _login(client, desk)
    _go_idle(client)
    typed = {"mrn": "KEPT-1", "given_name": "Ines", "family_name": "Okafor", "date_of_birth": "1981-02-03",
             "password": "not-to-be-kept"}  # fmt: skip
    assert _next_of(client.post(page, typed)) == page
    assert "not-to-be-kept" not in str(client.session[kept.KEY])
    _login(client, desk, page)
    html = client.get(page).content.decode()
    assert kept.NOTICE in html and _value(html, "family_name") == "Okafor" and _value(html, "mrn") == "KEPT-1"
    assert not Patient.objects.filter(mrn="KEPT-1").exists()


def test_a_search_text_never_travels_into_the_login_url(chart) -> None:  # type: ignore[no-untyped-def]
    """A GET after the timeout returns to its page, but the patient search's free text (names, MRNs) is dropped:
    the login URL is kept by server logs and browser history."""
    client = Client()
    _login(client, chart["nurse"])
    _go_idle(client)
    back = _next_of(client.get("/patients/?q=Smith+1960-04-02&page=2"))
    assert back == "/patients/?page=2" and "Smith" not in back
