"""The dashboard's row tags draw exactly what the template loops they replace drew (issue 17)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import timezone, translation

#: the loops as they were in measurement/dashboard.html before the tags (git history: issue 17)
CRITICAL_LOOP = """  {% for a in d.critical_alerts %}
    <li class="alert-{{ a.level }}" data-alert-kind="{{ a.kind }}" data-alert-level="{{ a.level }}">
      <div class="critical-line">{% include "measurement/_level_badge.html" with level=a.level %}
        <span class="nowrap">{{ a.raised_at|date:"j M H:i" }}</span>
        <a href="{% url 'measurement:patient' a.patient_id %}"><strong>{{ a.patient.display_name }}</strong></a> <span class="muted small">{{ a.patient.mrn }}</span>
        <span class="critical-what" title="{{ a.message }}"><strong>{{ a.kind|label:"alert_kind" }}</strong>: {{ a.message }}</span>
        <a class="ack" href="{{ worklist_url }}?level=critical&amp;patient={{ a.patient_id }}">Acknowledge<span class="visually-hidden"> the critical alert for {{ a.patient.display_name }}</span></a></div>
    </li>
  {% endfor %}"""  # noqa: E501
CHAIR_LOOP = """      {% for s in sessions %}
        <li class="session-{{ s.status }}" data-testid="chair-session">
          {% if d.can_chart %}<a class="row-link" href="{% url 'records:session_detail' s.pk %}">{% else %}<div class="row">{% endif %}
          <span class="when">{% if d.can_chart %}<span class="visually-hidden">Open the chart of </span>{% endif %}{{ s.scheduled_at|time:"H:i" }}</span>
          <span class="who">{{ s.patient.display_name }}</span>
          <span class="status status-{{ s.status }}">{{ s.status|label:"session_status" }}</span>
          <span class="what">{{ s.course.product|label:"product_short" }}</span>
          {% if d.can_chart %}</a>{% else %}</div>{% endif %}
        </li>
      {% endfor %}"""  # noqa: E501
NASTY = 'O\'Brien <b>&</b> "Jo"'


def _render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


def _alerts() -> list[SimpleNamespace]:
    rows = []
    for n, level in enumerate(["critical", "high", "warning", "info", "other<"]):
        patient = SimpleNamespace(display_name=f"{NASTY} {n}", mrn=f"MRN-{n}&<")
        rows.append(SimpleNamespace(level=level, kind=["phq9_item9", "suicidality", "unknown-kind", "relapse", "x"][n],
                                    raised_at=dt.datetime(2026, 12, 2, 23, 30 + n, tzinfo=dt.UTC), patient_id=1000 + n,
                                    patient=patient, message=f"Item 9 = {n} \"said\" <now> & then"))  # fmt: skip
    return rows


def _sessions() -> list[SimpleNamespace]:
    rows = []
    for n, status in enumerate(["planned", "in_progress", "signed", "weird<"]):
        when = dt.datetime(2026, 12, 2, 8 + n, 5, tzinfo=dt.UTC)
        product = ["esketamine_spravato", "ketamine_iv", "??", ""][n]
        course = SimpleNamespace(product=product)
        rows.append(SimpleNamespace(pk=50 + n, status=status, scheduled_at=when, course=course,
                                    patient=SimpleNamespace(display_name=f"{NASTY} {n}")))  # fmt: skip
    return rows


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_critical_rows_draw_what_the_loop_drew(zone: str, language: str) -> None:
    context = {"d": {"critical_alerts": _alerts()}, "worklist_url": "/alerts/?a=1&b=<2>"}
    with timezone.override(zone), translation.override(language):
        old = _render(CRITICAL_LOOP, context)
        new = _render("{% load dashboard_rows %}  {% critical_rows d.critical_alerts worklist_url %}", context)
    assert new == old
    assert "&lt;now&gt;" in new and "/patients/1004/measurement/" in new


@pytest.mark.parametrize("can_chart", [True, False])
@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_chair_rows_draw_what_the_loop_drew(can_chart: bool, zone: str) -> None:
    context = {"d": {"can_chart": can_chart}, "sessions": _sessions()}
    with timezone.override(zone):
        old = _render(CHAIR_LOOP, context)
        new = _render("{% load dashboard_rows %}      {% chair_rows sessions d.can_chart %}", context)
    assert new == old
    assert ("/sessions/53/" in new) is can_chart


def test_no_rows_draw_nothing() -> None:
    assert (
        _render("{% load dashboard_rows %}{% critical_rows rows '/a/' %}{% chair_rows rows True %}", {"rows": []}) == ""
    )
