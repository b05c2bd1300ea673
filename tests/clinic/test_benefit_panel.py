"""The benefit model in the clinic: one patient's predicted course on the measurement page, and the calibration page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.benefit import panel
from ketamine_trd.clinic.measurement import services
from ketamine_trd.clinical import instruments
from tests.clinic.builders import make_clinic, make_patient, make_session, make_treated_course, make_user

pytestmark = pytest.mark.django_db
LABEL = "model estimate, calibrated to published group results; not a dosing instruction"
DOSE_DAYS = (0, 2, 4, 7, 9, 11)
#: synthetic MADRS ratings (day after the first dose, total): a responder whose benefit fades after the last dose
SCORES = ((1, 18), (3, 15), (5, 13), (8, 11), (10, 10), (12, 9), (19, 15))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _madrs(total: int) -> dict[str, int]:
    values = [min(6, max(0, total - 6 * k)) for k in range(10)]
    return {item.id: v for item, v in zip(instruments.get("madrs").items, values, strict=True)}


@pytest.fixture
def people() -> dict[str, Any]:
    clinic = make_clinic()
    return {
        "clinic": clinic,
        "nurse": make_user("nurse", clinic),
        "prescriber": make_user("prescriber", clinic),
        "patient": make_patient(clinic),
    }


def _treat(people: dict[str, Any], scores: tuple[tuple[int, int], ...] = SCORES, baseline: bool = True) -> Any:
    patient, nurse = people["patient"], people["nurse"]
    now = timezone.now()
    day0 = now - dt.timedelta(days=21)
    course = make_treated_course(patient, people["prescriber"], product="ketamine-iv")
    for d in DOSE_DAYS:
        at = day0 + dt.timedelta(days=d)
        make_session(course, scheduled_at=at, status="signed", dosed_at=at, dose_mg=35, infusion_duration_min=40)
    points = (((-1, 32),) if baseline else ()) + scores
    for d, total in points:
        services.record_assessment(nurse, patient.pk, "madrs", _madrs(total), administered_at=day0 + dt.timedelta(
            days=d, hours=2), now=now)  # fmt: skip
    return patient


def _page(people: dict[str, Any]) -> str:
    client = Client()
    client.force_login(people["nurse"])
    response = client.get(reverse("measurement:patient", args=[people["patient"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_shows_the_predicted_course_of_a_treated_patient(people: dict[str, Any]) -> None:
    _treat(people)
    html = _page(people)
    assert 'data-testid="benefit-panel"' in html and 'data-testid="benefit-chart"' in html
    assert "<svg" in html.split('data-testid="benefit-chart"')[1] and "benefit-svg" in html
    assert "Suggested window for the next maintenance session" in html
    assert LABEL in html.replace("Model estimate", "model estimate")
    assert reverse("benefit:calibration") in html
    assert 'data-testid="benefit-unavailable"' not in html


def test_the_panel_numbers_come_from_the_patient_posterior(people: dict[str, Any]) -> None:
    patient = _treat(people)
    zone = dt.UTC
    got = panel.patient_panel(people["nurse"], patient, today=timezone.now().date(), zone=zone)
    assert got.available and got.responding and got.doses == 6 and got.scores == 7 and got.baseline_madrs == 32
    assert got.window is not None and got.window[0] <= got.window[1]
    assert got.fade_days["p10"] <= got.fade_days["p50"] <= got.fade_days["p90"]
    assert got.window_days == (got.fade_days["p10"], got.fade_days["p50"])
    assert got.label == LABEL


def test_the_computation_is_cached_under_the_patients_data(people: dict[str, Any], monkeypatch: Any) -> None:
    patient = _treat(people)
    calls: list[int] = []
    real = panel._compute

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(panel, "_compute", counting)
    panel.patient_panel(people["nurse"], patient, today=timezone.now().date(), zone=dt.UTC)
    panel.patient_panel(people["nurse"], patient, today=timezone.now().date(), zone=dt.UTC)
    assert len(calls) == 1
    services.record_assessment(people["nurse"], patient.pk, "madrs", _madrs(16), administered_at=timezone.now()
                               - dt.timedelta(hours=1), now=timezone.now())  # fmt: skip
    panel.patient_panel(people["nurse"], patient, today=timezone.now().date(), zone=dt.UTC)
    assert len(calls) == 2  # a new score is new data: recomputed


def test_the_panel_read_is_audited(people: dict[str, Any]) -> None:
    patient = _treat(people)
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    _page(people)
    assert AuditEvent.objects.filter(
        seq__gt=before, patient_id=str(patient.pk), action="read", detail="benefit model estimate"
    ).exists()


def test_too_few_scores_says_so_instead_of_a_curve(people: dict[str, Any]) -> None:
    _treat(people, scores=((1, 18),))
    html = _page(people)
    assert 'data-testid="benefit-unavailable"' in html and 'data-testid="benefit-chart"' not in html
    assert "1 MADRS score after the first dose; the model needs at least 2" in html
    assert LABEL in html.replace("Model estimate", "model estimate")


def test_no_dose_and_no_baseline_are_named(people: dict[str, Any]) -> None:
    html = _page(people)
    assert "No signed dose yet" in html
    cache.clear()
    _treat(people, baseline=False)
    html = _page(people)
    assert "No MADRS score at or before the first dose" in html and "benefit-svg" not in html


def test_the_calibration_page_renders_the_calibration_table(people: dict[str, Any]) -> None:
    from ketamine_trd.pharmacology.benefit.calibration import TARGETS

    client = Client()
    client.force_login(people["nurse"])
    response = client.get(reverse("benefit:calibration"))
    assert response.status_code == 200
    html = response.content.decode()
    assert LABEL in html and 'data-testid="calibration-table"' in html
    assert html.count("<tr>") >= len(TARGETS) + 1
    assert "han-2016" in html and "Targets left out" in html
    assert Client().get(reverse("benefit:calibration")).status_code == 302  # sign-in first


def test_the_api_compares_schedules_by_benefit_with_the_reports_figures(people: dict[str, Any]) -> None:
    import json
    from pathlib import Path

    from ketamine_trd.jsonable import to_jsonable
    from ketamine_trd.pharmacology.benefit.report import compare_schedules, request_from
    from ketamine_trd.pharmacology.course_input import course_from_json

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    courses = [
        json.loads((examples / f).read_text()) for f in ("pk-esketamine-induction.json", "pk-esketamine-weekly.json")
    ]
    client = Client()
    client.force_login(people["nurse"])
    body = {"courses": courses, "names": ["induction", "weekly"], "n": 200, "seed": 4, "draws": 3}
    response = client.post("/api/benefit/compare", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["label"] == LABEL and set(data["schedules"]) == {"induction", "weekly"}
    plan = course_from_json(courses[0])
    same = compare_schedules({"a": request_from(plan.regimen, plan.weight_kg or 70.0, n=200, seed=4, draws=3)})
    assert data["schedules"]["induction"] == json.loads(json.dumps(to_jsonable(same["a"])))
    bad = client.post("/api/benefit/compare", {**body, "draws": 0}, content_type="application/json")
    assert 400 <= bad.status_code < 500 and "draws" in bad.content.decode()
    route = client.post("/api/benefit/compare", {**body, "courses": [{"route": "nowhere"}], "names": None},
                        content_type="application/json")  # fmt: skip
    assert 400 <= route.status_code < 500 and "route" in route.content.decode()
    assert Client().post("/api/benefit/compare", body, content_type="application/json").status_code == 401
