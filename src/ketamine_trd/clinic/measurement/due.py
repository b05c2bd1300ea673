"""The due list: one row per patient in treatment with the periodic screens due, and since when.

Screens due are not alerts (they buried the alerts that matter): they are listed here, computed live from
``clinical.surveillance.screens_due``. A screen overdue by more than the profile's grace (a site decision)
also becomes a warning on the worklist (``safety.py``). Three queries whatever the clinic's size.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Min

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinic.measurement.safety import site_config
from ketamine_trd.clinical import surveillance
from ketamine_trd.clinical.measurement_timeline import ScreenRecord

__all__ = ["DueRow", "due_page", "screens_due_list"]

#: instrument id -> the periodic screen it counts as
_SCREEN_OF = {i: screen for screen, ids in surveillance.SCREEN_SOURCES.items() for i in ids}


@dataclass(frozen=True, slots=True)
class DueRow:
    """One patient: the screens due by today (most overdue first), the earliest due date, any past the grace."""

    patient: Any
    screens: tuple[surveillance.ScreenDue, ...]

    @property
    def since(self) -> dt.date:
        """The date the first of these screens fell due."""
        return min(s.date for s in self.screens)

    @property
    def warning(self) -> bool:
        """Whether a screen is overdue by more than the grace (it is then also a warning on the worklist)."""
        return any(s.warning for s in self.screens)

    @property
    def what(self) -> str:
        """The screens in words, e.g. "bladder (overdue 3 days), cognitive (due today)"."""
        return ", ".join(_words(s) for s in self.screens)


def _words(due: surveillance.ScreenDue) -> str:
    name = due.screen.replace("_", " ")
    days = f"{due.days_overdue} day{'' if due.days_overdue == 1 else 's'}"
    return f"{name} (overdue {days})" if due.overdue else f"{name} (due today)"


def screens_due_list(clinic_id: int, *, today: dt.date,
                     config: surveillance.SurveillanceConfig | None = None) -> list[DueRow]:  # fmt: skip
    """Patients of the clinic with a course not ended and a signed dose whose screens are due by ``today``, under
    ``config`` (default: the surveillance profile of the clinic's site settings in force).

    Oldest due date first. Not audited here: the caller (dashboard or due page) records its own read.
    """
    from ketamine_trd.clinic.records.interface import Patient, Phase, Session, SessionStatus

    first_doses = dict(
        Session.objects.filter(patient__clinic_id=clinic_id, status=SessionStatus.SIGNED, dosed_at__isnull=False)
        .filter(patient__courses__phase__in=(Phase.INDUCTION, Phase.MAINTENANCE))
        .values_list("patient_id")
        .annotate(first=Min("dosed_at"))
        .order_by()
    )
    last_done: dict[int, list[ScreenRecord]] = defaultdict(list)
    for patient_id, instrument_id, at in (
        Assessment.objects.filter(patient_id__in=first_doses, instrument_id__in=_SCREEN_OF)
        .values_list("patient_id", "instrument_id")
        .annotate(last=Max("administered_at"))
        .order_by()
    ):
        last_done[patient_id].append(ScreenRecord(at.date(), _SCREEN_OF[instrument_id]))
    due: dict[int, tuple[surveillance.ScreenDue, ...]] = {}
    config = config or site_config(clinic_id)
    for patient_id, first in first_doses.items():
        dose = surveillance.DoseRecord(first.date(), None)
        found = surveillance.screens_due([dose], (), today, config, screens=last_done[patient_id])
        screens = [s for s in found if s.date <= today]
        if screens:
            due[patient_id] = tuple(sorted(screens, key=lambda s: (s.date, s.screen)))
    patients = Patient.objects.in_bulk(list(due))
    rows = [DueRow(patients[pk], screens) for pk, screens in due.items() if pk in patients]
    return sorted(rows, key=lambda r: (r.since, r.patient.family_name, r.patient.pk))


def due_page(actor: Actor, *, now: dt.datetime) -> list[DueRow]:
    """The whole due list of the actor's clinic on the clinic's local day of ``now`` (clinical roles; audited)."""
    user = authorize(actor, "measurement.view")
    today = now.astimezone(zoneinfo.ZoneInfo(user.clinic.time_zone or "UTC")).date()
    rows = screens_due_list(user.clinic_id, today=today)
    record(actor, "read", object_type="screens_due", object_id=today.isoformat())
    return rows
