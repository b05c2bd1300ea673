"""The dashboard, the worklist and the patient pages (issue 12): what needs action first, filters refused by name,
another clinic never read, names found as people write them, plain words and local times.

Runs on SQLite and PostgreSQL (tests/clinic); personas from ``tests/clinic/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ketamine_trd.clinic.measurement import alerts as alert_service
from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinic.records.models import Phase, SessionStatus
from ketamine_trd.clinic.records.services.patients import search_patients
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.labels import LABELS
from tests.clinic.builders import make_course, make_eligible, make_patient, make_session

pytestmark = pytest.mark.django_db
WORKLIST = "/alerts/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _alerts(patient: Any, level: AlertLevel, n: int, *, kind: AlertKind = AlertKind.OTHER, start: int = 0) -> None:
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(
            patient=patient,
            kind=kind,
            level=level,
            rule=f"test.{level}.{kind}",
            source="platform-defined",
            message=f"{level} alert {start + k}",
            object_key=f"test:{patient.pk}:{start + k}",
            raised_at=now - dt.timedelta(hours=1) + dt.timedelta(seconds=start + k),
        )
        for k in range(n)
    )


# --- the dashboard ---------------------------------------------------------------------------------------------


def test_one_critical_among_300_newer_alerts_leads_the_dashboard(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, family_name="Urgent")
    Alert.objects.create(
        patient=patient, kind=AlertKind.SUICIDE_ITEM, level=AlertLevel.CRITICAL, rule="t.crit", source="simon-2013",
        message="PHQ-9 item 9 is above 0", object_key="a:1", raised_at=timezone.now() - dt.timedelta(days=3),
    )  # fmt: skip
    _alerts(make_patient(people.clinic), AlertLevel.WARNING, 150)
    _alerts(make_patient(people.clinic), AlertLevel.HIGH, 150, start=500)
    body = people.client("prescriber").get("/").content.decode()
    levels = re.findall(r'data-alert-level="(\w+)"', body)
    assert levels == ["critical"]  # the one critical is a row; the 300 others are counts linking to the worklist
    assert body.index('data-alert-level="critical"') < body.index('data-testid="today-sessions"')
    assert "1 critical alert: act now" in body and "Suicidal thoughts reported (PHQ-9 item 9)" in body
    assert f"?level=critical&amp;patient={patient.pk}" in body  # acknowledge: the worklist, filtered to it
    assert "?level=high" in body and "?level=warning" in body


def test_chair_rows_open_the_chart_for_clinicians_only(people) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    session = make_session(make_course(make_patient(people.clinic, given_name="Kai", family_name="Ingram")),
                           scheduled_at=now.replace(hour=12, minute=0), chair="Chair 2")  # fmt: skip
    chart = reverse("records:session_detail", args=[session.pk])
    nurse = people.client("nurse").get("/").content.decode()
    assert f'href="{chart}"' in nurse and "Kai Ingram" in nurse and "Chair 2" in nurse
    assert "Esketamine nasal" in nurse and "Planned" in nurse  # plain words, never the codes
    desk = people.client("front_desk").get("/").content.decode()
    assert "Kai Ingram" in desk and f'href="{chart}"' not in desk  # the front desk may not open a chart
    researcher = people.client("researcher").get("/").content.decode()
    assert "Kai Ingram" not in researcher and "Today's chairs (1 session)" in researcher


def _session_queries(client: Any) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return [q["sql"] for q in ctx.captured_queries if 'FROM "records_session"' in q["sql"]]


def test_dashboard_never_reads_another_clinics_sessions(people) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    noon = now.replace(hour=12, minute=0)
    make_session(make_course(make_patient(people.clinic, family_name="Ownclinic")), scheduled_at=noon)
    theirs = make_patient(people.outsider.clinic, family_name="Otherclinic")
    other = make_session(make_course(theirs), scheduled_at=noon)
    client = people.client("nurse")
    client.get("/")
    for who in ("nurse", "researcher"):
        sql = _session_queries(people.client(who))
        assert sql, who
        for query in sql:  # every query on sessions is scoped to the clinic in the database, not filtered after
            assert re.search(rf'"records_patient"\."clinic_id" = {people.clinic.pk}\b', query), query
    # and what those queries return holds no row of the other clinic
    body = client.get("/").content.decode()
    assert "Ownclinic" in body and "Otherclinic" not in body and f"/sessions/{other.pk}/" not in body


def test_todays_sessions_list_is_scoped_in_the_query(people) -> None:  # type: ignore[no-untyped-def]
    noon = timezone.now().replace(hour=12, minute=0)
    mine = make_session(make_course(make_patient(people.clinic)), scheduled_at=noon)
    make_session(make_course(make_patient(people.outsider.clinic)), scheduled_at=noon)
    with CaptureQueriesContext(connection) as ctx:
        body = people.client("nurse").get("/sessions/today/").content.decode()
    sql = [q["sql"] for q in ctx.captured_queries if 'FROM "records_session"' in q["sql"]]
    assert len(sql) == 1 and re.search(rf'"records_patient"\."clinic_id" = {people.clinic.pk}\b', sql[0])
    assert f"/sessions/{mine.pk}/" in body and "Open the chart" in body


def test_due_work_lists_reviews_and_reassessments_due(people) -> None:  # type: ignore[no-untyped-def]
    today = timezone.now().date()
    review = make_course(make_patient(people.clinic, family_name="Reviewdue"), review_due_on=today)
    make_course(make_patient(people.clinic, family_name="Reviewdone"), phase=Phase.MAINTENANCE, review_due_on=today)
    yesterday = today - dt.timedelta(days=1)
    make_course(make_patient(people.clinic, family_name="Reassessdue"), reassessment_due_on=yesterday)
    make_course(make_patient(people.clinic, family_name="Ended"), phase=Phase.ENDED, reassessment_due_on=today)
    body = people.client("prescriber").get("/").content.decode()
    due = body.split('data-testid="assessments-due"', 1)[1].split("</div>", 1)[0]
    assert "Reviewdue" in due and "End-of-induction review" in due and f"/courses/{review.pk}/" in due
    assert "Reassessdue" in due and "Reassessment" in due
    assert "Reviewdone" not in due and "Ended" not in due


def test_critical_flash_after_a_phq9_with_item_9_above_0(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    form = {f"item_q{i}": "0" for i in range(1, 9)} | {"item_q9": "2", "instrument": "phq9"}
    form["administered_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    url = reverse("measurement:assessment_new", args=[patient.pk]) + "?instrument=phq9"
    response = people.client("nurse").post(url, form, follow=True)
    body = response.content.decode()
    flash = re.search(r'<li class="([^"]*)">(Critical alert:[^<]*)</li>', body)
    assert flash is not None, body[:3000]
    assert "critical" in flash.group(1).split() and "PHQ-9 item 9" in flash.group(2)
    assert "clinic/overview.css" in body  # the page that shows it carries its style (colour and icon)


# --- the worklist ----------------------------------------------------------------------------------------------


def test_worklist_filters_by_level_kind_and_patient(people) -> None:  # type: ignore[no-untyped-def]
    first, second = make_patient(people.clinic), make_patient(people.clinic)
    _alerts(first, AlertLevel.CRITICAL, 2, kind=AlertKind.SUICIDE_ITEM)
    _alerts(first, AlertLevel.WARNING, 3, kind=AlertKind.BLOOD_PRESSURE, start=10)
    _alerts(second, AlertLevel.WARNING, 4, kind=AlertKind.BLOOD_PRESSURE, start=20)
    client = people.client("nurse")

    def levels_and_patients(query: str) -> list[tuple[str, str]]:
        body = client.get(WORKLIST + query).content.decode()
        return re.findall(r'data-alert-kind="(\w+)" data-alert-level="(\w+)"', body)

    assert levels_and_patients("?level=critical") == [("suicide_item", "critical")] * 2
    assert len(levels_and_patients("?kind=blood_pressure")) == 7
    assert len(levels_and_patients(f"?patient={second.pk}")) == 4
    assert len(levels_and_patients(f"?patient={first.pk}&level=warning&kind=blood_pressure")) == 3
    assert levels_and_patients(f"?patient={second.pk}&level=critical") == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?level=urgent", "Level"),
        ("?kind=weather", "Kind"),
        ("?patient=abc", "Patient"),
        ("?patient=0", "Patient"),
        ("?page=0", "Page"),
        ("?page=two", "Page"),
        ("?page=99999999999", "Page"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(people, query: str, named: str) -> None:  # type: ignore[no-untyped-def]
    _alerts(make_patient(people.clinic), AlertLevel.WARNING, 3)
    response = people.client("nurse").get(WORKLIST + query)
    body = response.content.decode()
    assert response.status_code == 400
    errors = body.split('data-testid="filter-errors"', 1)[1].split("</div>", 1)[0]
    assert f"{named}:" in errors
    assert 'data-testid="alert-table"' not in body  # refused, not silently shown unfiltered


def test_another_clinics_patient_is_refused_as_a_filter(people) -> None:  # type: ignore[no-untyped-def]
    theirs = make_patient(people.outsider.clinic)
    _alerts(theirs, AlertLevel.CRITICAL, 1)
    response = people.client("nurse").get(f"{WORKLIST}?patient={theirs.pk}")
    assert response.status_code == 400
    assert "Patient: that patient is not one of this clinic" in response.content.decode()


def test_pages_keep_the_filter_and_acknowledging_returns_to_the_page(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    _alerts(patient, AlertLevel.INFO, alert_service.PAGE_SIZE + 10)
    _alerts(patient, AlertLevel.WARNING, 5, start=1000)
    client = people.client("nurse")
    first = client.get(f"{WORKLIST}?level=info").content.decode()
    assert first.count('data-alert-level="info"') == alert_service.PAGE_SIZE and "Page 1 of 2" in first
    assert "?level=info&amp;page=2" in first
    second = client.get(f"{WORKLIST}?level=info&page=2").content.decode()
    assert second.count('data-alert-level="info"') == 10 and 'data-alert-level="warning"' not in second
    target = Alert.objects.filter(level=AlertLevel.INFO).order_by("raised_at").first()
    assert target is not None
    back = f"{WORKLIST}?level=info&page=2"
    response = client.post(reverse("measurement:acknowledge", args=[target.pk]), {"note": "", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    target.refresh_from_db()
    assert target.acknowledged_at is not None and target.acknowledged_by_id == people.nurse.pk


def test_front_desk_and_researcher_may_not_open_the_worklist(people) -> None:  # type: ignore[no-untyped-def]
    for who in ("front_desk", "researcher"):
        assert people.client(who).get(WORKLIST).status_code == 403


# --- patients --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Kai Ingram", "Ingram, Kai", "ingram", "kai", "KAI INGRAM", "Ingram Kai", "  kai   ingram ", "Ingram,"]
)
def test_search_finds_a_name_as_people_write_it(people, query: str) -> None:  # type: ignore[no-untyped-def]
    kai = make_patient(people.clinic, given_name="Kai", family_name="Ingram")
    make_patient(people.clinic, given_name="Kai", family_name="Smith" if "ingram" in query.lower() else "Ingram2")
    make_patient(people.clinic, given_name="Robin", family_name="Ashe")
    found = search_patients(people.front_desk, query, now=timezone.now())
    assert kai.pk in [p.pk for p in found]
    assert all(p.family_name.lower().startswith("ingram") or p.given_name == "Kai" for p in found)


def test_search_handles_names_of_several_words_and_accents(people) -> None:  # type: ignore[no-untyped-def]
    anne = make_patient(people.clinic, given_name="Anne Marie", family_name="van der Berg")
    jose = make_patient(people.clinic, given_name="José", family_name="Núñez")
    other = make_patient(people.clinic, given_name="Anne", family_name="Other")

    def found(query: str) -> set[int]:
        return {p.pk for p in search_patients(people.nurse, query, now=timezone.now())}

    assert found("Anne Marie van der Berg") == {anne.pk}
    assert found("van der Berg, Anne") == {anne.pk}
    assert found("Anne") == {anne.pk, other.pk}
    assert found("José Núñez") == {jose.pk} and found("Núñez, José") == {jose.pk}
    assert found("Kai Ingram") == set()


def test_search_form_on_the_list_and_its_refusals(people) -> None:  # type: ignore[no-untyped-def]
    make_patient(people.clinic, given_name="Kai", family_name="Ingram")
    client = people.client("front_desk")
    body = client.get("/patients/", {"q": "Ingram, Kai"}).content.decode()
    assert "Ingram, Kai" in body and 'data-testid="register-patient"' in body
    assert 'data-testid="patient-search"' in body and 'role="search"' in body
    bad = client.get("/patients/", {"q": "x", "page": "zero"})
    assert bad.status_code == 400 and "Page: a whole page number from 1." in bad.content.decode()
    long = client.get("/patients/", {"q": "x" * 101})
    assert long.status_code == 400 and "Name or MRN: at most 100 characters." in long.content.decode()


def test_register_link_only_for_roles_that_may_register(people) -> None:  # type: ignore[no-untyped-def]
    for who in ("prescriber", "nurse", "front_desk"):
        assert 'href="/patients/new/"' in people.client(who).get("/patients/").content.decode(), who
    assert 'href="/patients/new/"' not in people.client("admin").get("/patients/").content.decode()


def test_patient_list_shows_the_course_and_open_alerts_to_clinicians(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, family_name="Alerted")
    make_course(patient, product="ketamine-iv", route="iv", phase=Phase.INDUCTION)
    _alerts(patient, AlertLevel.CRITICAL, 1)
    _alerts(patient, AlertLevel.WARNING, 2, start=5)
    row = people.client("nurse").get("/patients/").content.decode().split("Alerted", 1)[1].split("</tr>", 1)[0]
    assert "Ketamine IV · Induction" in row and "Critical" in row and "1 · 3 open" in row
    desk = people.client("front_desk").get("/patients/").content.decode()
    assert "Alerted" in desk and "Open alerts" not in desk and "Induction" not in desk


def test_patient_page_shows_open_alerts_and_every_screening(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal", "ketamine-iv")
    make_eligible(patient, people.prescriber, "esketamine-nasal", signed=False)  # a newer esketamine screening
    _alerts(patient, AlertLevel.CRITICAL, 1, kind=AlertKind.SUICIDE_ITEM)
    body = people.client("nurse").get(f"/patients/{patient.pk}/").content.decode()
    table = body.split('data-testid="screenings"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr data-product=") == 3
    assert table.count("Esketamine nasal spray (SPRAVATO)") == 2 and table.count("Ketamine IV infusion") == 1
    assert "not signed off" in table and "_" not in re.sub(r"<[^>]+>", "", table)  # plain words, no codes
    alerts = body.split('data-testid="patient-alerts"', 1)[1].split("</section>", 1)[0]
    assert "Critical" in alerts and "Suicidal thoughts reported (PHQ-9 item 9)" in alerts
    assert f"/alerts/?patient={patient.pk}" in alerts
    desk = people.client("front_desk").get(f"/patients/{patient.pk}/").content.decode()
    assert 'data-testid="patient-alerts"' not in desk


# --- plain words and local time --------------------------------------------------------------------------------


def test_every_record_state_has_plain_words() -> None:
    assert set(SessionStatus.values) <= set(LABELS["session_status"])
    assert set(Phase.values) <= set(LABELS["course_phase"])


def test_pages_show_local_times_and_name_the_zone_once(people) -> None:  # type: ignore[no-untyped-def]
    people.clinic.time_zone = "America/New_York"
    people.clinic.save()
    patient = make_patient(people.clinic, family_name="Localtime")
    at = dt.datetime(2026, 1, 15, 15, 30, tzinfo=dt.UTC)  # 10:30 in New York (EST)
    make_session(make_course(patient), scheduled_at=at, chair="Chair 1")
    Alert.objects.create(
        patient=patient, kind=AlertKind.OTHER, level=AlertLevel.WARNING, rule="t.tz", source="platform-defined",
        message="a warning", object_key="tz:1", raised_at=at,
    )  # fmt: skip
    client = people.client("nurse")
    pages = {
        "/": None,
        "/sessions/today/": None,
        WORKLIST: "2026-01-15 10:30",
        f"/patients/{patient.pk}/": "2026-01-15 10:30",
        reverse("measurement:patient", args=[patient.pk]): None,
    }
    for url, local in pages.items():
        body = client.get(url).content.decode()
        assert body.count('data-testid="time-zone"') == 1 and "Times in America/New_York" in body, url
        if local:
            assert local in body and "2026-01-15 15:30" not in body, url


def test_measurement_page_names_the_instrument(people) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.measurement import services

    patient = make_patient(people.clinic)
    now = timezone.now()
    answers = {f"q{i}": 1 for i in range(1, 10)} | {"q9": 0}
    services.record_assessment(people.nurse, patient.pk, "phq9", answers, administered_at=now, now=now)
    body = people.client("nurse").get(reverse("measurement:patient", args=[patient.pk])).content.decode()
    table = body.split('data-testid="recent-assessments"', 1)[1].split("</table>", 1)[0]
    assert "PHQ-9" in table and "phq9" not in table and "Mild" in table


def test_counts_view_names_the_open_criticals(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, family_name="Hiddenname")
    _alerts(patient, AlertLevel.CRITICAL, 2)
    _alerts(patient, AlertLevel.WARNING, 3, start=10)
    for who in ("researcher", "front_desk"):
        body = people.client(who).get("/").content.decode()
        levels = re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", "", body.split('data-testid="alert-levels"', 1)[1].split("</p>")[0])
        )
        assert "⚠ Critical 2" in levels and "! Warning 3" in levels, (who, levels)
        assert "Hiddenname" not in body and 'data-alert-level="critical"' not in body
