"""What the records app may use of the chart notes app: the one door between them (``.importlinter``).

Records reads the chart's safety summary (allergies, current medications and their classes, notes) for the chair's
safety header, the pre-dose checklist, the screening form and the patient page, inside its own audited read. The
services are imported when first called: chart notes' models import records' rows, so a module-level import here
would make the two apps' modules import each other while loading.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketamine_trd.clinic.chartnotes.services import ChartSummary

__all__ = ["ChartSummary", "chart_summary"]


def chart_summary(patient_id: int, *, on: dt.date, with_notes: bool = False) -> ChartSummary:
    """``services.chart_summary``: read inside the caller's ``reading()``; the caller audits the read."""
    from ketamine_trd.clinic.chartnotes import services

    return services.chart_summary(patient_id, on=on, with_notes=with_notes)


def __getattr__(name: str) -> object:
    if name == "ChartSummary":
        from ketamine_trd.clinic.chartnotes.services import ChartSummary

        return ChartSummary
    raise AttributeError(name)
