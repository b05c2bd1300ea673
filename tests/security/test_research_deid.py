"""The researcher role sees only de-identified data: no names, MRNs, dates of birth, contact
details or free text in the research export, dates shifted per patient (HIPAA 164.514(b)
safe-harbor identifiers; OWASP ASVS 4.0 V8.3.1). Cross-cutting check over the whole export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _cells(tables: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, Any]]:
    return [(name, column, value) for name, rows in tables.items() for row in rows for column, value in row.items()]


@pytest.mark.django_db
def test_research_export_holds_no_identifiers_and_shifts_dates(settings) -> None:  # type: ignore[no-untyped-def]
    research_export = pytest.importorskip("ketamine_trd.clinic.research_export")
    from ketamine_trd.clinic import demo
    from ketamine_trd.clinic.accounts.models import User
    from ketamine_trd.clinic.records.models import Course, Patient

    settings.KTRD_DEMO = True
    demo.ensure_demo_clinic(seed=7, patients=6)
    researcher = User.objects.filter(role="researcher").first()
    assert researcher is not None
    tables = research_export.build_export(actor=researcher).tables
    cells = _cells(tables)
    assert cells, "the export is empty: nothing was checked"
    patients = list(Patient.objects.all())
    identifiers: dict[str, str] = {}
    for p in patients:
        identifiers |= {p.given_name: "given name", p.family_name: "family name", p.mrn: "MRN",
                        p.date_of_birth.isoformat(): "date of birth"}  # fmt: skip
        if p.email:
            identifiers[p.email] = "e-mail"
        if p.phone:
            identifiers[p.phone] = "phone"
    leaks = []
    for table, column, value in cells:
        text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
        for needle, what in identifiers.items():
            if len(needle) >= 4 and needle in text:
                leaks.append(f"{table}.{column} holds a {what}")
        if isinstance(value, (dt.date, dt.datetime)) and not isinstance(value, dt.datetime):
            assert value not in {p.date_of_birth for p in patients}, f"{table}.{column} holds a date of birth"
    assert not leaks, sorted(set(leaks))
    # dates are shifted: no exported course start date is a real course start date of the same patient set
    real_starts = {c.start_date for c in Course.objects.exclude(start_date=None)}
    exported = {
        v for _, col, v in cells if isinstance(v, dt.date) and not isinstance(v, dt.datetime) and "start" in col
    }
    assert exported, "no start dates exported"
    assert len(exported & real_starts) < len(exported), "exported start dates are the real ones (no date shift)"
