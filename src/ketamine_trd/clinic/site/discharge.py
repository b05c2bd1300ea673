"""Discharge instructions for the patient after a session: a PDF in the clinic's Unicode fonts (clinic.pdf_fonts).

What it says and where it comes from:

- Esketamine nasal spray: the SPRAVATO label says not to drive or operate machinery "until the next day after a
  restful sleep" (S1; current PI S5; reference protocols-and-monitoring.md section 2.4, confidence H), and the
  REMS asks for arrangements to leave safely (S7).
- IV ketamine: no verified source gives a driving or activity rule after an infusion (trd-and-eligibility.md:
  "verified only for SPRAVATO"); the sheet prints the application's default advice and says it is not a source.
- The crisis text, the clinic's phone and after-hours contact are the site settings in force (a site decision).
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from typing import Any

from django.conf import settings

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.accounts.models import Clinic
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.pdf_markup import paragraph
from ketamine_trd.clinic.records.services._scope import session_for
from ketamine_trd.clinic.site.settings_service import current_input
from ketamine_trd.clinic.transactions import reading
from ketamine_trd.clinical.labels import label
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import DependencyMissing

__all__ = ["ESKETAMINE_LINES", "IV_LINES", "build_discharge_pdf", "instructions"]

_WORDS = {"S1": "SPRAVATO prescribing information", "S5": "current SPRAVATO prescribing information",
          "S7": "SPRAVATO REMS"}  # fmt: skip


def _label(source_id: str) -> str:
    """The source as a patient reads it, with its id (``SPRAVATO REMS (S7)``)."""
    return f"{_WORDS[source_id]} ({cite(source_id)})"


#: the SPRAVATO label's words on driving and activities (S1, S5) and the REMS's safe departure (S7)
ESKETAMINE_LINES: tuple[tuple[str, str], ...] = (
    ("Do not drive a car or operate machinery until the next day after a restful sleep.", _label("S1")),
    (
        "Do not do other activities that need you to be fully alert until the next day after a restful sleep.",
        _label("S5"),
    ),
    ("Go home with the person or transport arranged before your session.", _label("S7")),
)
_IV_SOURCE = "the application's default text, not a published rule (none was verified for IV ketamine)"
#: IV ketamine: the application's default text (no verified source gives a rule; trd-and-eligibility.md)
IV_LINES: tuple[tuple[str, str], ...] = (
    (
        "Do not drive or operate machinery for the rest of today; go home with the person or transport arranged "
        "before your infusion.",
        _IV_SOURCE,
    ),
    (
        "Rest for the rest of the day and avoid alcohol and decisions that need full alertness until tomorrow.",
        _IV_SOURCE,
    ),
)


def instructions(product: str) -> tuple[tuple[str, str], ...]:
    """The lines for ``product`` with the source of each (a source, or "default text, not a published rule")."""
    return ESKETAMINE_LINES if product == "esketamine-nasal" else IV_LINES


def build_discharge_pdf(actor: Actor, session_id: int, *, now: dt.datetime) -> bytes:
    """The PDF bytes of the patient's discharge instructions for one session (audited as an export)."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import SimpleDocTemplate, Spacer
    except ImportError as error:  # pragma: no cover - reportlab is in the clinic extra
        raise DependencyMissing("reportlab", "clinic") from error
    from ketamine_trd.clinic.pdf_fonts import styles

    user = authorize(actor, "discharge.print")
    with reading():
        session = session_for(user, session_id)
        patient, product = session.patient, session.course.product
        clinic = Clinic.objects.get(pk=patient.clinic_id)
        site = current_input(clinic.pk)
    zone = zoneinfo.ZoneInfo(clinic.time_zone or "UTC")
    sheet = styles()
    story: list[Any] = []
    if getattr(settings, "KTRD_DEMO", False) or patient.synthetic:
        story += [paragraph("SYNTHETIC DEMO DATA: not a real patient; not for clinical use", sheet["Heading3"])]
    story.append(paragraph("After your treatment today", sheet["Title"]))
    story.append(paragraph(f"{patient.display_name} · {clinic.name} · {now.astimezone(zone):%Y-%m-%d}",
                           sheet["Normal"]))  # fmt: skip
    story.append(paragraph(f"Treatment: {label('product', product)}", sheet["Normal"]))
    story.append(paragraph("Driving and activities", sheet["Heading2"]))
    for line, source in instructions(product):
        story.append(paragraph(f"• {line}", sheet["Normal"]))
        story.append(paragraph(f"Source: {source}", sheet["Italic"]))
    story.append(paragraph("If you feel unwell", sheet["Heading2"]))
    story.append(paragraph(site.crisis_text, sheet["Normal"]))
    story.append(paragraph("Contact the clinic", sheet["Heading2"]))
    story.append(paragraph(f"Phone: {site.clinic_phone or 'not set by the clinic'}", sheet["Normal"]))
    if site.after_hours_text:
        story.append(paragraph(f"After hours: {site.after_hours_text}", sheet["Normal"]))
    story += [Spacer(1, 0.4 * cm), paragraph("Contacts and the crisis text are the clinic's own (site settings).",
                                             sheet["Italic"])]  # fmt: skip
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Discharge instructions", leftMargin=40, rightMargin=40,
                      topMargin=40, bottomMargin=40).build(story)  # fmt: skip
    record(actor, "export", obj=session, patient_id=patient.pk, detail="discharge instructions PDF", now=now)
    return out.getvalue()
