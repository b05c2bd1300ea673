"""``{% selfreport_panel %}``: the dashboard's patient-questionnaire panel (one line in the dashboard template)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ketamine_trd.clinic.selfreport.dashboard import panel

register = template.Library()


@register.inclusion_tag("selfreport/_dashboard_panel.html", takes_context=True)
def selfreport_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {"p": panel(request, now=timezone.now()), "now": timezone.now()}
