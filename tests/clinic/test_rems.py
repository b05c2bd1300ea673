"""REMS records: the 7-day clock from the core (S6, S8), due/overdue list, printable page, CSV, submission."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from ketamine_trd.clinic.records.models import RemsRecord
from ketamine_trd.clinic.records.services import rems, signing
from tests.clinic.builders import make_patient, make_session, make_treated_course
from tests.clinic.test_sessions import _chart_complete_esketamine_session


def _signed_record(people, days_ago: float) -> RemsRecord:  # type: ignore[no-untyped-def]
    people.clinic.address, people.clinic.phone = "1 Harbour Road", "555-0100"
    people.clinic.save()
    people.prescriber.email = "p@example.org"
    people.prescriber.save()
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago, hours=3)
    course = make_treated_course(make_patient(people.clinic), people.prescriber)
    session = make_session(course, scheduled_at=t0 - dt.timedelta(minutes=30))
    _chart_complete_esketamine_session(people, session, t0)
    outcome = signing.sign_session(people.prescriber, session.pk, now=t0 + dt.timedelta(hours=2, minutes=10))
    assert outcome.signed and outcome.rems_record is not None
    return outcome.rems_record


def test_worklist_puts_overdue_first(people) -> None:  # type: ignore[no-untyped-def]
    recent = _signed_record(people, days_ago=1)
    late = _signed_record(people, days_ago=9)  # past the 7-day window (S6, S8)
    items = rems.worklist(people.front_desk, now=timezone.now())
    assert [(row.pk, item.status.value) for row, item in items] == [(late.pk, "overdue"), (recent.pk, "due")]
    page = people.client("front_desk").get("/rems/")
    assert page.status_code == 200 and b"overdue" in page.content


def test_printable_record_shows_every_form_section(people) -> None:  # type: ignore[no-untyped-def]
    row = _signed_record(people, days_ago=1)
    page = people.client("nurse").get(f"/rems/{row.pk}/")
    text = page.content.decode()
    for label in ("First treatment", "Benzodiazepines", "Opioids", "Lot number", "BP about 40 minutes after",
                  "Respiratory depression", "Healthcare setting"):  # fmt: skip
        assert label in text, label


def test_csv_export_has_one_row_per_record_and_is_audited(people) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.audit.models import AuditEvent

    _signed_record(people, days_ago=1)
    response = people.client("front_desk").get("/rems/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 and rows[0]["lot_number"] == "LOT-123" and rows[0]["dose_administered"] == "56 mg"
    assert AuditEvent.objects.filter(action="export").exists()


def test_submission_moves_the_record_off_the_due_list(people) -> None:  # type: ignore[no-untyped-def]
    row = _signed_record(people, days_ago=1)
    response = people.client("nurse").post(f"/rems/{row.pk}/submitted/")
    assert response.status_code == 302
    assert RemsRecord.objects.get(pk=row.pk).status == "submitted"
    assert rems.worklist(people.nurse, now=timezone.now()) == []


def test_other_clinics_cannot_see_the_record(people) -> None:  # type: ignore[no-untyped-def]
    row = _signed_record(people, days_ago=1)
    assert people.client("outsider").get(f"/rems/{row.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/sessions/{s}/", "/patients/{p}/"])
def test_pages_use_a_fixed_number_of_queries(people, url, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    row = _signed_record(people, days_ago=1)
    client = people.client("nurse")
    target = url.format(s=row.session_id, p=row.patient_id)
    with django_assert_max_num_queries(40) as captured:
        client.get(target)
    first = len(captured)
    for _ in range(3):
        _signed_record(people, days_ago=2)
    with django_assert_max_num_queries(first + 2):
        client.get(target)


def test_pdf_of_the_record_is_a_pdf_and_is_audited_as_an_export(people) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.audit.models import AuditEvent

    row = _signed_record(people, days_ago=1)
    response = people.client("nurse").get(f"/rems/{row.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1500
    assert AuditEvent.objects.filter(action="export", object_id=str(row.pk)).exists()
    assert people.client("researcher").get(f"/rems/{row.pk}.pdf").status_code == 403


def test_an_evening_session_is_dated_by_the_clinics_day_not_utcs(people) -> None:  # type: ignore[no-untyped-def]
    """A New York session dosed at 20:30 local (01:30 UTC the next day) is filed under its own evening."""
    import zoneinfo

    people.clinic.time_zone = "America/New_York"
    people.clinic.save()
    zone = zoneinfo.ZoneInfo("America/New_York")
    day = timezone.now().astimezone(zone).date() - dt.timedelta(days=3)
    t0 = dt.datetime.combine(day, dt.time(20, 30), tzinfo=zone)
    assert t0.astimezone(dt.UTC).date() == day + dt.timedelta(days=1)
    course = make_treated_course(make_patient(people.clinic), people.prescriber)
    session = make_session(course, scheduled_at=t0 - dt.timedelta(minutes=30))
    _chart_complete_esketamine_session(people, session, t0)
    outcome = signing.sign_session(people.prescriber, session.pk, now=t0 + dt.timedelta(hours=2, minutes=10))
    row = outcome.rems_record
    assert row is not None and row.fields["session_date"] == day.isoformat()
    assert rems.core_record(row).session_date == day
    page = people.client("nurse").get(f"/rems/{row.pk}/")
    assert page.status_code == 200
