"""The clinic's de-identified research export, in the format of ``analytics.export_schema``.

:func:`build_export_tables` reads the clinic database in a fixed number of queries per chunk of
courses (``select_related``/``prefetch_related`` with ``.iterator(chunk_size=...)``), builds rows
from an allow-list of coded columns only, passes every id, date and age through
:mod:`ketamine_trd.clinic.deidentify`, validates the tables with the schema's validator and
audits the export as one ``export`` event (counts only, no patient data).

Courses that the schema cannot describe (not started, no depression scale, no TRD intake, no
height or weight, age under 18) are left out; their number by reason is kept in the audit entry
and returned by :func:`build_export` (``ExportResult.omitted``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ketamine_trd.analytics.export_schema import TABLES
from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.deidentify import from_settings
from ketamine_trd.clinic.deidentify import refuse_weak_key_for_real_patients as _refuse_weak
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinic.records.models import (
    AdverseEvent,
    Course,
    IntakeKind,
    IntakeResult,
    Phase,
    Session,
    SessionStatus,
)
from ketamine_trd.clinic.research_rows import INSTRUMENT_IDS, RowBuilder
from ketamine_trd.errors import NotFoundError

__all__ = ["ExportResult", "build_export", "build_export_tables"]

#: courses read per round of queries (each round: one query per prefetched relation)
CHUNK = 200


@dataclass(frozen=True, slots=True)
class ExportResult:
    """The tables (schema order, rows as dicts) and the number of records left out, by reason."""

    tables: dict[str, list[dict[str, Any]]]
    omitted: dict[str, int] = field(default_factory=dict)


def _courses(clinic_id: int | None) -> QuerySet[Course]:
    sessions = (
        Session.objects.filter(status=SessionStatus.SIGNED)
        .order_by("scheduled_at", "id")  # never NULL: the same order on SQLite and PostgreSQL
        .prefetch_related(
            Prefetch("ratings", to_attr="export_ratings"),
            Prefetch("adverse_events", queryset=AdverseEvent.objects.order_by("noted_at", "id"), to_attr="export_aes"),
        )
    )
    assessments = Assessment.objects.filter(instrument_id__in=list(INSTRUMENT_IDS)).order_by("administered_at", "id")
    intakes = IntakeResult.objects.filter(kind=IntakeKind.TRD).order_by("created_at", "id")
    qs = Course.objects.exclude(phase=Phase.EVALUATION)
    if clinic_id is not None:
        qs = qs.filter(patient__clinic_id=clinic_id)
    return (
        qs.select_related("patient", "patient__clinic")
        .prefetch_related(
            Prefetch("sessions", queryset=sessions, to_attr="export_sessions"),
            Prefetch("assessments", queryset=assessments, to_attr="export_assessments"),
            Prefetch("patient__intake_results", queryset=intakes, to_attr="export_intakes"),
        )
        .order_by("patient_id", "start_date", "id")
    )


def _scope(clinic: Any, actor: Actor) -> int | None:
    """The clinic id to export (None: every clinic, the operator's CLI export)."""
    from ketamine_trd.clinic.access import InClinic, authorize, user_of
    from ketamine_trd.clinic.accounts.models import Clinic

    if isinstance(clinic, str):
        found = Clinic.objects.filter(slug=clinic).values_list("pk", flat=True).first()
        if found is None:
            raise NotFoundError(f"no clinic with slug {clinic!r}")
        clinic = found
    clinic_id = None if clinic is None else int(getattr(clinic, "pk", clinic))
    user = user_of(actor)
    if user is None:
        return clinic_id
    authorize(actor, "research.view", None if clinic_id is None else InClinic(clinic_id))
    return int(user.clinic_id)


def _validate(tables: dict[str, list[dict[str, Any]]]) -> None:
    import pandas as pd

    from ketamine_trd.analytics.registry_io import validate_frames

    validate_frames({t.name: pd.DataFrame(tables[t.name], columns=list(t.names)) for t in TABLES})


def build_export(*, clinic: Any = None, actor: Actor | None = None, now: dt.datetime | None = None) -> ExportResult:
    """Build, validate and audit the de-identified export; see :func:`build_export_tables`."""
    clinic_id = _scope(clinic, actor)
    moment = now or timezone.now()
    builder = RowBuilder(from_settings(), moment.date())
    try:
        for course in _courses(clinic_id).iterator(chunk_size=CHUNK):
            builder.course(course)
        _refuse_weak(builder.deid, builder.real_patients)
        _validate(builder.tables)
    except Exception as error:
        record(actor, "export", object_type="research_export", outcome="failure", now=moment,
               detail=f"research export refused: {type(error).__name__}")  # fmt: skip
        raise
    counts = " ".join(f"{name}={len(rows)}" for name, rows in builder.tables.items())
    left_out = "; ".join(f"{n} {reason}" for reason, n in sorted(builder.omitted.items()))
    record(actor, "export", object_type="research_export", object_id="" if clinic_id is None else str(clinic_id),
           detail=f"de-identified research export: {counts}" + (f"; left out: {left_out}" if left_out else ""),
           now=moment)  # fmt: skip
    return ExportResult(builder.tables, dict(builder.omitted))


def build_export_tables(*, clinic: Any = None, actor: Actor | None = None) -> dict[str, list[dict[str, Any]]]:
    """The clinic database as de-identified research tables (``docs/research-export.md``).

    ``clinic`` is a ``Clinic``, its id or its slug (None: every clinic); ``actor`` is the user
    or request doing it (None: the operator at the command line). A signed-in actor must be a
    researcher and sees only their own clinic. Rows hold dates, datetimes (UTC) and numbers;
    every table has exactly the schema's columns and passes its validator.
    """
    return build_export(clinic=clinic, actor=actor).tables
