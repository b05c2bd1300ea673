"""A "next" or a "back" link never leaves the site: a path that a browser reads as another host ("//evil",
"/\\evil") is refused and the page's own default is used instead."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from ketamine_trd.clinic.measurement.interface import raise_alert
from ketamine_trd.clinic.site_pages import page_before
from ketamine_trd.clinical.alert_vocabulary import AlertLevel
from tests.clinic.builders import PASSWORD, make_clinic, make_patient, make_user

OFF_SITE = ["//evil.example/", "/\\evil.example/", "https://evil.example/", "/\\/evil.example", "\\\\evil.example"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFF_SITE)
def test_acknowledging_an_alert_never_redirects_off_site(target: str) -> None:
    clinic = make_clinic()
    nurse = make_user("nurse", clinic)
    patient = make_patient(clinic)
    alert, _ = raise_alert(patient, kind="other", level=AlertLevel.WARNING, rule="test-rule", source="S1",
                           message="test", object_key="k", now=timezone.now(), data={})  # fmt: skip
    client = Client()
    assert client.login(username=nurse.username, password=PASSWORD)
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "seen", "next": target})
    assert response.status_code == 302 and response["Location"].startswith("/") and "evil" not in response["Location"]


@pytest.mark.django_db
def test_a_same_site_next_is_followed() -> None:
    clinic = make_clinic()
    nurse = make_user("nurse", clinic)
    alert, _ = raise_alert(make_patient(clinic), kind="other", level=AlertLevel.WARNING, rule="test-rule",
                           source="S1", message="test", object_key="k", now=timezone.now(), data={})  # fmt: skip
    client = Client()
    assert client.login(username=nurse.username, password=PASSWORD)
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "seen", "next": "/alerts/?page=2"})
    assert response["Location"] == "/alerts/?page=2"


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x"])
def test_the_back_link_of_an_error_page_is_never_another_site(path: str) -> None:
    request = RequestFactory().get("/nowhere/", HTTP_REFERER=f"http://testserver{path}")
    assert page_before(request) is None
    ok = RequestFactory().get("/nowhere/", HTTP_REFERER="http://testserver/patients/?page=2")
    assert page_before(ok) == "/patients/?page=2"
