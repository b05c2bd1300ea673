"""Where each site setting comes from: the shipped default's source, or the words "site decision".

A clinic's settings are saved as numbered versions (``clinic.site``); every judged record keeps the version it was
judged under. This module says, for each value of a version, what it is and where it comes from: a value equal to
the shipped default keeps the default's source (the label, a guideline, or "shipped default, site configuration"
where no source settles it); a value the site changed is a "site decision".

Sources of the shipped defaults:

- IV pre-dose hold 180/120 mmHg: hypertensive crisis, 2017 ACC/AHA (``acc-aha-2017-htn``), as in
  ``monitoring_profiles.IV_CRISIS_HOLD``; the Ketalar label (S30).
- IV pre-dose caution: none shipped (no verified IV ketamine threshold, S31, S32: site configuration).
- Screen intervals, grace and margins: ``surveillance.SurveillanceConfig`` (not published, NF: site configuration).
- Dose tolerance and window: ``dose_check.DoseRules`` (site decision).
- Closed weekdays: the course calendars' weekend (platform-defined).
- Time zone, crisis text, clinic contacts: the clinic's own (site decision).

>>> rows = describe(DEFAULT_VALUES, DEFAULT_VALUES)
>>> rows[0].name, rows[0].shown, rows[0].source
('iv_predose_hold_systolic_mmhg', '180 mmHg', 'acc-aha-2017-htn (shipped default)')
>>> describe({**DEFAULT_VALUES, "dose_window_hours": "6"}, DEFAULT_VALUES)[13].source
'site decision'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.inputs.fields import Number
from ketamine_trd.clinical.inputs.site import DEFAULT_VALUES, SiteSettingsInput
from ketamine_trd.clinical.sources import PLATFORM_DEFINED, cite

__all__ = ["DEFAULT_SOURCES", "DEFAULT_VALUES", "SITE_DECISION", "SettingRow", "describe"]

SITE_DECISION = "site decision"
_SITE = cite("site-configuration")

#: the source of each shipped default (``site-configuration`` / ``site-decision``: no source settles it)
DEFAULT_SOURCES: Mapping[str, str] = {
    "iv_predose_hold_systolic_mmhg": cite("acc-aha-2017-htn"),
    "iv_predose_hold_diastolic_mmhg": cite("acc-aha-2017-htn"),
    "iv_predose_caution_systolic_mmhg": _SITE,
    "iv_predose_caution_diastolic_mmhg": _SITE,
    "bladder_interval_days": _SITE,
    "cognitive_interval_days": _SITE,
    "liver_enzymes_interval_days": _SITE,
    "blood_pressure_review_interval_days": _SITE,
    "screen_overdue_grace_days": _SITE,
    "bladder_rise_points": _SITE,
    "cognitive_fall_points": _SITE,
    "bp_rise_mmhg": _SITE,
    "dose_plan_tolerance_percent": cite("site-decision"),
    "dose_window_hours": cite("site-decision"),
    "closed_weekdays": PLATFORM_DEFINED,
    "closed_dates": cite("site-decision"),
    "time_zone": cite("site-decision"),
    "crisis_text": cite("site-decision"),
    "clinic_phone": cite("site-decision"),
    "after_hours_text": cite("site-decision"),
}


@dataclass(frozen=True, slots=True)
class SettingRow:
    """One value of a settings version as a clinician reads it: label, value in words, source, and default."""

    name: str
    label: str
    shown: str
    source: str
    is_default: bool


def _shown(value: Any, unit: str) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return f"{value} {unit}".strip()


def describe(values: Mapping[str, Any], defaults: Mapping[str, Any] = DEFAULT_VALUES) -> list[SettingRow]:
    """Each setting of ``values`` with its source: the default's (labelled shipped default) or "site decision".

    >>> describe({**DEFAULT_VALUES, "crisis_text": "Call us"}, DEFAULT_VALUES)[17].source
    'site decision'
    """
    rows = []
    for name, field_spec in specs_of(SiteSettingsInput):
        value, default = values.get(name), defaults.get(name)
        same = str(value) == str(default)
        source = f"{DEFAULT_SOURCES[name]} (shipped default)" if same else SITE_DECISION
        unit = field_spec.unit if isinstance(field_spec, Number) else ""
        rows.append(SettingRow(name, field_spec.label, _shown(value, unit), source, same))
    return rows
