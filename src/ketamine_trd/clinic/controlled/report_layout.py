"""The inventory report laid out once for the CSV and the PDF: one row per lot (totals that balance) and the
entries behind them (1304.22(c): date, quantity, to whom, by whom; waste with its manner and witness)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from ketamine_trd.clinic.controlled.reads import Report
from ketamine_trd.clinic.pdf_markup import paragraph
from ketamine_trd.clinical.controlled import CFR_SOURCES, ENTRY_KINDS

__all__ = ["CSV_COLUMNS", "csv_rows", "entry_words", "report_pdf"]

KIND_WORDS = dict(ENTRY_KINDS)
CSV_COLUMNS = ["row", "as_of", "lot_number", "substance", "supplier", "expires_on", "received_mg", "administered_mg",
               "wasted_mg", "corrections_mg", "on_hand_mg", "on_hand_units", "book_mg", "balances", "entry_id",
               "kind", "occurred_at", "mg", "units", "patient", "session_id", "recorded_by", "witness", "manner",
               "reason", "corrects_entry"]  # fmt: skip


def _mg(value: Any) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def entry_words(entry: Any) -> dict[str, str]:
    """One entry as the words every layout shows."""
    patient = entry.session.patient if entry.session_id else None
    return {
        "kind": KIND_WORDS.get(entry.kind, entry.kind),
        "occurred_at": f"{timezone.localtime(entry.occurred_at):%Y-%m-%d %H:%M}",
        "mg": _mg(entry.mg), "units": str(entry.units),
        "patient": f"{patient.given_name} {patient.family_name} ({patient.mrn})" if patient else "",
        "session_id": str(entry.session_id or ""), "recorded_by": entry.recorded_by.get_username(),
        "witness": entry.witness.get_username() if entry.witness_id else "", "manner": entry.manner,
        "reason": entry.reason, "corrects_entry": str(entry.corrects_id or ""),
    }  # fmt: skip


def csv_rows(report: Report) -> list[dict[str, str]]:
    """A "lot" row per lot with its totals, then an "entry" row per entry."""
    rows: list[dict[str, str]] = []
    for r in report.lots:
        t = r.totals
        rows.append({"row": "lot", "as_of": report.as_of.isoformat(), "lot_number": r.lot.lot_number,
                     "substance": r.lot.substance, "supplier": r.lot.supplier_name,
                     "expires_on": r.lot.expires_on.isoformat(), "received_mg": _mg(t.received_mg),
                     "administered_mg": _mg(t.administered_mg), "wasted_mg": _mg(t.wasted_mg),
                     "corrections_mg": _mg(t.adjusted_mg), "on_hand_mg": _mg(t.on_hand_mg),
                     "on_hand_units": str(r.units_on_hand), "book_mg": _mg(r.book_mg),
                     "balances": "yes" if r.balances else "NO"})  # fmt: skip
    for e in report.entries:
        rows.append({"row": "entry", "as_of": report.as_of.isoformat(), "lot_number": e.lot.lot_number,
                     "substance": e.lot.substance, "entry_id": str(e.pk), **entry_words(e)})  # fmt: skip
    return rows


def report_pdf(report: Report) -> bytes:
    """The report as a landscape A4 PDF (reportlab) in the Unicode fonts of ``clinic.pdf_fonts``."""
    from io import BytesIO

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from ketamine_trd.clinic.pdf_fonts import styles

    sheet, out = styles(), BytesIO()
    title = f"Controlled-substance inventory as of {report.as_of.isoformat()}"
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), title=title, leftMargin=30, rightMargin=30, topMargin=30,
                            bottomMargin=30)  # fmt: skip
    body = sheet["BodyText"]

    def grid(cells: list[list[str]], widths: list[int]) -> Table:
        table = Table([[paragraph(c, body) for c in row] for row in cells], colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))  # fmt: skip
        return table

    lots = [["Lot", "Form", "Received mg", "Administered mg", "Wasted mg", "Corrections mg", "On hand mg",
             "Sealed units", "Book mg", "Balances"]] + [
        [r.lot.lot_number, r.lot.get_substance_display(), _mg(r.totals.received_mg), _mg(r.totals.administered_mg),
         _mg(r.totals.wasted_mg), _mg(r.totals.adjusted_mg), _mg(r.totals.on_hand_mg), str(r.units_on_hand),
         _mg(r.book_mg), "yes" if r.balances else "NO"] for r in report.lots]  # fmt: skip
    entries = [["#", "Lot", "What", "When", "mg", "Sealed units", "Patient", "By", "Witness", "Manner / reason"]] + [
        [str(e.pk), e.lot.lot_number, w["kind"], w["occurred_at"], w["mg"], w["units"], w["patient"],
         w["recorded_by"], w["witness"], " ".join(x for x in (w["manner"], w["reason"]) if x)]
        for e in report.entries for w in [entry_words(e)]]  # fmt: skip
    story: list[Any] = [paragraph(title, sheet["Title"]), grid(lots, [70, 90, 65, 80, 60, 75, 65, 55, 65, 60]),
                        Spacer(1, 10), paragraph("Entries", sheet["Heading3"]),
                        grid(entries, [30, 60, 80, 85, 55, 45, 120, 65, 65, 175]), Spacer(1, 10),
                        paragraph("Received - administered - wasted +/- corrections = on hand. Records per "
                                  + "; ".join(CFR_SOURCES.values()) + ".", sheet["Italic"])]  # fmt: skip
    doc.build(story)
    return out.getvalue()
