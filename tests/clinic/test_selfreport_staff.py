"""Self-report for staff: patient-reported scores are drawn and listed apart from staff-entered ones (issue 13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
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
