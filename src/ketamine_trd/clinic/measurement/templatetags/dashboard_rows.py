"""The dashboard's two long lists, drawn in Python: ``{% critical_rows %}`` and ``{% chair_rows %}``.

The dashboard lists every open critical alert (never capped: a critical alert is never hidden) and every
session of the day. As template loops each row cost a URL reverse, an include and a dozen variable lookups: on
the bench clinic (100 critical alerts, 40 sessions) the two loops were most of the page's template time, and the
template most of its CPU (issue 17). These tags draw the same markup, byte for byte, through the template
engine's own pieces: each value through ``template_output.output`` (the same localisation and escaping), dates
through the ``date``/``time`` filters in the current time zone, codes through the ``label`` filter, links reversed
once per list. ``tests/clinic/test_dashboard_rows.py`` renders the old loops and these tags on the same rows
and compares them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from ketamine_trd.clinic.template_output import output as _v
from ketamine_trd.clinical.labels import label

register = template.Library()
_SENTINEL = 987654321987


def _link(name: str) -> Callable[[Any], str]:
    """``{% url name pk %}`` for many pks: reversed once, the pk put in its place (escaped, as the tag does)."""
    address = reverse(name, args=[_SENTINEL])
    head, sep, tail = address.partition(str(_SENTINEL))
    if not sep or str(_SENTINEL) in tail:
        return lambda pk: _v(reverse(name, args=[pk]))
    return lambda pk: _v(f"{head}{pk}{tail}")


def day_month_time(moment: Any) -> str:
    """``{{ moment|date:"j M H:i" }}`` (in the current time zone) for an aware datetime, as Django's ``dateformat``
    writes those four codes (``j`` the day, ``M`` the month's translated abbreviation title-cased, ``H:i``): the
    filter parses its format string anew for every value, a few hundred times a dashboard. Anything else goes
    through the filter itself."""
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        return str(date_filter(template_localtime(moment), "j M H:i"))
    local = template_localtime(moment)
    return f"{local.day} {MONTHS_3[local.month].title()} {local.hour:02d}:{local.minute:02d}"


def _badge(level: str) -> str:
    """``measurement/_level_badge.html`` (the file ends with a newline)."""
    icon = {"critical": "⚠", "high": "▲", "warning": "!"}.get(level, "i")
    return (f'<span class="level-badge level-{_v(level)}"><span class="level-icon" aria-hidden="true">{icon}</span> '
            f"{_v(label('alert_level', level))}</span>\n")  # fmt: skip


@register.simple_tag
def critical_rows(alerts: Iterable[Any], worklist_url: str) -> SafeString:
    """The ``<li>`` rows of the dashboard's critical-alert list (alerts with their patient loaded)."""
    patient_link = _link("measurement:patient")
    worklist = _v(worklist_url)
    rows = []
    for a in alerts:
        name = _v(a.patient.display_name)
        rows.append(
            f'\n    <li class="alert-{_v(a.level)}" data-alert-kind="{_v(a.kind)}" data-alert-level="{_v(a.level)}">\n'
            f'      <div class="critical-line">{_badge(a.level)}\n'
            f'        <span class="nowrap">{_v(day_month_time(a.raised_at))}</span>\n'
            f'        <a href="{patient_link(a.patient_id)}"><strong>{name}</strong></a> '
            f'<span class="muted small">{_v(a.patient.mrn)}</span>\n'
            f'        <span class="critical-what" title="{_v(a.message)}"><strong>{_v(label("alert_kind", a.kind))}'
            f"</strong>: {_v(a.message)}</span>\n"
            f'        <a class="ack" href="{worklist}?level=critical&amp;patient={_v(a.patient_id)}">Acknowledge'
            f'<span class="visually-hidden"> the critical alert for {name}</span></a></div>\n'
            "    </li>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above went through the engine's escaping


@register.simple_tag
def chair_rows(sessions: Iterable[Any], can_chart: bool) -> SafeString:
    """The ``<li>`` rows of one chair on the dashboard (sessions with patient and course loaded)."""
    chart_link = _link("records:session_detail")
    rows = []
    for s in sessions:
        opening = f'<a class="row-link" href="{chart_link(s.pk)}">' if can_chart else '<div class="row">'
        hint = '<span class="visually-hidden">Open the chart of </span>' if can_chart else ""
        closing = "</a>" if can_chart else "</div>"
        rows.append(
            f'\n        <li class="session-{_v(s.status)}" data-testid="chair-session">\n'
            f"          {opening}\n"
            f'          <span class="when">{hint}{_v(time_filter(template_localtime(s.scheduled_at), "H:i"))}</span>\n'
            f'          <span class="who">{_v(s.patient.display_name)}</span>\n'
            f'          <span class="status status-{_v(s.status)}">{_v(label("session_status", s.status))}</span>\n'
            f'          <span class="what">{_v(label("product_short", s.course.product))}</span>\n'
            f"          {closing}\n"
            "        </li>\n      "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above went through the engine's escaping
