"""The PDFs print every name (Polish, Chinese, Arabic), wrap long text whole, and list each session's critical events.

Text is extracted from the generated PDFs with pypdf; one page of each is rendered to PNG with Debian's pdftoppm
into ``test-artifacts/pdf-*.png`` to be looked at (scripts/test installs poppler-utils and fonts-wqy-microhei).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess  # nosec B404 - pdftoppm, a fixed local program
import unicodedata
from pathlib import Path

import pytest
from django.utils import timezone

from ketamine_trd.clinic import pdf_fonts
from ketamine_trd.clinic.records.models import Session
from ketamine_trd.clinic.records.services import session_writes, signing
from ketamine_trd.clinic.records.services.session_writes import EventInput, VitalsInput
from tests.clinic.builders import make_patient, make_session, make_treated_course
from tests.clinic.test_sessions import _chart_complete_esketamine_session

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NAMES = {
    "polish": ("Ńadia", "Żółkiewska-Wrzesińska"),
    "chinese": ("小明", "王"),
    "arabic": ("ليلى", "حداد"),
}
LONG_REASON = (
    "Course completed after sixteen weeks; the referring psychiatrist agreed to step down to monthly review "
    "because the scores stayed stable and the patient preferred fewer visits (synthetic)."
)


def pdf_text(pdf: bytes) -> str:
    """All the text pypdf extracts from the PDF, pages joined."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def render_png(pdf: bytes, name: str) -> Path:
    """Page 1 of the PDF as ``test-artifacts/pdf-<name>.png`` (pdftoppm, 80 dpi)."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm (Debian poppler-utils) is needed: scripts/test installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"pdf-{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run([exe, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),  # nosec B603
                    str(ARTIFACTS / f"pdf-{name}")], check=True, timeout=60)  # fmt: skip
    source.unlink()
    return ARTIFACTS / f"pdf-{name}.png"


def _signed(people, patient, t0: dt.datetime, *, unwell: bool = False):  # type: ignore[no-untyped-def]
    people.clinic.address, people.clinic.phone = "1 Harbour Road", "555-0100"
    people.clinic.save()
    people.prescriber.email = "p@example.org"
    people.prescriber.save()
    session = make_session(make_treated_course(patient, people.prescriber), scheduled_at=t0 - dt.timedelta(minutes=30))
    _chart_complete_esketamine_session(people, session, t0)
    if unwell:  # the walk's day: SpO2 91 % and BP 185/112 at 40 minutes, a sudden severe headache
        now = t0 + dt.timedelta(hours=2, minutes=10)
        session_writes.add_vitals(people.nurse, session.pk, VitalsInput(t0 + dt.timedelta(minutes=42), 185, 112, 88,
                                  91, timepoint="other"), now=now)  # fmt: skip
        event = EventInput("sudden-severe-headache", t0 + dt.timedelta(minutes=30), t0 + dt.timedelta(minutes=80),
                           severity="severe", serious=True, details="Settled with rest; BP rechecked")  # fmt: skip
        session_writes.add_adverse_event(people.nurse, session.pk, event, now=now)
        mild = EventInput("nausea", t0 + dt.timedelta(minutes=20), t0 + dt.timedelta(minutes=60), severity="mild")
        session_writes.add_adverse_event(people.nurse, session.pk, mild, now=now)
        return session
    outcome = signing.sign_session(people.prescriber, session.pk, now=t0 + dt.timedelta(hours=2, minutes=10))
    assert outcome.signed and outcome.rems_record is not None
    return outcome.rems_record


def _arabic_shown(text: str, word: str) -> bool:
    """An Arabic word is in the text as drawn: shaped presentation forms in visual (reversed) order."""
    plain = unicodedata.normalize("NFKC", text)
    return word[::-1] in plain or word in plain


@pytest.mark.django_db
@pytest.mark.parametrize("script", sorted(NAMES))
def test_both_pdfs_print_the_name_in_its_own_script(people, script: str) -> None:  # type: ignore[no-untyped-def]
    given, family = NAMES[script]
    patient = make_patient(people.clinic, given_name=given, family_name=family)
    record = _signed(people, patient, timezone.now().replace(microsecond=0) - dt.timedelta(days=1, hours=3))
    if script == "chinese":
        assert pdf_fonts.fonts().fallback, "a CJK fallback font (Debian fonts-wqy-microhei) is needed: scripts/test"
    for kind, url in (("rems", f"/rems/{record.pk}.pdf"), ("progress", f"/patients/{patient.pk}/progress-report.pdf")):
        response = people.client("nurse").get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        text = pdf_text(response.content)
        for word in (given, family):
            found = _arabic_shown(text, word) if script == "arabic" else word in text
            assert found, f"{word!r} missing from the {kind} PDF: {text[:400]!r}"
        assert "not printable" not in text
        assert "■" not in text
        if script != "polish":
            render_png(response.content, f"{kind}-{script}")
    assert "Healthcare setting" in pdf_text(people.client("nurse").get(f"/rems/{record.pk}.pdf").content)


@pytest.mark.django_db
def test_a_character_no_font_draws_is_named_in_words_not_boxed(people) -> None:  # type: ignore[no-untyped-def]
    pdf_fonts.fonts.cache_clear()
    try:
        assert pdf_fonts.drawable_markup("王 x", candidates=()) == "<i>[1 character not printable]</i> x"
    finally:
        pdf_fonts.fonts.cache_clear()
    patient = make_patient(people.clinic, given_name="Ada", family_name="Hiero\U00013000\U00013001glyph")
    record = _signed(people, patient, timezone.now().replace(microsecond=0) - dt.timedelta(days=1, hours=3))
    text = pdf_text(people.client("nurse").get(f"/rems/{record.pk}.pdf").content)
    assert "Hiero[2 characters not printable]glyph" in text
    assert "the record in the clinic application shows them in full" in re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_progress_report_lists_each_sessions_critical_events_and_wraps_text(people) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.records.models import Course

    patient = make_patient(people.clinic, given_name="Kai", family_name="Ingram")
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=2, hours=3)
    session = _signed(people, patient, t0, unwell=True)
    Course.objects.filter(pk=session.course_id).update(ended_on=t0.date(), end_reason=LONG_REASON)
    from ketamine_trd.clinic.measurement import services
    from tests.clinic.test_measurement_builders import phq9

    for at, answers in ((t0 - dt.timedelta(hours=1), phq9(3, 3, 2, 2, 2, 2, 2, 2, 1)),  # baseline 19, item 9 = 1
                        (t0 + dt.timedelta(days=1), phq9(1, 1, 1, 1, 1, 1, 0, 0, 0))):  # 6: a response  # fmt: skip
        services.record_assessment(people.nurse, patient.pk, "phq9", answers, administered_at=at, now=timezone.now())
    Session.objects.filter(pk=session.pk).update(status="signed")  # its dose counts for the outcomes
    pdf = people.client("nurse").get(f"/patients/{patient.pk}/progress-report.pdf").content
    text = pdf_text(pdf)
    flat = re.sub(r"\s+", " ", text)
    assert "Session safety events" in text and "No critical event" not in text
    for heading in ("Acknowledged", "Signed", "sessions", "Definition", "Threshold", "cochrane-cd011612",
                    "Information", "(SPRAVATO)"):  # each word whole in its column, never split  # fmt: skip
        assert re.search(rf"(?<![\w-]){re.escape(heading)}(?![\w-])", text), (heading, text)
    assert "SpO2 91% is below" in flat  # the core's spo2-low rule, critical
    assert "BP 185/112" in flat  # the core's BP outlier rule
    assert "may signal hypertensive crisis" in flat  # the core's hypertensive-emergency symptom rule
    assert "Adverse event: sudden severe headache, severe, serious (resolved)" in flat
    # wrapped, never cut: every word of the long reason is there, in order, split only at spaces
    assert LONG_REASON in flat, flat[:2000]
    assert render_png(pdf, "progress-safety").stat().st_size > 10_000


@pytest.mark.django_db
def test_a_session_without_findings_says_so(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, given_name="Ari", family_name="Calm")
    _signed(people, patient, timezone.now().replace(microsecond=0) - dt.timedelta(days=1, hours=3))
    assert Session.objects.filter(patient=patient, dosed_at__isnull=False).count() == 1
    text = re.sub(r"\s+", " ", pdf_text(people.client("nurse").get(f"/patients/{patient.pk}/progress-report.pdf")
                                       .content))  # fmt: skip
    assert "Session safety events" in text and "No critical event." in text


@pytest.mark.django_db
def test_pdf_times_are_the_clinics_local_times(people) -> None:  # type: ignore[no-untyped-def]
    import zoneinfo

    people.clinic.time_zone = "America/New_York"
    people.clinic.save()
    patient = make_patient(people.clinic, given_name="Eve", family_name="Local")
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=1, hours=3)
    record = _signed(people, patient, t0)
    local = (t0 - dt.timedelta(minutes=10)).astimezone(zoneinfo.ZoneInfo("America/New_York"))
    rems_text = re.sub(r"\s+", " ", pdf_text(people.client("nurse").get(f"/rems/{record.pk}.pdf").content))
    assert f"128/80 mmHg at {local:%Y-%m-%d %H:%M} {local.tzname()}" in rems_text  # the pre-dose reading
    assert "UTC" not in rems_text and "Due;" in rems_text  # the status in words, not its code
    report = re.sub(r"\s+", " ", pdf_text(people.client("nurse").get(f"/patients/{patient.pk}/progress-report.pdf")
                                         .content))  # fmt: skip
    assert f"{local.tzname()} (America/New_York) for the referring clinician" in report
