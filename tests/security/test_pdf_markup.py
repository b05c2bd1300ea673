"""Stored values reach the PDFs as text: no live link, no file read into the PDF, no 500 (issue 16, item 6).

reportlab parses a ``Paragraph``'s text as markup; a patient name ``<img src="/etc/...">`` used to embed a server
file, ``<a href=...>`` a live link, and ``A<B`` failed the progress report and the REMS record with a 500.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import zlib

import pytest
from django.utils import timezone

from ketamine_trd.clinic.records.services import signing
from tests.clinic.builders import make_patient, make_session, make_treated_course
from tests.clinic.conftest import people  # noqa: F401  (the personas fixture)
from tests.clinic.test_sessions import _chart_complete_esketamine_session

NAMES = [
    "<a href='https://evil.example/phish'>Click to verify</a>",
    '<img src="/etc/hostname" width="200" height="60"/>',
    "A<B",
    "<script>alert(1)</script>",
    "O'Brien & <b>Sons",
    "Nul\x00Byte",
]


def _pdf_streams(pdf: bytes) -> bytes:
    """The PDF with its Flate streams inflated (enough to look for text, links and images)."""
    out = [pdf]
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\n?endstream", pdf, re.S):
        data = raw.strip()
        if data.endswith(b"~>"):  # reportlab's default: ASCII85 over Flate
            try:
                data = base64.a85decode(data.removeprefix(b"<~")[:-2])
            except (ValueError, binascii.Error):
                continue
        try:
            out.append(zlib.decompress(data))
        except zlib.error:
            continue
    return b"\n".join(out)


def _assert_inert(pdf: bytes, name: str) -> None:
    assert pdf.startswith(b"%PDF")
    body = _pdf_streams(pdf)
    assert b"/URI" not in body, f"{name!r} became a link"
    assert b"/Link" not in body, f"{name!r} became a link annotation"
    # the only image the progress report holds is its own chart; the REMS record holds none
    assert body.count(b"/Subtype /Image") <= 1, f"{name!r} embedded an image"
    pieces = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", body)
    visible = b"".join(re.sub(rb"\\(.)", rb"\1", piece) for piece in pieces)
    shown = name.replace("\x00", "")
    assert shown[:12].encode("latin-1") in visible, f"{name!r} is not shown as text"


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_names_with_markup_render_as_text_in_both_pdfs(people, name: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from django.db import connection

    if "\x00" in name and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL text cannot hold NUL: the edge refuses it with 422 (tests/clinic/test_inputs_edge.py)")
    people.clinic.address, people.clinic.phone = "1 Harbour <Road>", "555-0100"
    people.clinic.save()
    people.prescriber.email = "p@example.org"
    people.prescriber.save()
    patient = make_patient(people.clinic, family_name=name, given_name=name[:20])
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=1, hours=3)
    session = make_session(make_treated_course(patient, people.prescriber), scheduled_at=t0 - dt.timedelta(minutes=30))
    _chart_complete_esketamine_session(people, session, t0)
    outcome = signing.sign_session(people.prescriber, session.pk, now=t0 + dt.timedelta(hours=2, minutes=10))
    assert outcome.rems_record is not None

    report = people.client("nurse").get(f"/patients/{patient.pk}/progress-report.pdf")
    assert report.status_code == 200, report.content[:300]
    _assert_inert(report.content, name)
    rems_pdf = people.client("nurse").get(f"/rems/{outcome.rems_record.pk}.pdf")
    assert rems_pdf.status_code == 200, rems_pdf.content[:300]
    _assert_inert(rems_pdf.content, name)


def test_markup_text_escapes_everything_the_parser_reads() -> None:
    from reportlab.lib.styles import getSampleStyleSheet

    from ketamine_trd.clinic.pdf_markup import markup_text, paragraph

    style = getSampleStyleSheet()["Normal"]
    for name in NAMES:
        assert "<" not in markup_text(name) and "\x00" not in markup_text(name)
        para = paragraph(name, style)
        assert para.getPlainText() == name.replace("\x00", "")
        para.wrap(400, 400)
