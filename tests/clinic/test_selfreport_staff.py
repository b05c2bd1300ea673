"""Self-report for staff: patient-reported scores are drawn and listed apart from staff-entered ones (issue 13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.measurement import page, services, trajectory
from ketamine_trd.clinic.measurement.progress_report import chart_image
from ketamine_trd.clinic.selfreport import services as selfreport
from ketamine_trd.clinic.selfreport.models import ReportLink
from tests.clinic.builders import make_patient

pytestmark = pytest.mark.django_db

PHQ9 = {f"q{n}": 1 for n in range(1, 10)}
PHQ9_ZERO9 = {**PHQ9, "q9": 0}


def _patient_answers(people: Any, patient: Any, channel: str, at: dt.datetime) -> None:
    issued = selfreport.issue_link(people.nurse, patient.pk, ("phq9",), now=at, channel=channel)
    ReportLink.objects.filter(pk=issued.link.pk).update(verified_at=at)  # the date-of-birth check, passed
    selfreport.submit(None, issued.link.pk, {"phq9": PHQ9_ZERO9}, now=at)


@pytest.fixture
def mixed(people: Any) -> Any:
    """A patient with one staff-entered PHQ-9, one sent by link and one from the waiting-room tablet."""
    patient = make_patient(people.clinic)
    now = timezone.now()
    services.record_assessment(people.nurse, patient.pk, "phq9", PHQ9_ZERO9, administered_at=now - dt.timedelta(days=6),
                               now=now)  # fmt: skip
    _patient_answers(people, patient, "link", now - dt.timedelta(days=3))
    _patient_answers(people, patient, "tablet", now - dt.timedelta(days=1))
    return patient


def test_trajectory_knows_who_entered_each_point(people: Any, mixed: Any) -> None:
    traj = trajectory.build_trajectory(people.nurse, mixed, "phq9", audit=False)
    assert traj.channels == ("staff", "link", "tablet")
    groups = {channel: words for channel, words, _ in trajectory.marked_points(traj)}
    assert groups == {"staff": "Staff-entered", "link": "Patient-reported (link)",
                      "tablet": "Patient-reported (waiting-room tablet)"}  # fmt: skip


def test_plotly_figure_marks_patient_points_with_shape_and_legend_words(people: Any, mixed: Any) -> None:
    figure = trajectory.plotly_figure(trajectory.build_trajectory(people.nurse, mixed, "phq9", audit=False))
    traces = {t["name"]: t for t in figure["data"]}
    assert traces["PHQ-9 total"]["mode"] == "lines" and len(traces["PHQ-9 total"]["x"]) == 3
    symbols = {name: traces[name]["marker"]["symbol"] for name in
               ("Staff-entered", "Patient-reported (link)", "Patient-reported (waiting-room tablet)")}  # fmt: skip
    assert len(set(symbols.values())) == 3  # three different shapes, not colour alone
    assert len(traces["Patient-reported (link)"]["x"]) == 1


def test_staff_only_chart_is_unchanged(people: Any) -> None:
    patient = make_patient(people.clinic)
    services.record_assessment(people.nurse, patient.pk, "phq9", PHQ9_ZERO9, administered_at=timezone.now(),
                               now=timezone.now())  # fmt: skip
    figure = trajectory.plotly_figure(trajectory.build_trajectory(people.nurse, patient, "phq9", audit=False))
    assert [t["name"] for t in figure["data"]] == ["PHQ-9 total"] and figure["data"][0]["mode"] == "lines+markers"


def test_server_chart_has_legend_words_and_cache_keys_the_channel(people: Any, mixed: Any) -> None:
    traj = trajectory.build_trajectory(people.nurse, mixed, "phq9", audit=False)
    svg = page.chart_svg(traj)
    assert "Patient-reported (link)" in svg and "Patient-reported (waiting-room tablet)" in svg
    assert "Staff-entered" in svg
    as_staff = dataclasses.replace(traj, channels=("staff",) * len(traj.points))
    assert "Patient-reported" not in page.chart_svg(as_staff)  # same points, other channels: drawn anew
    assert chart_image(traj, "png").startswith(b"\x89PNG")


def test_scores_table_shows_the_channel(people: Any, mixed: Any) -> None:
    html = people.client("nurse").get(f"/patients/{mixed.pk}/measurement/").content.decode()
    assert html.count('data-testid="entered-by">Patient-reported (link)<') == 1
    assert html.count('data-testid="entered-by">Patient-reported (waiting-room tablet)<') == 1
    assert html.count('data-testid="entered-by">Staff-entered<') == 1
    assert "Patient-reported (link)" in html.split('id="trajectory-figure"')[1]  # the interactive chart's data


# --- the API ------------------------------------------------------------------------------------------------

API = "/api/self-report"


def test_api_issues_a_link_once_and_reads_its_status_without_the_token(people: Any) -> None:
    from django.core import mail

    patient = make_patient(people.clinic)
    client = people.client("nurse")
    response = client.post(f"{API}/patients/{patient.pk}/links", {"instrument_ids": ["gad7", "phq9"],
                           "email": "alex@example.org"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    token = body["url"].rsplit("/r/", 1)[1].strip("/")
    assert len(token) >= 43 and body["instrument_ids"] == ["phq9", "gad7"] and body["status"] == "sent"
    assert len(mail.outbox) == 1 and body["url"] in mail.outbox[0].body
    link = ReportLink.objects.get(pk=body["link_id"])
    assert link.patient_id == patient.pk and token not in link.token_hash
    status = client.get(f"{API}/links/{link.pk}")
    assert status.status_code == 200 and status.json()["status"] == "sent"
    assert token not in status.content.decode() and "url" not in status.json()
    # the link works for the patient
    assert Client().get(f"/r/{token}/").status_code == 200
    selfreport.revoke_link(people.nurse, link.pk, now=timezone.now())
    assert client.get(f"{API}/links/{link.pk}").json()["status"] == "revoked"


def test_api_status_pending_used_expired_locked(people: Any) -> None:
    patient = make_patient(people.clinic)
    now = timezone.now()
    client = people.client("nurse")
    old = selfreport.issue_link(people.nurse, patient.pk, ("phq9",), now=now - dt.timedelta(days=5))
    fresh = selfreport.issue_link(people.nurse, patient.pk, ("phq9",), now=now)
    assert client.get(f"{API}/links/{old.link.pk}").json()["status"] == "expired"
    assert client.get(f"{API}/links/{fresh.link.pk}").json()["status"] == "pending"
    ReportLink.objects.filter(pk=old.link.pk).update(locked_at=now)
    assert client.get(f"{API}/links/{old.link.pk}").json()["status"] == "locked"
    ReportLink.objects.filter(pk=fresh.link.pk).update(verified_at=now)
    selfreport.submit(None, fresh.link.pk, {"phq9": PHQ9_ZERO9}, now=now)
    assert client.get(f"{API}/links/{fresh.link.pk}").json()["status"] == "used"


def test_api_roles_and_other_clinic(people: Any) -> None:
    patient = make_patient(people.clinic)
    body = {"instrument_ids": ["phq9"]}
    outsider = people.client("outsider")
    assert outsider.post(f"{API}/patients/{patient.pk}/links", body,
                         content_type="application/json").status_code == 404  # fmt: skip
    link = selfreport.issue_link(people.nurse, patient.pk, ("phq9",), now=timezone.now()).link
    assert outsider.get(f"{API}/links/{link.pk}").status_code == 404
    assert people.client("front_desk").post(f"{API}/patients/{patient.pk}/links", body,
                                            content_type="application/json").status_code == 403  # fmt: skip
    assert Client().get(f"{API}/links/{link.pk}").status_code in (401, 403)
    assert ReportLink.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument_ids": []}, "instrument_ids"),
        ({"instrument_ids": ["nope"]}, "instrument_ids"),
        ({"instrument_ids": ["madrs"]}, "instrument_ids"),  # a clinician-rated scale has no patient text
        ({"instrument_ids": ["phq9"], "email": "not an address"}, "email"),
        ({}, "instrument_ids"),
    ],
)
def test_api_bad_input_names_the_field_and_saves_nothing(people: Any, body: dict[str, Any], field: str) -> None:
    patient = make_patient(people.clinic)
    response = people.client("nurse").post(f"{API}/patients/{patient.pk}/links", body,
                                           content_type="application/json")  # fmt: skip
    assert 400 <= response.status_code < 500 and response.json()["field"] == field, response.content
    assert not ReportLink.objects.exists()


# --- FHIR export --------------------------------------------------------------------------------------------


def test_fhir_export_marks_patient_reported_answers(people: Any, mixed: Any) -> None:
    from ketamine_trd.clinic import fhir_bridge

    bundle = fhir_bridge.export_patient(people.nurse, mixed.mrn, now=timezone.now())
    resources = [e["resource"] for e in bundle["entry"]]
    patient_ref = next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert len(responses) == 3
    assert [r.get("source") for r in sorted(responses, key=lambda r: r["authored"])] == [
        None, {"reference": patient_ref}, {"reference": patient_ref}]  # fmt: skip
    scores = sorted((r for r in resources if r["resourceType"] == "Observation" and "valueQuantity" in r),
                    key=lambda r: r["effectiveDateTime"])  # fmt: skip
    assert [("performer" in s) for s in scores] == [False, True, True]
    assert scores[1]["performer"] == [{"reference": patient_ref}]
    # the marked bundle still imports (an exported patient re-imported into its own clinic: nothing new, none refused)
    report = fhir_bridge.import_bundle(people.nurse, bundle, now=timezone.now(), dry_run=True)
    assert report.counts.get("rejected", 0) == 0, report.to_dict()
