"""The chair-side HTML forms, part by part, to a signed session and its REMS record (the browser's path)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from ketamine_trd.clinic.records.models import AdverseEvent, RemsRecord, Session
from tests.clinic.builders import make_patient, make_session, make_treated_course

ZONE = {"zone": "UTC"}


def _local(when: dt.datetime) -> str:
    """What the browser's datetime-local field sends: the clinic's wall-clock time."""
    return when.astimezone(zoneinfo.ZoneInfo(ZONE["zone"])).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_charting_through_every_form_then_signing(people, zone) -> None:  # type: ignore[no-untyped-def]
    ZONE["zone"] = people.clinic.time_zone = zone
    people.clinic.address, people.clinic.phone = "1 Harbour Road", "555-0100"
    people.clinic.save()
    people.prescriber.email = "p@example.org"
    people.prescriber.save()
    people.nurse.first_name, people.nurse.last_name, people.nurse.email = "Nina", "Example", "nina@example.org"
    people.nurse.save()
    t0 = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=2, minutes=20)
    course = make_treated_course(make_patient(people.clinic), people.prescriber)
    session = make_session(course, scheduled_at=t0 - dt.timedelta(minutes=30))
    nurse, url = people.client("nurse"), f"/sessions/{session.pk}"

    def post(part: str, data: dict[str, Any]) -> None:
        response = nurse.post(f"{url}/{part}/", {f"{part}-{k}": v for k, v in data.items()})
        assert response.status_code == 302, (part, response.content.decode()[-3000:])

    post("checklist", {"checked_at": _local(t0 - dt.timedelta(minutes=15)), "rems_enrolled": "true",
                       "first_treatment": "false", "last_food_at": _local(t0 - dt.timedelta(hours=3)),
                       "last_liquid_at": _local(t0 - dt.timedelta(hours=1)), "concomitant": ["benzodiazepine"],
                       "concomitant_reviewed": "on", "safe_departure_arranged": "true"})  # fmt: skip
    post("vitals", {"taken_at": _local(t0 - dt.timedelta(minutes=10)), "timepoint": "predose",
                    "systolic_mmhg": "126", "diastolic_mmhg": "80", "heart_rate_bpm": "70",
                    "spo2_percent": "98"})  # fmt: skip
    post("dose", {"dosed_at": _local(t0), "dose_mg": "56", "lot_number": "LOT-9", "devices_used": "2"})
    post("vitals", {"taken_at": _local(t0 + dt.timedelta(minutes=40)), "timepoint": "post-40",
                    "systolic_mmhg": "136", "diastolic_mmhg": "84"})  # fmt: skip
    post("rating", {"instrument_id": "moaas", "value": "5", "rated_at": _local(t0 + dt.timedelta(minutes=45))})
    post("rating", {"instrument_id": "cadss-23", "value": "3", "rated_at": _local(t0 + dt.timedelta(minutes=45))})
    post("event", {"kind": "nausea", "severity": "mild", "noted_at": _local(t0 + dt.timedelta(minutes=20))})
    event = AdverseEvent.objects.get(session=session)
    post("resolve", {"event_id": str(event.pk), "resolved_at": _local(t0 + dt.timedelta(minutes=60))})
    post("vitals", {"taken_at": _local(t0 + dt.timedelta(minutes=115)), "timepoint": "discharge",
                    "systolic_mmhg": "124", "diastolic_mmhg": "78", "spo2_percent": "98"})  # fmt: skip
    post("discharge", {"monitoring_completed_at": _local(t0 + dt.timedelta(minutes=125)),
                       "ready_to_leave_minutes": "80", "vitals_ok_before_administration": "true",
                       "vitals_ok_before_completion": "true", "sedation_observed": "false",
                       "dissociation_observed": "true", "respiratory_depression_observed": "false",
                       "clinically_stable": "true", "safe_departure_arranged": "true",
                       "monitoring_hcp_id": str(people.nurse.pk)})  # fmt: skip
    page = nurse.get(f"{url}/")
    assert b"Nothing missing." in page.content, page.content.decode()
    assert nurse.post(f"{url}/sign/").status_code == 302
    assert Session.objects.get(pk=session.pk).status == "signed"
    assert Session.objects.get(pk=session.pk).dosed_at == t0  # stored in UTC whatever the clinic's zone
    record = RemsRecord.objects.get(session=session)
    assert record.fields["benzodiazepines"] is True and record.fields["adverse_event_details"].startswith("nausea")
