"""The Patient Monitoring Form record laid out as sections of (label, value) rows: one layout for HTML and PDF.

Fields and their order follow the SPRAVATO REMS Patient Monitoring Form (S8; opioids on the newer form, S9).
Unanswered questions read "not answered", never a guessed "No".
"""

from __future__ import annotations

from typing import Any

from ketamine_trd.clinic.pdf_markup import paragraph

Rows = list[tuple[str, str]]


def _yn(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "not answered")


def _local(moment: Any) -> str:
    """A stored ISO time as the clinic's local time (the zone the request activated), e.g. 2026-03-02 09:40 EST."""
    import datetime as dt

    from django.utils import timezone

    try:
        at = timezone.localtime(dt.datetime.fromisoformat(str(moment)))
    except (TypeError, ValueError):
        return str(moment)
    return f"{at:%Y-%m-%d %H:%M} {at.tzname()}"


def _bp(value: Any) -> str:
    if not value:
        return "not recorded"
    return f"{value['systolic_mmhg']}/{value['diastolic_mmhg']} mmHg at {_local(value['taken_at'])}"


def _or(value: Any, missing: str, suffix: str = "") -> str:
    return missing if value in (None, "") else f"{value}{suffix}"


def pmf_sections(f: dict[str, Any]) -> list[tuple[str, Rows]]:
    """The record's sections in form order."""
    p, c = f["patient"], f["contact"]
    duration = _or(f["treatment_duration_minutes"], "not recorded", " min")
    meds: Rows = [
        ("Benzodiazepines", _yn(f["benzodiazepines"])),
        ("Non-benzodiazepine sedative hypnotics", _yn(f["non_benzodiazepine_sedative_hypnotics"])),
        ("Psychostimulants", _yn(f["psychostimulants"])),
        ("MAOIs", _yn(f["maois"])),
    ]
    if f.get("opioids_asked"):
        meds.append(("Opioids", _yn(f["opioids"])))
    return [
        ("Patient", [
            ("Name", f"{p['first_name']} {p['last_name']}"),
            ("Date of birth", p["date_of_birth"]),
            ("Sex", p["sex"]),
            ("First treatment", _yn(f["first_treatment"])),
            ("Enrolled in the REMS", _yn(f["patient_enrolled"])),
        ]),
        ("Concomitant medicines", meds),
        ("Healthcare provider and setting", [
            ("Provider conducting monitoring", f"{c['hcp_name']} · {c['hcp_phone']} · {c['hcp_email']}"),
            ("Healthcare setting", f"{c['setting_name']}, {c['setting_address']}"),
        ]),
        ("Treatment session", [
            ("Session date", f["session_date"]),
            ("Dose administered", f"{f['dose_administered']} ({_or(f['dose_mg'], 'not recorded', ' mg')})"),
            ("Lot number", _or(f["lot_number"], "not recorded")),
            ("Treatment duration (first device to completion of monitoring)",
             f"{duration} (minimum {f['min_monitoring_minutes']} min)"),
            ("Ready to leave at (REMS evaluation question)", _or(f["ready_to_leave_minutes"], "not answered", " min")),
            ("Vital signs acceptable before administration", _yn(f["vitals_acceptable_before_administration"])),
            ("Vital signs acceptable before completion", _yn(f["vitals_acceptable_before_completion"])),
            ("BP before administration", _bp(f["bp_predose"])),
            ("BP about 40 minutes after", _bp(f["bp_post_40_min"])),
            ("BP before completion", _bp(f["bp_before_completion"])),
            ("Sedation", _yn(f["sedation"])),
            ("Dissociation", _yn(f["dissociation"])),
            ("Respiratory depression", _yn(f["respiratory_depression"])),
            ("Adverse event details", _or(f["adverse_event_details"], "none")),
        ]),
    ]  # fmt: skip


def pmf_pdf(title: str, sections: list[tuple[str, Rows]], footer: str) -> bytes:
    """The sections as a one-to-two page PDF (reportlab) in the Unicode fonts of ``clinic.pdf_fonts``."""
    from io import BytesIO

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from ketamine_trd.clinic.pdf_fonts import has_unprintable, styles, unprintable_note

    sheet = styles()
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=40, rightMargin=40, topMargin=40, bottomMargin=40)
    story: list[Any] = [paragraph(title, sheet["Title"])]
    for heading, rows in sections:
        story += [Spacer(1, 6), paragraph(heading, sheet["Heading3"])]
        # every label and value is escaped: names, lot numbers and free text are stored values; each cell wraps
        cells = [[paragraph(label, sheet["BodyText"]), paragraph(value, sheet["BodyText"])] for label, value in rows]
        grid = Table(cells, colWidths=[210, 305])
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(grid)
    if any(has_unprintable(value) for _, rows in sections for _, value in rows):
        story += [Spacer(1, 8), paragraph(unprintable_note(), sheet["BodyText"])]
    story += [Spacer(1, 10), paragraph(footer, sheet["Italic"])]
    doc.build(story)
    return out.getvalue()
