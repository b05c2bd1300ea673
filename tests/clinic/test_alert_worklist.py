# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""Alerts that cannot be missed (issue 11, item 4): ordered in the database, paged with totals, criticals never
capped, a note to acknowledge a critical alert. Runs on SQLite and PostgreSQL (tests/clinic)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ketamine_trd.clinic.measurement import alerts as alert_service
from ketamine_trd.clinic.measurement import dashboard
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.errors import InputError
from tests.clinic.test_measurement_builders import (  # noqa: F401  (fixtures)
    NOW,
    clinic,
    make_patient,
    nurse,
    outsider,
    patient,
    prescriber,
)

pytestmark = pytest.mark.django_db
API = "/api/measurement"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _alert(patient: Any, n: int, level: AlertLevel, at: dt.datetime, kind: AlertKind = AlertKind.OTHER) -> Alert:
    return Alert(
        patient=patient,
        kind=kind,
        level=level,
        rule=f"test.rule.{level}",
        source="platform-defined",
        message=f"{level.label} alert number {n}",
        object_key=f"test:{n}",
        raised_at=at,
    )


def _one_critical_behind(patient: Any, newer: int = 300) -> Alert:
    """One critical alert raised first, then ``newer`` informational ones, each a minute later."""
    critical = _alert(patient, 0, AlertLevel.CRITICAL, NOW - dt.timedelta(days=2), AlertKind.SUICIDE_ITEM)
    rows = [critical] + [
        _alert(patient, n, AlertLevel.INFO, NOW - dt.timedelta(days=1) + dt.timedelta(minutes=n))
        for n in range(1, newer + 1)
    ]
    Alert.objects.bulk_create(rows)
    return Alert.objects.get(level=AlertLevel.CRITICAL)


def test_one_critical_behind_300_newer_alerts_comes_first(nurse: Any, patient: Any) -> None:
    critical = _one_critical_behind(patient)
    page = alert_service.alert_page(nurse)
    assert page.items[0].pk == critical.pk
    assert page.total == 301 and page.pages == 7 and len(page.items) == alert_service.PAGE_SIZE
    assert page.level_counts == {"critical": 1, "high": 0, "warning": 0, "info": 300}
    # the old bug: the 200 newest were taken and then sorted; the critical one was not among them
    assert alert_service.open_alerts(nurse)[0].pk == critical.pk


def test_order_is_level_then_newest_then_id(nurse: Any, patient: Any) -> None:
    at = NOW - dt.timedelta(hours=5)
    Alert.objects.bulk_create(
        [
            _alert(patient, 1, AlertLevel.WARNING, at + dt.timedelta(hours=3)),
            _alert(patient, 2, AlertLevel.HIGH, at),
            _alert(patient, 3, AlertLevel.INFO, at + dt.timedelta(hours=4)),
            _alert(patient, 4, AlertLevel.CRITICAL, at),
            _alert(patient, 5, AlertLevel.CRITICAL, at + dt.timedelta(hours=1)),
            _alert(patient, 6, AlertLevel.WARNING, at + dt.timedelta(hours=3)),  # same time as 1: higher id first
        ]
    )
    items = alert_service.alert_page(nurse).items
    assert [a.object_key for a in items] == ["test:5", "test:4", "test:2", "test:6", "test:1", "test:3"]


def test_pages_show_the_rest_and_refuse_a_page_past_the_last(nurse: Any, patient: Any) -> None:
    _one_critical_behind(patient, newer=120)
    last = alert_service.alert_page(nurse, page=3)
    assert (last.first, last.last, last.total, last.pages) == (101, 121, 121, 3)
    seen = [a.pk for p in (1, 2, 3) for a in alert_service.alert_page(nurse, page=p).items]
    assert len(seen) == len(set(seen)) == 121  # every alert on exactly one page
    with pytest.raises(InputError) as past:
        alert_service.alert_page(nurse, page=4)
    assert past.value.field == "page" and past.value.allowed == "1 to 3"
    with pytest.raises(InputError) as size:
        alert_service.alert_page(nurse, page_size=500)
    assert size.value.field == "page_size"


def test_api_pages_carry_the_total(nurse: Any, patient: Any) -> None:
    critical = _one_critical_behind(patient, newer=60)
    client = _client(nurse)
    first = client.get(f"{API}/alerts").json()
    assert first["total"] == 61 and first["pages"] == 2 and first["items"][0]["id"] == critical.pk
    assert first["items"][0]["level"] == "critical" and first["level_counts"]["critical"] == 1
    second = client.get(f"{API}/alerts?page=2").json()
    assert len(second["items"]) == 11 and second["page"] == 2
    small = client.get(f"{API}/alerts?page_size=5&kind=other").json()
    assert small["total"] == 60 and len(small["items"]) == 5
    past = client.get(f"{API}/alerts?page=9")
    assert past.status_code == 422 and past.json()["field"] == "page"


def test_worklist_page_shows_the_total_and_the_critical_first(nurse: Any, patient: Any) -> None:
    _one_critical_behind(patient)
    client = _client(nurse)
    body = client.get(reverse("measurement:worklist")).content.decode()
    assert 'data-testid="alert-total">301<' in body and "Page 1 of 7" in body
    first_row = body.split('<tr class="alert-', 2)[1]
    assert first_row.startswith("critical") and "Suicidal thoughts reported (PHQ-9 item 9)" in first_row
    assert body.count('<tr class="alert-') == alert_service.PAGE_SIZE
    later = client.get(reverse("measurement:worklist") + "?page=7").content.decode()
    assert "Alerts 301–301 of" in later and "Critical alert number 0" not in later
    gone = client.get(reverse("measurement:worklist") + "?page=99")  # e.g. after others were acknowledged
    assert gone.status_code == 302 and gone["Location"].endswith("?page=7")  # the last page, said in the address


def test_dashboard_shows_every_open_critical_and_counts_the_others(nurse: Any, patient: Any) -> None:
    old = NOW - dt.timedelta(days=10)
    rows = [_alert(patient, n, AlertLevel.CRITICAL, old + dt.timedelta(hours=n)) for n in range(8)]
    rows += [_alert(patient, 100 + n, AlertLevel.INFO, NOW - dt.timedelta(minutes=n)) for n in range(30)]
    Alert.objects.bulk_create(rows)
    board = dashboard.build_dashboard(nurse, now=NOW)
    assert [a.level for a in board.critical_alerts] == ["critical"] * 8  # no critical lost to a cap
    assert [a.object_key for a in board.critical_alerts][:2] == ["test:7", "test:6"]  # newest critical first
    assert board.open_alert_total == 38 and board.other_alert_levels == [("info", 30)]
    body = _client(nurse).get(reverse("measurement:dashboard")).content.decode()
    assert body.count('data-alert-level="critical"') == 8 and "8 critical alerts: act now" in body
    assert body.count('data-alert-level="info"') == 0  # the others are a count and a link, not rows
    assert "?level=info" in body


def test_dashboard_lists_more_criticals_than_any_list_limit(nurse: Any, patient: Any) -> None:
    n = dashboard.LIST_LIMIT + 20
    Alert.objects.bulk_create([_alert(patient, k, AlertLevel.CRITICAL, NOW - dt.timedelta(hours=k)) for k in range(n)])
    board = dashboard.build_dashboard(nurse, now=NOW)
    assert [a.level for a in board.critical_alerts] == ["critical"] * n


def _critical(patient: Any) -> Alert:
    alert, _ = alert_service.raise_alert(
        patient,
        kind=AlertKind.SUICIDE_ITEM,
        level=AlertLevel.CRITICAL,
        rule="phq9:phq9.item9_positive",
        source="simon-2013",
        message="PHQ-9 item 9 is above 0",
        object_key="assessment:1",
        now=NOW,
    )
    return alert


@pytest.mark.parametrize("note", ["", "   ", "\n"])
def test_a_critical_alert_is_not_acknowledged_without_a_note(nurse: Any, patient: Any, note: str) -> None:
    alert = _critical(patient)
    with pytest.raises(InputError) as refused:
        alert_service.acknowledge_alert(nurse, alert.pk, now=NOW, note=note)
    assert refused.value.field == "note"
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.acknowledged_by is None  # nothing saved
    done = alert_service.acknowledge_alert(nurse, alert.pk, now=NOW, note="Seen with the patient; C-SSRS done")
    assert done.acknowledged_by == nurse and done.acknowledgement_note == "Seen with the patient; C-SSRS done"


def test_other_levels_may_be_acknowledged_without_a_note(nurse: Any, patient: Any) -> None:
    Alert.objects.bulk_create([_alert(patient, 1, AlertLevel.HIGH, NOW), _alert(patient, 2, AlertLevel.INFO, NOW)])
    for alert in Alert.objects.all():
        assert alert_service.acknowledge_alert(nurse, alert.pk, now=NOW).acknowledged_at == NOW


def test_the_form_refuses_a_critical_acknowledgement_without_a_note(nurse: Any, patient: Any) -> None:
    alert = _critical(patient)
    client = _client(nurse)
    page = client.get(reverse("measurement:worklist")).content.decode()
    assert 'placeholder="required: what was done"' in page and " required " in page
    url = reverse("measurement:acknowledge", args=[alert.pk])
    refused = client.post(url, {"note": ""}, follow=True).content.decode()
    assert "a critical alert needs a note saying what was done" in refused
    assert Alert.objects.open().filter(pk=alert.pk).exists()
    client.post(url, {"note": "Called the patient; safety plan reviewed"})
    assert not Alert.objects.open().filter(pk=alert.pk).exists()


def test_the_api_refuses_a_critical_acknowledgement_without_a_note(nurse: Any, patient: Any) -> None:
    alert = _critical(patient)
    url = f"{API}/alerts/{alert.pk}/acknowledge"
    refused = _client(nurse).post(url, {"note": ""}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "note"
    assert Alert.objects.open().filter(pk=alert.pk).exists()


def test_other_clinics_alerts_are_neither_listed_nor_counted(nurse: Any, outsider: Any, patient: Any) -> None:
    _one_critical_behind(patient, newer=3)
    assert alert_service.alert_page(outsider).total == 0
    with pytest.raises(InputError):
        alert_service.alert_page(outsider, kind="weather")
