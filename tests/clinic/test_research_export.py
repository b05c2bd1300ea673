"""The de-identified research export: schema, no identifiers, shifted dates, stable ids, CLI, audit.

A seeded clinic (named people, MRNs, dates of birth, free text everywhere the clinic allows it)
is exported; every value of every table is scanned for the identifiers that went in.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.analytics.export_schema import TABLES, table
from ketamine_trd.analytics.registry_io import read_registry
from ketamine_trd.cli import main
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.deidentify import AGE_CAP, MAX_SHIFT_DAYS, Deidentifier, age_on, cap_age
from ketamine_trd.clinic.measurement.services import record_assessment
from ketamine_trd.clinic.records.models import AdverseEvent, Patient, SessionRating
from ketamine_trd.clinic.records.services.intake import record_trd_intake
from ketamine_trd.clinic.research_export import build_export, build_export_tables
from ketamine_trd.errors import ConflictError, PermissionDenied
from tests.clinic.builders import make_course, make_patient, make_session
from tests.clinic.conftest import Personas

KEY = "test-research-key-0123456789abcdef-0123456789"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
HISTORY = {
    "episode": {"duration_months": 26, "severity": "severe"},
    "trials": [
        {"drug": "sertraline", "daily_dose_mg": 150, "weeks": 8, "improvement_percent": 10},
        {"drug": "venlafaxine", "daily_dose_mg": 225, "weeks": 8, "improvement_percent": 5},
    ],
    "ect_courses": 1,
}
FREE_TEXT = "Zanzibar-notes: fainted near Quillfeather Lane"


@pytest.fixture(autouse=True)
def research_key(settings: Any) -> None:
    settings.KTRD_RESEARCH_KEY = KEY


def _madrs(total: int) -> dict[str, int]:
    """MADRS answers (q1..q10, 0-6 each) adding up to ``total``."""
    values = [min(6, max(0, total - 6 * k)) for k in range(10)]
    return {f"q{k + 1}": v for k, v in enumerate(values)}


def _seed_patient(people: Personas, **overrides: Any) -> Patient:
    return make_patient(people.clinic, phone="+44 7700 900123", email="zebulon@example.org", **overrides)


def _seed_course(people: Personas, patient: Patient, *, start: dt.date, product: str = "esketamine-nasal") -> Any:
    record_trd_intake(people.nurse, patient.pk, HISTORY, profile=None, now=NOW - dt.timedelta(days=400))
    course = make_course(
        patient,
        product=product,
        route=product.split("-", 1)[1],
        phase="maintenance",
        start_date=start,
        review_due_on=start + dt.timedelta(days=28),
        end_reason="",
    )
    for n, day in enumerate((0, 3, 7, 35)):
        at = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(10, 0), tzinfo=dt.UTC)
        session = make_session(
            course,
            status="signed",
            scheduled_at=at,
            dosed_at=at,
            dose_mg=Decimal("56.00") if product == "esketamine-nasal" else Decimal("35.00"),
            lot_number="LOT-QX-99871",
            monitoring_hcp_name="Ottoline Brackenbury",
        )
        SessionRating.objects.create(session=session, instrument_id="cadss-23", value=10 + n, taken_at=at)
        if n == 1:
            AdverseEvent.objects.create(session=session, kind="nausea", severity="mild", noted_at=at, details=FREE_TEXT)
    for day, total in ((-2, 34), (7, 20), (28, 10), (42, 9)):
        at = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(9, 0), tzinfo=dt.UTC)
        record_assessment(people.nurse, patient.pk, "madrs", _madrs(total), administered_at=at, now=NOW,
                          course_id=course.pk)  # fmt: skip
    return course


@pytest.fixture
def seeded(people: Personas) -> dict[str, Any]:
    young = _seed_patient(people, given_name="Zebulon", family_name="Quillfeather", mrn="MRN-77123",
                          date_of_birth=dt.date(1984, 2, 29))  # fmt: skip
    old = _seed_patient(people, given_name="Ottilie", family_name="Marchbanks", mrn="MRN-88456",
                        date_of_birth=dt.date(1931, 7, 4), sex="male")  # fmt: skip
    no_intake = _seed_patient(people, given_name="Perpetua", family_name="Snodgrass", mrn="MRN-99789")
    return {
        "patients": [young, old, no_intake],
        "courses": [
            _seed_course(people, young, start=dt.date(2026, 1, 5)),
            _seed_course(people, old, start=dt.date(2025, 11, 3), product="ketamine-iv"),
            make_course(no_intake, phase="induction"),  # no TRD intake: left out
        ],
    }


def _values(tables: dict[str, list[dict[str, Any]]]) -> list[Any]:
    return [value for rows in tables.values() for row in rows for value in row.values()]


def test_every_table_has_exactly_the_schema_columns_and_validates(seeded: dict[str, Any]) -> None:
    result = build_export(now=NOW)  # validates with the schema's validator or raises
    assert list(result.tables) == [t.name for t in TABLES]
    for t in TABLES:
        assert all(list(row) == list(t.names) for row in result.tables[t.name]), t.name
    assert len(result.tables["patients"]) == 2
    assert len(result.tables["courses"]) == 2
    assert len(result.tables["sessions"]) == 8 and len(result.tables["doses"]) == 8
    assert len(result.tables["assessment_items"]) == 10 * len(result.tables["assessments"]) == 80
    assert result.omitted == {"no TRD intake result": 1}


def test_no_identifier_appears_anywhere_in_the_output(seeded: dict[str, Any]) -> None:
    tables = build_export_tables()
    patients = seeded["patients"]
    words = {FREE_TEXT, "Zanzibar", "Ottoline", "Brackenbury", "LOT-QX-99871", "+44 7700 900123", "example.org"}
    for p in patients:
        words |= {p.mrn, p.given_name, p.family_name, p.email}
    dates_of_birth = {p.date_of_birth for p in patients}
    for value in _values(tables):
        text = str(value).lower()
        assert not any(w.lower() in text for w in words), value
        assert value not in dates_of_birth and str(value) not in {d.isoformat() for d in dates_of_birth}
    internal_ids = {str(p.pk) for p in patients} | {str(c.pk) for c in seeded["courses"]}
    id_values = [v for rows in tables.values() for r in rows for k, v in r.items() if k.endswith("_id") and v]
    assert not any(v in internal_ids for v in id_values)


def test_dates_are_shifted_by_one_offset_per_patient(seeded: dict[str, Any]) -> None:
    tables = build_export_tables()
    courses = {c["patient_id"]: c for c in tables["courses"]}
    assert len(courses) == 2
    offsets = set()
    for course, real in zip(tables["courses"], sorted(seeded["courses"][:2], key=lambda c: c.patient_id), strict=True):
        offset = (course["start_date"] - real.start_date).days
        assert offset != 0 and abs(offset) <= MAX_SHIFT_DAYS
        assert (course["induction_end_date"] - course["start_date"]).days == 28  # interval kept
        sessions = sorted((s for s in tables["sessions"] if s["course_id"] == course["course_id"]),
                          key=lambda s: s["session_number"])  # fmt: skip
        assert [(s["session_date"] - course["start_date"]).days for s in sessions] == [0, 3, 7, 35]
        assert [s["phase"] for s in sessions] == ["induction"] * 3 + ["maintenance"]
        for a in (a for a in tables["assessments"] if a["course_id"] == course["course_id"]):
            assert (a["assessment_date"] - course["start_date"]).days == a["day"]
        assert sorted(a["day"] for a in tables["assessments"] if a["course_id"] == course["course_id"]) == [
            -2, 7, 28, 42
        ]  # fmt: skip
        offsets.add(offset)
    assert len(offsets) == 2  # two patients, two different offsets (for this key)


def test_a_signed_session_without_a_dose_keeps_its_place_and_has_no_dose_row(seeded: dict[str, Any]) -> None:
    course = seeded["courses"][0]
    at = dt.datetime.combine(course.start_date + dt.timedelta(days=10), dt.time(10, 0), tzinfo=dt.UTC)
    make_session(course, status="signed", scheduled_at=at)  # dose withheld: no dosed_at, no dose_mg
    tables = build_export_tables()
    start = next(c["start_date"] for c in tables["courses"] if c["age_years"] != AGE_CAP)
    course_id = next(c["course_id"] for c in tables["courses"] if c["age_years"] != AGE_CAP)
    sessions = sorted((s for s in tables["sessions"] if s["course_id"] == course_id), key=lambda s: s["session_number"])
    assert [(s["session_date"] - start).days for s in sessions] == [0, 3, 7, 10, 35]
    dosed = {d["session_id"] for d in tables["doses"]}
    assert [s["session_id"] in dosed for s in sessions] == [True, True, True, False, True]


def test_ages_over_89_are_capped_and_birth_year_does_not_reveal_them(seeded: dict[str, Any]) -> None:
    tables = build_export(now=NOW).tables
    ages = sorted(c["age_years"] for c in tables["courses"])
    assert ages == [41, AGE_CAP]  # 94 at course start -> 90
    patients = {p["patient_id"]: p for p in tables["patients"]}
    old = next(c for c in tables["courses"] if c["age_years"] == AGE_CAP)
    shifted_now = old["start_date"] + (NOW.date() - seeded["courses"][1].start_date)
    assert shifted_now.year - patients[old["patient_id"]]["birth_year"] <= AGE_CAP


def test_research_ids_are_stable_across_exports_and_depend_on_the_key(seeded: dict[str, Any], settings: Any) -> None:
    first, second = build_export_tables(), build_export_tables()
    for name in ("patients", "courses", "sessions", "doses", "assessments", "outcome_events", "adverse_events"):
        key = table(name).key
        ids = [r[key] for r in first[name]]
        assert ids and ids == [r[key] for r in second[name]] and len(set(ids)) == len(ids)
    settings.KTRD_RESEARCH_KEY = "another-installation-key-0123456789abcdef"
    other = build_export_tables()
    assert {p["patient_id"] for p in other["patients"]}.isdisjoint(p["patient_id"] for p in first["patients"])


def test_outcome_events_carry_definition_and_source(seeded: dict[str, Any]) -> None:
    events = build_export_tables()["outcome_events"]
    kinds = sorted({e["event_type"] for e in events})
    assert kinds == ["remission", "response"]  # MADRS 34 -> 10: >= 50% fall and at or below the cut-off
    assert all(e["definition_id"] and e["source_id"] and e["scale"] == "madrs" for e in events)


def test_free_text_fields_never_leave_even_when_coded_looking(seeded: dict[str, Any]) -> None:
    course = seeded["courses"][0]
    course.phase, course.ended_on, course.end_reason = "ended", dt.date(2026, 4, 1), "Moved to Quillfeather Lane"
    course.save()
    tables = build_export_tables()
    row = next(c for c in tables["courses"] if c["end_date"] is not None)
    assert row["end_reason"] is None  # free text: not exported
    assert row["maintenance"] is True


def test_queries_do_not_grow_with_the_number_of_courses(
    seeded: dict[str, Any], people: Personas, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):  # three more patients with full courses: the query count must not change
        p = _seed_patient(people, given_name=f"Extra{n}", family_name="Person", mrn=f"MRN-X{n}")
        _seed_course(people, p, start=dt.date(2026, 2, 2) + dt.timedelta(days=n))
    with django_assert_max_num_queries(14):  # courses, 5 prefetches, the audit entry (13 measured)
        tables = build_export_tables()
    assert len(tables["courses"]) == 5


def test_the_export_is_audited_once_without_patient_data(seeded: dict[str, Any]) -> None:
    before = AuditEvent.objects.filter(action="export").count()
    build_export_tables()
    events = list(AuditEvent.objects.filter(action="export").order_by("-seq"))
    assert len(events) == before + 1
    assert events[0].object_type == "research_export" and events[0].outcome == "success"
    assert "courses=2" in events[0].detail and "Quillfeather" not in events[0].detail


def test_a_researcher_exports_their_own_clinic_only(seeded: dict[str, Any], people: Personas) -> None:
    assert len(build_export_tables(actor=people.researcher)["courses"]) == 2
    with pytest.raises(PermissionDenied):
        build_export_tables(actor=people.nurse)
    with pytest.raises(PermissionDenied):
        build_export_tables(actor=people.researcher, clinic=people.outsider.clinic)
    denied = set(AuditEvent.objects.filter(action="denied").values_list("detail", flat=True))
    assert {"research.view", "research.view of another clinic"} <= denied


def test_real_patients_are_refused_with_the_public_development_key(seeded: dict[str, Any], settings: Any) -> None:
    settings.KTRD_RESEARCH_KEY = ""
    with pytest.raises(ConflictError, match="KTRD_RESEARCH_KEY"):
        build_export_tables()
    assert AuditEvent.objects.filter(action="export", outcome="failure").exists()
    Patient.objects.update(synthetic=True)  # demo data may use the development key
    assert all(p["synthetic"] for p in build_export_tables()["patients"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_ktrd_export_writes_files_the_analytics_loader_reads(
    seeded: dict[str, Any], tmp_path: Any, capsys: Any, fmt: str
) -> None:
    out = tmp_path / fmt
    assert main(["export", "--out", str(out), "--format", fmt, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["tables"]["courses"] == 2 and printed["omitted"] == {"no TRD intake result": 1}
    frames = read_registry(out)
    assert {name: len(f) for name, f in frames.items()} == printed["tables"]
    assert not frames["courses"]["synthetic"].any()
    assert json.loads((out / "manifest.json").read_text())["synthetic"] is False


def test_ktrd_export_refuses_an_unknown_format(tmp_path: Any, capsys: Any) -> None:
    assert main(["export", "--out", str(tmp_path), "--format", "xlsx"]) == 2


def test_ktrd_export_exit_codes_for_an_unknown_clinic_and_the_development_key(
    seeded: dict[str, Any], tmp_path: Any, capsys: Any, settings: Any
) -> None:
    assert main(["export", "--out", str(tmp_path / "a"), "--clinic", "no-such-clinic"]) == 3
    settings.KTRD_RESEARCH_KEY = ""  # real patients with the public development key: refused
    assert main(["export", "--out", str(tmp_path / "b")]) == 4
    assert "KTRD_RESEARCH_KEY" in capsys.readouterr().err and not (tmp_path / "b").exists()


@settings(max_examples=60, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=48),
    patient=st.integers(min_value=1, max_value=10**9),
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
    gap=st.integers(min_value=-400, max_value=400),
)
def test_shift_is_nonzero_bounded_and_keeps_intervals(key: bytes, patient: int, day: dt.date, gap: int) -> None:
    deid = Deidentifier(key)
    offset = deid.date_offset_days(patient)
    assert 1 <= abs(offset) <= MAX_SHIFT_DAYS
    later = day + dt.timedelta(days=gap)
    assert (deid.shift_date(patient, later) - deid.shift_date(patient, day)).days == gap
    moment = dt.datetime.combine(day, dt.time(15, 30), tzinfo=dt.UTC)
    assert deid.shift_datetime(patient, moment).date() == deid.shift_date(patient, day)


@settings(max_examples=60, deadline=None)
@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2008, 1, 1)),
    on=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
)
def test_birth_year_and_age_never_show_more_than_90(born: dt.date, on: dt.date) -> None:
    deid = Deidentifier(b"p" * 32)
    shown_age = deid.shift_date(1, on).year - deid.birth_year(1, born, on)
    assert shown_age <= AGE_CAP
    assert cap_age(age_on(born, on)) <= AGE_CAP
    if age_on(born, on) < AGE_CAP:
        assert deid.birth_year(1, born, on) == deid.shift_date(1, born).year  # young: only the shift applies


def test_keys_shorter_than_256_bits_are_refused() -> None:
    from ketamine_trd.errors import InputError

    with pytest.raises(InputError, match="research key"):
        Deidentifier(b"short")


def test_ktrd_export_sets_django_up_from_the_data_dir_like_serve(tmp_path: Any) -> None:
    """End to end in fresh processes: ``ktrd demo --no-serve`` seeds a data folder, ``ktrd export`` reads it.

    The demo clinic is all synthetic, so the development key is accepted; SQLite in the data folder always
    (``DATABASE_URL`` is removed, so a CI PostgreSQL database is never touched).
    """
    import os
    import subprocess
    import sys

    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "KTRD_ENV", "KTRD_SECRET_KEY", "KTRD_RESEARCH_KEY")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["KTRD_DATA_DIR"] = str(tmp_path / "data")
    ktrd = [sys.executable, "-m", "ketamine_trd"]
    seeded = subprocess.run([*ktrd, "demo", "--no-serve", "--patients", "4", "--json"], env=env, capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    out = tmp_path / "out"
    done = subprocess.run([*ktrd, "export", "--out", str(out), "--json"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["tables"]["courses"] >= 1
    frames = read_registry(out)
    assert frames["courses"]["synthetic"].all() and len(frames["patients"]) >= 1
    assert (tmp_path / "data" / "ktrd.sqlite3").exists()
