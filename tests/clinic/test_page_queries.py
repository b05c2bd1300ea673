"""Query counts of the main pages and API reads (upper bounds, never timings): each page reads a fixed number of
rows-independent queries, so a clinic with three times the patients, sessions and alerts costs the same count.

The bounds are the counts measured when this file was written (``bench/profile_pages.py`` prints them against a
seeded clinic) with no headroom beyond the test transaction's savepoints: a new query on a page fails here and
has to be looked at (raise the bound in the same commit, with the reason).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ketamine_trd.clinic.measurement.models import Alert
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from tests.clinic.builders import make_course, make_patient, make_session

#: name -> (who, path made from the first patient and session, upper bound of queries). Before the work of
#: issue 17's CPU pass the same pages read 12, 12, 12, 17, 12, 24 and 15: every request loaded the clinic apart
#: from the user, each audited read took the chain head twice, the chair-side page read the intake results
#: three times and the course's patient again. Issues 13-15 then added what the pages now show: the patient page
#: its allergies, medications and notes and the consent link (+3), the chair-side page the chart summary, the
#: lots in stock and the consent gate (+7), the dashboard the self-report panel (+1).
PAGES: dict[str, tuple[str, str, int]] = {
    "API: one patient": ("nurse", "/api/patients/{p}", 10),
    "API: patient search": ("nurse", "/api/patients?q=Rowe&limit=20", 10),
    "page: patient list": ("front_desk", "/patients/", 10),
    "page: patient": ("nurse", "/patients/{p}/", 18),
    "page: today's sessions": ("front_desk", "/sessions/today/", 10),
    "page: chair-side session": ("nurse", "/sessions/{s}/", 26),
    "page: dashboard": ("nurse", "/", 15),  # +1: the site settings in force (the screens-due profile, issue 14)
}


def _clinic(people: Any, n: int) -> tuple[int, int]:
    """``n`` patients, each with a course, a session today and an open critical alert; the first's ids."""
    now = timezone.now()
    first: tuple[int, int] | None = None
    for k in range(n):
        patient = make_patient(people.clinic, family_name=f"Rowe{k:03d}")
        course = make_course(patient)
        session = make_session(course, scheduled_at=now - dt.timedelta(minutes=10 + k), chair=f"Chair {k % 3}")
        Alert.objects.create(
            patient=patient, course=course, kind=AlertKind.SUICIDE_ITEM, level=AlertLevel.CRITICAL, rule="t.crit",
            source="simon-2013", message="PHQ-9 item 9 is above 0", object_key=f"q:{k}", raised_at=now,
        )  # fmt: skip
        first = first or (patient.pk, session.pk)
    assert first is not None
    return first


def _count(people: Any, who: str, path: str) -> int:
    client = people.client(who)
    assert client.get(path).status_code == 200  # warm: the session's first save, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_reads_a_fixed_number_of_queries(people: Any, name: str) -> None:
    who, template, bound = PAGES[name]
    p, s = _clinic(people, 2)
    few = _count(people, who, template.format(p=p, s=s))
    _clinic(people, 6)
    many = _count(people, who, template.format(p=p, s=s))
    assert many == few, f"{name}: {few} queries with 2 patients, {many} with 8 (a query per row?)"
    assert few <= bound, f"{name}: {few} queries, bound {bound}"
