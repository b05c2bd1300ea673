"""What the records app may use of the chart notes app: the one door between them (``.importlinter``).

Records reads the chart's safety summary (allergies, current medications and their classes, notes) for the chair's
safety header, the pre-dose checklist, the screening form and the patient page, inside its own audited read.
"""

from __future__ import annotations

from ketamine_trd.clinic.chartnotes.services import ChartSummary, chart_summary

__all__ = ["ChartSummary", "chart_summary"]
