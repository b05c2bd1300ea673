"""Site settings: read the current version, save a change as a new version (audited), stamp judged records.

A clinic that never saved settings reads the shipped defaults (the core's values, labelled so); the first
judgement or save stores them as version 1 (``shipped_default``), so every stamp points at a stored row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from ketamine_trd.clinic.access import Actor, authorize, user_of
from ketamine_trd.clinic.accounts.models import Clinic
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.site.models import JudgedUnder, SiteSettingsVersion
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.dose_check import DoseRules
from ketamine_trd.clinical.inputs.site import DEFAULT_VALUES, SiteSettingsInput
from ketamine_trd.clinical.monitoring_profiles import MonitoringProfile
from ketamine_trd.clinical.scheduling import ClosedDays
from ketamine_trd.clinical.site_settings import SettingRow, describe, site_surveillance, with_site_bp_limits
from ketamine_trd.clinical.surveillance import SurveillanceConfig
from ketamine_trd.errors import InputError

__all__ = [
    "SettingsPage",
    "closed_days_in_force",
    "current",
    "current_input",
    "dose_rules",
    "in_force",
    "save_settings",
    "seed_default",
    "stamp",
    "surveillance_config",
]


@dataclass(frozen=True, slots=True)
class SettingsPage:
    """The current version's rows (value, source), its number (0: shipped defaults, not yet stored), the history."""

    number: int
    rows: tuple[SettingRow, ...]
    values: dict[str, Any]
    versions: tuple[SiteSettingsVersion, ...]


def defaults_for(clinic: Clinic | None) -> dict[str, Any]:
    """The shipped defaults with the clinic's own time zone and the deployment's dose-check and screen-grace
    settings, if any."""
    from django.conf import settings

    from ketamine_trd.clinic.records.services.gates import dose_rules as deployment_rules

    rules = deployment_rules()  # KTRD_DOSE_PLAN_TOLERANCE_PERCENT / KTRD_DOSE_WINDOW_HOURS, else the core's
    return {**DEFAULT_VALUES, "time_zone": (clinic.time_zone if clinic else "") or "UTC",
            "dose_plan_tolerance_percent": str(rules.plan_tolerance_percent.value),
            "dose_window_hours": str(rules.window_hours.value),
            "screen_overdue_grace_days": settings.KTRD_SCREEN_OVERDUE_GRACE_DAYS}  # fmt: skip


def current(clinic_id: int) -> SiteSettingsVersion | None:
    """The clinic's newest settings version (``None``: none stored yet)."""
    return SiteSettingsVersion.objects.filter(clinic_id=clinic_id).order_by("-number").first()


def current_input(clinic_id: int) -> SiteSettingsInput:
    """The settings in force as the core's input value (the shipped defaults when none is stored)."""
    row = current(clinic_id)
    if row is not None:
        return SiteSettingsInput(**row.values)
    return SiteSettingsInput(**defaults_for(Clinic.objects.get(pk=clinic_id)))


def in_force(clinic_id: int) -> tuple[int, SiteSettingsInput]:
    """The settings version in force and its values (0: none stored yet, the shipped defaults)."""
    row = current(clinic_id)
    if row is not None:
        return row.number, SiteSettingsInput(**row.values)
    return 0, SiteSettingsInput(**defaults_for(Clinic.objects.get(pk=clinic_id)))


def _rules_in_force(clinic_id: int) -> tuple[int, SiteSettingsInput]:
    """``in_force`` for the readers that need no time zone: one query (the shipped defaults need no clinic row)."""
    row = current(clinic_id)
    return (row.number, SiteSettingsInput(**row.values)) if row else (0, SiteSettingsInput(**defaults_for(None)))


def surveillance_config(clinic_id: int) -> SurveillanceConfig:
    """The screen intervals, grace and margins in force (what the screens-due list and safety alerts read)."""
    number, site = _rules_in_force(clinic_id)
    return site_surveillance(site, number)


def closed_days_in_force(clinic_id: int) -> tuple[int, ClosedDays]:
    """The settings version in force and its closed weekdays and dates (course planning and booking skip them)."""
    number, site = _rules_in_force(clinic_id)
    return number, site.closed_days()


def dose_rules(clinic_id: int) -> DoseRules:
    """The dose-check settings in force (a value equal to the shipped default keeps its source)."""
    return current_input(clinic_id).dose_rules()


def seed_default(clinic: Clinic, now: dt.datetime, user: Any = None) -> SiteSettingsVersion:
    """Version 1 from the shipped defaults, when the clinic has none (inside the caller's write transaction)."""
    row = current(clinic.pk)
    if row is not None:
        return row
    values = SiteSettingsInput(**defaults_for(clinic)).stored()
    row = SiteSettingsVersion.objects.create(clinic=clinic, number=1, values=values, shipped_default=True,
                                             reason="shipped defaults", created_by=user, created_at=now)  # fmt: skip
    record(user, "create", obj=row, detail="site settings v1 (shipped defaults)", now=now)
    return row


def stamp(session: Any, what: str, now: dt.datetime) -> JudgedUnder:
    """Record the settings version ``session`` is judged under now (inside the judging write transaction)."""
    version = seed_default(session.patient.clinic, now)
    return JudgedUnder.objects.create(session=session, settings_version=version, what=what, judged_at=now)


def judged_version(session: Any) -> tuple[int, SiteSettingsInput]:
    """The settings a session is judged under: the version its dose was stamped with, else the one in force."""
    stamp_row = None
    if session.pk:
        stamp_row = JudgedUnder.objects.filter(session=session).select_related("settings_version").first()
    if stamp_row is not None:
        return stamp_row.settings_version.number, SiteSettingsInput(**stamp_row.settings_version.values)
    return in_force(session.patient.clinic_id)


def with_site_limits(session: Any, profile: MonitoringProfile) -> MonitoringProfile:
    """``profile`` with the IV pre-dose BP limits of the settings the session is judged under (if the site set any)."""
    if "ketamine-iv" not in profile.products:
        return profile
    number, site = judged_version(session)
    return with_site_bp_limits(profile, site, number)


def settings_page(actor: Actor, *, now: dt.datetime) -> SettingsPage:
    """The current settings with their sources, and every version (a read, audited)."""
    user = authorize(actor, "site.view")
    with reading():
        clinic = Clinic.objects.get(pk=user.clinic_id)
        versions = tuple(SiteSettingsVersion.objects.filter(clinic=clinic).select_related("created_by"))
        defaults = defaults_for(clinic)
        values = versions[0].values if versions else SiteSettingsInput(**defaults).stored()
    record(actor, "read", object_type="site_settings", object_id=str(clinic.pk), now=now)
    rows = tuple(describe(values, SiteSettingsInput(**defaults).stored()))
    return SettingsPage(versions[0].number if versions else 0, rows, values, versions)


def save_settings(actor: Actor, data: SiteSettingsInput, reason: str, *, now: dt.datetime,
                  expected_number: int | None = None) -> SiteSettingsVersion:  # fmt: skip
    """Save ``data`` as the clinic's next version (never over an old one); the clinic's time zone follows it."""
    user = authorize(actor, "site.edit")
    if len(reason.strip()) > 300:
        raise InputError("reason", reason[:20], "at most 300 characters")
    with writing():
        clinic = Clinic.objects.select_for_update().get(pk=user.clinic_id)
        seed_default(clinic, now, user_of(actor))
        latest = SiteSettingsVersion.objects.filter(clinic=clinic).aggregate(n=Max("number"))["n"] or 0
        if expected_number is not None and expected_number not in (0, latest) and latest:
            raise InputError("version", expected_number, f"the current version ({latest}): reload the page",
                             reason="is out of date")  # fmt: skip
        previous = SiteSettingsVersion.objects.get(clinic=clinic, number=latest)
        values = data.stored()
        changed = sorted(k for k, v in values.items() if previous.values.get(k) != v)
        row = SiteSettingsVersion.objects.create(clinic=clinic, number=latest + 1, values=values,
                                                 reason=reason.strip(), created_by=user, created_at=now)  # fmt: skip
        if clinic.time_zone != data.time_zone:
            clinic.time_zone = data.time_zone
            clinic.save(update_fields=["time_zone"])
        record(actor, "create", obj=row, changed_fields=changed, detail=f"site settings v{row.number}", now=now)
    return row
