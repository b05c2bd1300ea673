"""Clinic application latency: patient list, patient page with its chart, session view, dashboard.

Seeds one clinic with 10,000 patients and 1,000,000 assessments (``--quick``: 300 and 6,000) with
``bulk_create`` in batches, then times pages through Django's test client (in process: no network,
no server threads), p50 and p95 over repeated requests on random patients. Each database runs in its
own child process (Django settings are per process): SQLite in WAL mode in a temporary data folder,
and PostgreSQL when ``KTRD_BENCH_DATABASE_URL`` names a database (else the section says skipped).

Usage: ``python bench/run.py --only clinic [--quick]`` or ``python bench/bench_clinic.py [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
SIZES = {
    True: {"patients": 300, "assessments": 6_000, "requests": 15},
    False: {"patients": 10_000, "assessments": 1_000_000, "requests": 60},
}
BATCH = 5_000
SEED = 20260301
TARGET_MS = 100.0


# --------------------------------------------------------------------------- child process: seed and measure


def _rems_row(session: Any, clinic: Any, now: dt.datetime) -> Any:
    """A REMS record with every PMF field filled, as the signing service stores it (the core's record as JSON)."""
    from ketamine_trd.clinic.records.models import RemsRecord
    from ketamine_trd.clinical.rems import PmfContact, PmfPatient, RemsPatientMonitoringRecord
    from ketamine_trd.commands._output import to_jsonable

    p = session.patient
    done = session.scheduled_at + dt.timedelta(hours=2)
    core = RemsPatientMonitoringRecord(
        session_id=str(session.pk), rems_profile="spravato-rems@2024-12",
        patient=PmfPatient(p.given_name, p.family_name, p.date_of_birth, p.sex), first_treatment=False,
        patient_enrolled=True, benzodiazepines=False, non_benzodiazepine_sedative_hypnotics=False,
        psychostimulants=False, maois=False, opioids=False,
        contact=PmfContact("Bench Nurse", "555-0100", "nurse@bench.invalid", clinic.name, "1 Bench Street"),
        session_date=session.scheduled_at.date(), dose_administered="56 mg", dose_mg=56, lot_number="BENCH1",
        treatment_duration_minutes=125, ready_to_leave_minutes=90, vitals_acceptable_before_administration=True,
        vitals_acceptable_before_completion=True, bp_predose=None, bp_post_40_min=None, bp_before_completion=None,
        sedation=False, dissociation=True, respiratory_depression=False, adverse_event_details="",
        min_monitoring_minutes=120, due_at=done + dt.timedelta(days=7), due_soon_from=done + dt.timedelta(days=5),
    )  # fmt: skip
    return RemsRecord(
        session=session, patient_id=session.patient_id, clinic=clinic, form_version=core.rems_profile,
        fields=to_jsonable(core), due_at=core.due_at, due_soon_from=core.due_soon_from, created_at=now,
    )  # fmt: skip


def _setup(data_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketamine_trd.clinic.settings")
    os.environ["KTRD_DATA_DIR"] = data_dir
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    # the pages name hashed static files (the manifest storage), as after ktrd serve's collectstatic
    call_command("collectstatic", verbosity=0, interactive=False)


def _seed(n_patients: int, n_assessments: int, now: dt.datetime) -> dict[str, Any]:
    from django.db import transaction

    from ketamine_trd.clinic.accounts.models import Clinic, User
    from ketamine_trd.clinic.measurement.models import Alert, Assessment
    from ketamine_trd.clinic.records.models import Course, Patient, RemsRecord, Session

    rng = random.Random(SEED)
    started = time.perf_counter()
    slug = f"bench-{int(now.timestamp())}"
    with transaction.atomic():
        clinic = Clinic.objects.create(name="Benchmark clinic (synthetic)", slug=slug, time_zone="UTC")
        nurse = User.objects.create(username=f"{slug}-nurse", role="nurse", clinic=clinic)
    patients = [
        Patient(
            clinic=clinic,
            mrn=f"B{n:07d}",
            given_name=rng.choice(["Alex", "Sam", "Jo", "Kim", "Lee", "Ria"]),
            family_name=f"Synthetic{n:05d}",
            date_of_birth=dt.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
            synthetic=True,
            created_at=now,
            updated_at=now,
        )
        for n in range(n_patients)
    ]
    with transaction.atomic():
        Patient.objects.bulk_create(patients, batch_size=BATCH)
    patient_ids = list(Patient.objects.filter(clinic=clinic).order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        Course.objects.bulk_create(
            [
                Course(
                    patient_id=pid,
                    product="esketamine-nasal",
                    route="intranasal",
                    phase="maintenance",
                    start_date=(now - dt.timedelta(days=400)).date(),
                    created_at=now,
                    updated_at=now,
                )
                for pid in patient_ids
            ],
            batch_size=BATCH,
        )
    courses = dict(Course.objects.filter(patient__clinic=clinic).values_list("patient_id", "id"))
    sessions = []
    for k, pid in enumerate(patient_ids):
        for s in range(4):
            at = now - dt.timedelta(days=7 * (4 - s), hours=k % 8)
            sessions.append(
                Session(
                    course_id=courses[pid],
                    patient_id=pid,
                    scheduled_at=at,
                    status="signed",
                    dosed_at=at,
                    dose_mg=56 if s else 84,
                    chair=f"chair {k % 6}",
                    created_at=now,
                    updated_at=now,
                )
            )
        if k < 40:  # today's chairs
            at = now.replace(hour=8 + k % 9, minute=0, second=0, microsecond=0)
            sessions.append(
                Session(
                    course_id=courses[pid],
                    patient_id=pid,
                    scheduled_at=at,
                    chair=f"chair {k % 6}",
                    created_at=now,
                    updated_at=now,
                )
            )
    with transaction.atomic():
        Session.objects.bulk_create(sessions, batch_size=BATCH)
    per_patient = max(1, n_assessments // n_patients)
    span_days = 730
    rows: list[Any] = []
    made = 0
    for pid in patient_ids:
        level = rng.randint(10, 24)
        for j in range(per_patient):
            level = max(0, min(27, level + rng.randint(-3, 2)))
            items = [level // 9 + (1 if m < level % 9 else 0) for m in range(9)]
            items = [min(3, v) for v in items]
            at = now - dt.timedelta(days=span_days * (per_patient - j) / per_patient, hours=rng.randint(0, 8))
            rows.append(
                Assessment(
                    patient_id=pid,
                    course_id=courses[pid],
                    instrument_id="phq9",
                    instrument_version="2001",
                    item_values={f"q{m + 1}": v for m, v in enumerate(items)},
                    total=sum(items),
                    severity="",
                    administered_at=at,
                    created_at=now,
                )
            )
            if len(rows) >= BATCH:
                with transaction.atomic():
                    Assessment.objects.bulk_create(rows)
                made += len(rows)
                rows = []
    if rows:
        with transaction.atomic():
            Assessment.objects.bulk_create(rows)
        made += len(rows)
    alerts = [
        Alert(
            patient_id=pid,
            kind="suicide_item",
            level="critical",
            rule="phq9:phq9.item9_positive",
            source="kroenke-2001",
            message="PHQ-9 item 9 above 0 (synthetic)",
            object_key=f"bench:{pid}",
            raised_at=now - dt.timedelta(hours=pid % 48),
        )
        for pid in patient_ids[: max(10, n_patients // 20)]
    ]
    with transaction.atomic():
        Alert.objects.bulk_create(alerts, batch_size=BATCH)
        signed = Session.objects.filter(patient__clinic=clinic, status="signed").order_by("-scheduled_at")[:200]
        RemsRecord.objects.bulk_create([_rems_row(s, clinic, now) for s in signed.select_related("patient")])
    return {
        "clinic_id": clinic.pk,
        "nurse_id": nurse.pk,
        "patient_ids": patient_ids,
        "assessments": made,
        "seed_s": time.perf_counter() - started,
    }


def _pages(seeded: dict[str, Any]) -> dict[str, Any]:
    """Name -> callable(rng) giving a URL; a page whose URL is not (yet) routed is left out."""
    from django.urls import NoReverseMatch, reverse

    from ketamine_trd.clinic.records.models import Session

    ids = seeded["patient_ids"]
    session_ids = list(
        Session.objects.filter(patient_id__in=ids[:500]).values_list("id", flat=True).order_by("id")[:500]
    )
    pages: dict[str, Any] = {}
    try:
        url = reverse("records:patient_list")
        pages["patient list"] = lambda rng: url
    except NoReverseMatch:
        pass
    pages["patient page with chart"] = lambda rng: reverse("measurement:patient", args=[rng.choice(ids)])
    for name in ("records:session_detail", "records:session", "records:session_chart"):
        try:
            reverse(name, args=[session_ids[0]])
        except NoReverseMatch:
            continue
        pages["session view"] = lambda rng, name=name: reverse(name, args=[rng.choice(session_ids)])
        break
    pages["dashboard"] = lambda rng: reverse("measurement:dashboard")
    return pages


def _measure(seeded: dict[str, Any], requests: int) -> dict[str, Any]:
    from django.test import Client

    from ketamine_trd.clinic.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=seeded["nurse_id"]))
    rng = random.Random(SEED)
    out: dict[str, Any] = {}
    for name, make_url in _pages(seeded).items():
        for _ in range(3):  # warm caches and the connection
            client.get(make_url(rng))
        times, statuses = [], set()
        for _ in range(requests):
            url = make_url(rng)
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            statuses.add(response.status_code)
        times.sort()
        out[name] = {
            "p50_ms": statistics.median(times),
            "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "n": len(times),
            "statuses": sorted(statuses),
        }
    return out


def child(quick: bool, db: str) -> dict[str, Any]:
    from django.utils import timezone

    sizes = SIZES[quick]
    with tempfile.TemporaryDirectory(prefix="ktrd-bench-") as data_dir:
        _setup(data_dir)
        from django.db import connection

        now = timezone.now()
        seeded = _seed(sizes["patients"], sizes["assessments"], now)
        results = _measure(seeded, sizes["requests"])
        return {
            "db": db,
            "vendor": connection.vendor,
            "patients": len(seeded["patient_ids"]),
            "assessments": seeded["assessments"],
            "seed_s": seeded["seed_s"],
            "pages": results,
        }


# --------------------------------------------------------------------------- parent: run children, write Markdown


def _run_child(quick: bool, db: str) -> dict[str, Any] | str:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if db == "postgresql":
        env["DATABASE_URL"] = os.environ["KTRD_BENCH_DATABASE_URL"]
    env["DJANGO_SETTINGS_MODULE"] = "ketamine_trd.clinic.settings"
    env.setdefault("KTRD_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    cmd = [sys.executable, str(HERE), "--child", db] + (["--quick"] if quick else [])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=7200)
    if done.returncode != 0:
        return f"failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(result: dict[str, Any]) -> str:
    lines = ["| Page | p50 (ms) | p95 (ms) | requests | p95 < 100 ms | HTTP |", "|---|---:|---:|---:|---|---|"]
    for name, r in result["pages"].items():
        ok = "yes" if r["p95_ms"] < TARGET_MS else "**no**"
        statuses = ", ".join(str(s) for s in r["statuses"])
        lines.append(f"| {name} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['n']} | {ok} | {statuses} |")
    return "\n".join(lines)


def run(quick: bool) -> str:
    """The Markdown section for docs/benchmarks.md."""
    sizes = SIZES[quick]
    parts = [
        "## Clinic application: page latency",
        "",
        f"One clinic with {sizes['patients']:,} synthetic patients and {sizes['assessments']:,} PHQ-9 assessments "
        "(plus 4 signed sessions per patient, 40 sessions today, open alerts and REMS records), seeded with "
        "`bulk_create`; pages requested through Django's test client in process as a signed-in nurse "
        f"({sizes['requests']} requests per page on random patients after 3 warm-up requests; every read is "
        "audited, so each request also writes one audit row). Target: p95 under 100 ms.",
        "",
    ]
    dbs = ["sqlite"] + (["postgresql"] if os.environ.get("KTRD_BENCH_DATABASE_URL") else [])
    for db in dbs:
        result = _run_child(quick, db)
        title = "SQLite (WAL, file in a temporary data folder)" if db == "sqlite" else "PostgreSQL"
        if isinstance(result, str):
            parts += [f"### {title}", "", result, ""]
            continue
        parts += [
            f"### {title}",
            "",
            f"Seeded {result['patients']:,} patients and {result['assessments']:,} assessments in "
            f"{result['seed_s']:.0f} s.",
            "",
            _table(result),
            "",
        ]
    if "postgresql" not in dbs:
        parts += ["### PostgreSQL", "", "Skipped: set `KTRD_BENCH_DATABASE_URL=postgres://user@host:port/db`.", ""]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", choices=["sqlite", "postgresql"])
    parser.add_argument("--patients", type=int, help="ad-hoc size (child only)")
    parser.add_argument("--assessments", type=int, help="ad-hoc size (child only)")
    args = parser.parse_args()
    if args.patients or args.assessments:
        SIZES[args.quick] = {
            **SIZES[args.quick],
            "patients": args.patients or 1000,
            "assessments": args.assessments or 1000,
        }
    if args.child:
        print(json.dumps(child(args.quick, args.child)))
    else:
        print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
