"""Where each site setting comes from: the shipped default's source, or the words "site decision".

A clinic's settings are saved as numbered versions (``clinic.site``); every judged record keeps the version it was
judged under. This module says, for each value of a version, what it is and where it comes from: a value equal to
the shipped default keeps the default's source (the label, a guideline, or "shipped default, site configuration"
where no source settles it); a value the site changed is a "site decision".

Sources of the shipped defaults:

- IV pre-dose hold 180/120 mmHg: hypertensive crisis, 2017 ACC/AHA (``acc-aha-2017-htn``), as in
  ``monitoring_profiles.IV_CRISIS_HOLD``; the Ketalar label (S30).
- IV pre-dose caution: none shipped (no verified IV ketamine threshold, S31, S32: site configuration).
- Screen intervals, grace and margins: ``surveillance.SurveillanceConfig`` (not published, NF: site configuration);
  ``site_surveillance`` gives the profile of a version (what the screens-due list and the safety alerts read).
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
from dataclasses import dataclass, replace
from typing import Any

from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.inputs.fields import Number
from ketamine_trd.clinical.inputs.site import DEFAULT_VALUES, SiteSettingsInput
from ketamine_trd.clinical.monitoring_profiles import BpLimit, Cited, MonitoringProfile
from ketamine_trd.clinical.sources import PLATFORM_DEFINED, cite
from ketamine_trd.clinical.surveillance import SurveillanceConfig

__all__ = [
    "DEFAULT_SOURCES",
    "DEFAULT_VALUES",
    "SITE_DECISION",
    "SettingRow",
    "describe",
    "site_surveillance",
    "with_site_bp_limits",
]

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


_BP_FIELDS = (
    "iv_predose_hold_systolic_mmhg",
    "iv_predose_hold_diastolic_mmhg",
    "iv_predose_caution_systolic_mmhg",
    "iv_predose_caution_diastolic_mmhg",
)


def _limit(rule_id: str, systolic: int | None, diastolic: int | None) -> BpLimit | None:
    if systolic is None and diastolic is None:
        return None
    site = cite("site-decision")
    # a blank half never fires: the top of the accepted range (250 mmHg) is the "no limit" stand-in
    return BpLimit(rule_id, Cited(systolic or 250, site), Cited(diastolic or 250, site))


def with_site_bp_limits(profile: MonitoringProfile, site: SiteSettingsInput, number: int) -> MonitoringProfile:
    """``profile`` with the site's IV pre-dose hold and caution when the site changed them from the shipped
    defaults (else ``profile`` itself).

    Only a profile for IV ketamine is changed; its version becomes ``<version>+site<number>`` so that every result
    shows which settings version judged it.

    >>> import datetime as dt
    >>> from ketamine_trd.clinical.monitoring_profiles import default_profile
    >>> iv = default_profile("ketamine-iv", on=dt.date(2026, 12, 3))
    >>> with_site_bp_limits(iv, SiteSettingsInput(**DEFAULT_VALUES), 1) is iv
    True
    >>> site = SiteSettingsInput(**{**DEFAULT_VALUES, "iv_predose_hold_systolic_mmhg": 160})
    >>> changed = with_site_bp_limits(iv, site, 2)
    >>> changed.version, changed.predose_hold.describe()
    ('3+site2', 'SBP >160 or DBP >120 mmHg')
    """
    if "ketamine-iv" not in profile.products:
        return profile
    hold = (site.iv_predose_hold_systolic_mmhg, site.iv_predose_hold_diastolic_mmhg)
    caution = (site.iv_predose_caution_systolic_mmhg, site.iv_predose_caution_diastolic_mmhg)
    shipped = {k: DEFAULT_VALUES[k] for k in _BP_FIELDS}
    if {k: getattr(site, k) for k in _BP_FIELDS} == shipped:
        return profile  # the shipped defaults: the built-in profile (its crisis hold from v3) applies unchanged
    return replace(
        profile,
        version=f"{profile.version}+site{number}",
        predose_hold=_limit("bp-predose-site-hold", *hold),
        predose_caution=_limit("bp-predose-site-caution", *caution),
        note=f"{profile.note} Pre-dose BP limits set by the site (site settings version {number}, site decision).",
    )


_SURVEILLANCE_FIELDS = (
    "bladder_interval_days",
    "cognitive_interval_days",
    "liver_enzymes_interval_days",
    "blood_pressure_review_interval_days",
    "bladder_rise_points",
    "cognitive_fall_points",
    "bp_rise_mmhg",
)


def site_surveillance(site: SiteSettingsInput, number: int) -> SurveillanceConfig:
    """The surveillance profile of a settings version: the shipped profile (its placeholder note kept) with the
    site's grace while the intervals and margins are the shipped ones, else the site's own profile, named
    ``site-settings-v<number>`` so that every report and alert names the settings version it was made under.

    >>> shipped = site_surveillance(SiteSettingsInput(**DEFAULT_VALUES), 0)
    >>> shipped.name, shipped.placeholder, shipped.bladder_interval_days
    ('site-default-2026.1', True, 90)
    >>> own = site_surveillance(SiteSettingsInput(**{**DEFAULT_VALUES, "bladder_interval_days": 30}), 2)
    >>> own.name, own.version, own.placeholder, own.bladder_interval_days
    ('site-settings-v2', '2', False, 30)
    """
    builtin = SurveillanceConfig()
    own = site.surveillance(name=f"site-settings-v{number}", version=str(number))
    if all(getattr(own, name) == getattr(builtin, name) for name in _SURVEILLANCE_FIELDS):
        return replace(builtin, screen_overdue_grace_days=own.screen_overdue_grace_days)
    return own
