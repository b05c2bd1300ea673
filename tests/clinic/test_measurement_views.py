# ruff: noqa: F811  (pytest fixtures imported from test_measurement_builders)
"""Pages of the measurement app: allow and deny per view, score entry, worklist, chart, PDF, dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from ketamine_trd.clinic.measurement import services
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinical.alert_vocabulary import AlertKind
from tests.clinic.test_measurement_builders import (  # noqa: F401  (fixtures)
    NOW,
    clinic,
    front_desk,
    make_course,
    make_session,
    make_user,
    nurse,
    outsider,
    patient,
    phq9,
    prescriber,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The dashboard caches its course summary per clinic; start each test without it."""
    from django.core.cache import cache

    cache.clear()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_phq9(client: Client, patient: Any, values: list[int | str], when: str = "2026-01-10T10:00") -> Any:
    data: dict[str, Any] = {f"item_q{i}": v for i, v in enumerate(values, start=1)}
    data.update(instrument="phq9", administered_at=when)
    return client.post(reverse("measurement:assessment_new", args=[patient.pk]) + "?instrument=phq9", data)


def _urls(patient: Any) -> list[str]:
    return [
        reverse("measurement:dashboard"),
        reverse("measurement:worklist"),
        reverse("measurement:patient", args=[patient.pk]),
        reverse("measurement:assessment_new", args=[patient.pk]),
        reverse("measurement:progress_report", args=[patient.pk]),
        reverse("measurement:plotly_js"),
    ]


def test_anonymous_is_sent_to_login_everywhere(patient: Any) -> None:
    for url in _urls(patient):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_front_desk_is_denied_clinical_pages_but_sees_dashboard(front_desk: Any, patient: Any) -> None:
    client = _client(front_desk)
    assert client.get(reverse("measurement:dashboard")).status_code == 200
    for url in _urls(patient)[1:5]:
        assert client.get(url).status_code == 403, url


def test_researcher_sees_a_deidentified_dashboard(nurse: Any, clinic: Any, patient: Any) -> None:
    from django.utils import timezone

    now = timezone.now()
    course = make_course(patient)
    make_session(course, scheduled_at=now.replace(hour=12, minute=0), chair="chair 1")
    services.record_assessment(nurse, patient.pk, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), administered_at=now, now=now)
    response = _client(make_user("researcher", clinic)).get(reverse("measurement:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="deidentified"' in body
    assert "Today's chairs (1 session)" in body
    assert patient.mrn not in body and patient.family_name not in body


def test_other_clinic_gets_404(outsider: Any, patient: Any) -> None:
    client = _client(outsider)
    for url in _urls(patient)[2:5]:
        assert client.get(url).status_code == 404, url


def test_score_form_lists_every_item_of_the_definition(nurse: Any, patient: Any) -> None:
    from ketamine_trd.clinical import instruments

    client = _client(nurse)
    for instrument in instruments.all_instruments():
        url = reverse("measurement:assessment_new", args=[patient.pk]) + f"?instrument={instrument.id}"
        page = client.get(url)
        assert page.status_code == 200, instrument.id
        for item in instrument.items:
            assert f'name="item_{item.id}"' in page.content.decode(), (instrument.id, item.id)


def test_phq9_item9_via_the_form_raises_the_alert_and_shows_it(nurse: Any, patient: Any) -> None:
    client = _client(nurse)
    response = _post_phq9(client, patient, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert response.status_code == 302
    assert Alert.objects.filter(patient=patient, kind=AlertKind.SUICIDE_ITEM).exists()
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "PHQ-9 item 9" in body and "trajectory-chart" in body
    assert static("vendor/plotly.min.js") in body


def test_out_of_range_answer_is_refused_naming_the_item(nurse: Any, patient: Any) -> None:
    response = _post_phq9(_client(nurse), patient, [0, 0, 0, 0, 0, 0, 0, 0, 7])
    assert response.status_code == 400
    # under the item's field (labelled "q9: ..."), in the engine's words, the same as the API's
    assert response.context["form"].errors["item_q9"] == ["7 is not allowed (allowed: an integer from 0 to 3)"]
    assert not Assessment.objects.exists()


def test_missing_item_is_refused_by_the_engine_and_nothing_saved(nurse: Any, patient: Any) -> None:
    response = _post_phq9(_client(nurse), patient, [0, 0, 0, 0, 0, 0, 0, 0, ""])
    assert response.status_code == 400
    assert "q9" in response.content.decode()
    assert not Assessment.objects.exists()


def test_future_date_is_refused(nurse: Any, patient: Any) -> None:
    response = _post_phq9(_client(nurse), patient, [0] * 9, when="2099-01-01T10:00")
    assert response.status_code == 400 and "administered_at" in response.content.decode()


def test_worklist_acknowledge_keeps_who_and_when(nurse: Any, patient: Any) -> None:
    client = _client(nurse)
    _post_phq9(client, patient, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = Alert.objects.get(kind=AlertKind.SUICIDE_ITEM)
    assert "PHQ-9 item 9" in client.get(reverse("measurement:worklist")).content.decode()
    response = client.post(reverse("measurement:acknowledge", args=[alert.pk]), {"note": "seen"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == nurse and alert.acknowledged_at is not None and alert.acknowledgement_note == "seen"
    again = client.post(reverse("measurement:acknowledge", args=[alert.pk]), {"note": "x"}, follow=True)
    assert "already acknowledged" in again.content.decode()


def test_acknowledge_requires_post_and_a_clinical_role(front_desk: Any, nurse: Any, patient: Any) -> None:
    services.record_assessment(nurse, patient.pk, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), administered_at=NOW, now=NOW)
    alert = Alert.objects.filter(kind=AlertKind.SUICIDE_ITEM).get()
    url = reverse("measurement:acknowledge", args=[alert.pk])
    assert _client(nurse).get(url).status_code == 405
    assert _client(front_desk).post(url).status_code == 403


def test_progress_report_is_a_pdf(nurse: Any, patient: Any) -> None:
    for day, total in ((1, 3), (8, 2), (15, 1)):
        answers = phq9(total, total, total, total, total, total, total, total, 0)
        at = dt.datetime(2026, 1, day, 10, tzinfo=dt.UTC)
        services.record_assessment(nurse, patient.pk, "phq9", answers, administered_at=at, now=NOW)
    response = _client(nurse).get(reverse("measurement:progress_report", args=[patient.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000


def test_plotly_js_is_served_from_the_installed_package(nurse: Any) -> None:
    moved = _client(nurse).get(reverse("measurement:plotly_js"))  # the old address: to the static file
    assert moved.status_code == 302 and moved["Location"] == static("vendor/plotly.min.js")
    response = _client(nurse).get(moved["Location"])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert b"plotly" in b"".join(response.streaming_content)[:2000].lower()


def test_dashboard_shows_sections_with_a_bounded_number_of_queries(
    nurse: Any, patient: Any, clinic: Any, django_assert_max_num_queries: Any
) -> None:
    from django.utils import timezone

    from tests.clinic.test_measurement_builders import make_patient

    now = timezone.now()
    for _ in range(6):
        other = make_patient(clinic)
        course = make_course(other, reassessment_due_on=now.date())
        make_session(course, scheduled_at=now.replace(hour=12, minute=0), chair=f"chair {other.pk % 2}")
        services.record_assessment(
            nurse, other.pk, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), administered_at=now, now=now
        )
    client = _client(nurse)
    client.get(reverse("measurement:dashboard"))  # warm the session and content types
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(22):  # 17, + open criticals + due list (up to 3) + self-report (1)
        response = client.get(reverse("measurement:dashboard"))
    body = response.content.decode()
    for testid in ("today-sessions", "open-alerts", "screens-due", "assessments-due", "rems-due", "outcome-summary"):
        assert f'data-testid="{testid}"' in body
    assert body.count("PHQ-9 item 9") >= 6


def test_dashboard_chairs_leave_out_cancelled_sessions(nurse: Any, clinic: Any) -> None:
    from django.utils import timezone

    from tests.clinic.test_measurement_builders import make_patient

    now = timezone.now()
    kept = make_patient(clinic, family_name="Keptonthechair")
    dropped = make_patient(clinic, family_name="Cancelledsession")
    make_session(make_course(kept), scheduled_at=now.replace(hour=12, minute=0), chair="chair A")
    make_session(
        make_course(dropped), scheduled_at=now.replace(hour=12, minute=30), chair="chair A", status="cancelled"
    )
    body = _client(nurse).get(reverse("measurement:dashboard")).content.decode()
    assert "Keptonthechair" in body
    assert "Cancelledsession" not in body


def _dashboard_queries(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("measurement:dashboard")).status_code == 200
    return len(ctx.captured_queries)


def _busy_patient(nurse: Any, clinic: Any, now: dt.datetime) -> None:
    from tests.clinic.test_measurement_builders import make_patient

    other = make_patient(clinic)
    course = make_course(other, reassessment_due_on=now.date())
    make_session(course, scheduled_at=now.replace(hour=12, minute=0), chair=f"chair {other.pk % 3}")
    services.record_assessment(nurse, other.pk, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), administered_at=now, now=now)


def test_dashboard_query_count_does_not_grow_with_the_clinic(nurse: Any, clinic: Any) -> None:
    from django.utils import timezone

    now = timezone.now()
    client = _client(nurse)
    _busy_patient(nurse, clinic, now)
    from django.core.cache import cache

    client.get(reverse("measurement:dashboard"))
    cache.clear()
    small = _dashboard_queries(client)
    for _ in range(7):
        _busy_patient(nurse, clinic, now)
    cache.clear()
    assert _dashboard_queries(client) == small


def test_patient_page_query_count_does_not_grow_with_assessments(nurse: Any, patient: Any) -> None:
    client = _client(nurse)
    url = reverse("measurement:patient", args=[patient.pk])

    def add(n: int) -> None:
        for k in range(n):
            at = NOW - dt.timedelta(days=30 - k)
            services.record_assessment(
                nurse, patient.pk, "phq9", phq9(k % 4, 1, 1, 1, 1, 1, 1, 1, 0), administered_at=at, now=NOW
            )

    add(2)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(10)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_every_measurement_page_showing_a_patient_audits_a_read(nurse: Any, patient: Any) -> None:
    from ketamine_trd.clinic.audit.models import AuditEvent

    client = _client(nurse)
    for url in _urls(patient)[2:5]:
        before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        assert client.get(url).status_code == 200, url
        new = AuditEvent.objects.filter(seq__gt=before, patient_id=str(patient.pk), action__in=["read", "export"])
        assert new.exists(), url


def test_dashboard_course_summary_is_cached_but_alerts_are_live(nurse: Any, clinic: Any) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    client = _client(nurse)
    _busy_patient(nurse, clinic, timezone.now())
    client.get(reverse("measurement:dashboard"))
    cache.clear()
    uncached = _dashboard_queries(client)
    assert _dashboard_queries(client) == uncached - 3  # phases, reassessments and screens due from the cache
    _busy_patient(nurse, clinic, timezone.now())
    body = client.get(reverse("measurement:dashboard")).content.decode()
    assert body.count('data-alert-level="critical"') == 2


def _pdf_text(pdf: bytes) -> str:
    """The page content streams of a reportlab PDF (ASCII85 then Flate encoded), as text."""
    import base64
    import re
    import zlib

    chunks = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = raw.strip()
        try:
            if data.endswith(b"~>"):
                data = base64.a85decode(data, adobe=True) if data.startswith(b"<~") else base64.a85decode(data[:-2])
            chunks.append(zlib.decompress(data).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "".join(chunks)


def test_progress_report_is_labelled_synthetic_for_demo_patients(nurse: Any, clinic: Any) -> None:
    from tests.clinic.test_measurement_builders import make_patient

    client = _client(nurse)
    real = make_patient(clinic)
    demo = make_patient(clinic, synthetic=True)
    real_text = _pdf_text(client.get(reverse("measurement:progress_report", args=[real.pk])).content)
    demo_text = _pdf_text(client.get(reverse("measurement:progress_report", args=[demo.pk])).content)
    assert "Patient progress report" in real_text and "SYNTHETIC" not in real_text
    assert "SYNTHETIC DEMO DATA" in demo_text


def test_admin_lists_assessments_and_alerts_read_only(clinic: Any, nurse: Any, patient: Any) -> None:
    from django.contrib import admin

    from ketamine_trd.clinic.measurement.models import Alert as AlertModel

    services.record_assessment(nurse, patient.pk, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), administered_at=NOW, now=NOW)
    model_admin = admin.site._registry[AlertModel]
    request = type("R", (), {"user": nurse})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, AlertModel.objects.first())
    assert not model_admin.has_delete_permission(request, AlertModel.objects.first())
    assert Assessment in admin.site._registry


def test_the_trajectory_is_drawn_on_the_server_and_plotly_waits_to_be_asked(people) -> None:  # type: ignore[no-untyped-def]
    """The chart shows at first paint (inline SVG, no script); Plotly's 4.8 MB load only for the interactive one."""
    from django.utils import timezone

    from ketamine_trd.clinic.measurement import services
    from tests.clinic.builders import make_patient

    patient = make_patient(people.clinic)
    client = people.client("nurse")
    empty = client.get(f"/patients/{patient.pk}/measurement/").content.decode()
    assert "<svg" not in empty and "trajectory-interactive" not in empty
    for total in (18, 9):
        services.record_assessment(people.nurse, patient.pk, "phq9", {f"q{i}": total // 9 for i in range(1, 10)},
                                   administered_at=None, now=timezone.now())  # fmt: skip
    body = client.get(f"/patients/{patient.pk}/measurement/").content.decode()
    svg = body[body.index('data-testid="trajectory-static"'):]
    assert '<svg role="img" aria-label="PHQ-9' in svg and "<?xml" not in body and "<!DOCTYPE svg" not in body
    assert "vendor/plotly.min.js" in body and '<script src="/static/vendor/plotly' not in body  # not loaded yet
    assert body.count("<svg") == 1
