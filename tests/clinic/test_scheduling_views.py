"""Scheduling pages: settings (admin only), booking preview and confirm, day and week views, move and cancel."""

from __future__ import annotations

import pytest

from ketamine_trd.clinic.scheduling.models import Booking, Chair, ClosedDay, OpeningHours
from ketamine_trd.clinical.scheduling import WEEKDAYS
from tests.clinic.builders import make_patient
from tests.clinic.scheduling_builders import make_chairs, make_iv_course

pytestmark = pytest.mark.django_db


def _hours(opens: str = "08:00", closes: str = "18:00") -> dict[str, str]:
    data = {"part": "hours"}
    for w in WEEKDAYS:
        open_day = w not in ("sat", "sun")
        data |= {f"{w}-weekday": w, f"{w}-opens": opens if open_day else "", f"{w}-closes": closes if open_day else ""}
    return data


def test_admin_configures_chairs_hours_and_closed_days(people) -> None:  # type: ignore[no-untyped-def]
    admin = people.client("admin")
    assert admin.get("/schedule/settings/").status_code == 200
    assert admin.post("/schedule/settings/", {"part": "chair", "name": "Chair 1", "kind": "chair"}).status_code == 302
    again = admin.post("/schedule/settings/", {"part": "chair", "name": "Chair 1", "kind": "chair"})
    assert again.status_code == 422 and "no other chair" in again.content.decode()
    assert admin.post("/schedule/settings/", _hours()).status_code == 302
    assert OpeningHours.objects.filter(clinic=people.clinic).count() == 5
    bad = admin.post("/schedule/settings/", _hours("18:00", "08:00"))
    assert bad.status_code == 422 and "Closes:" in bad.content.decode()
    bad = admin.post("/schedule/settings/", _hours("8am", "18:00"))
    assert bad.status_code == 422 and "Opens:" in bad.content.decode()
    assert (
        admin.post("/schedule/settings/", {"part": "closed", "day": "2030-12-25", "reason": "Holiday"}).status_code
        == 302
    )
    bad = admin.post("/schedule/settings/", {"part": "closed", "day": "25/12/2030"})
    assert bad.status_code == 422 and "Date" in bad.content.decode()
    assert ClosedDay.objects.filter(clinic=people.clinic).count() == 1
    assert people.client("nurse").get("/schedule/settings/").status_code == 403


def test_book_preview_confirm_then_day_week_move_and_cancel(people) -> None:  # type: ignore[no-untyped-def]
    (chair,) = make_chairs(people.clinic)
    course = make_iv_course(make_patient(people.clinic))
    desk = people.client("front_desk")
    url = f"/schedule/courses/{course.pk}/book/"
    assert desk.get(url).status_code == 200
    preview = desk.get(url, {"chair_id": chair.pk, "start_time": "09:00", "sessions": "induction"})
    assert preview.status_code == 200 and "Book 6 sessions" in preview.content.decode()
    bad = desk.get(url, {"chair_id": chair.pk, "start_time": "9 am"})
    assert bad.status_code == 422 and "Time of day" in bad.content.decode()
    bad = desk.get(url, {"chair_id": "999999", "start_time": "09:00"})
    assert bad.status_code == 422 and "Chair" in bad.content.decode()
    done = desk.post(url, {"chair_id": chair.pk, "start_time": "09:00", "sessions": "induction", "confirm": "1"})
    assert done.status_code == 302 and Booking.objects.count() == 6
    first = Booking.objects.order_by("starts_at").first()
    day = first.starts_at.date().isoformat()
    page = desk.get(f"/schedule/chairs/{chair.pk}/day/", {"date": day})
    assert page.status_code == 200 and first.session.patient.mrn in page.content.decode()
    assert desk.get(f"/schedule/chairs/{chair.pk}/week/", {"date": day}).status_code == 200
    assert desk.get(f"/schedule/chairs/{chair.pk}/day/", {"date": "tomorrow"}).status_code == 422
    move = f"/schedule/bookings/{first.pk}/move/"
    short = desk.post(move, {"chair_id": chair.pk, "starts_at": f"{day}T13:00", "reason": "no"})
    assert short.status_code == 422 and "Reason" in short.content.decode()
    odd = desk.post(move, {"chair_id": chair.pk, "starts_at": f"{day}T13:05", "reason": "Patient asked to move"})
    assert odd.status_code == 422 and "15-minute" in odd.content.decode()
    ok = desk.post(move, {"chair_id": chair.pk, "starts_at": f"{day}T13:00", "reason": "Patient asked to move"})
    assert ok.status_code == 302
    cancel = f"/schedule/bookings/{first.pk}/cancel/"
    assert desk.post(cancel, {"reason": ""}).status_code == 422
    assert desk.post(cancel, {"reason": "Unwell today"}).status_code == 302
    assert people.client("researcher").get(f"/schedule/chairs/{chair.pk}/day/").status_code == 403
    assert people.client("outsider").get(f"/schedule/chairs/{chair.pk}/day/").status_code == 404
    assert Chair.objects.count() == 1
