"""``ktrd demo`` seeds a synthetic clinic once (fixed seed) and ``ktrd serve`` serves it with waitress."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from ketamine_trd.cli import main
from ketamine_trd.clinic.demo import ROLES, ensure_demo_clinic
from ketamine_trd.clinic.records.models import Course, Patient, RemsRecord, Session


def test_demo_clinic_spreads_patients_over_phases_and_is_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    first = ensure_demo_clinic(seed=7, patients=10)
    assert first.created and first.counts["patients"] == 10
    phases = set(Course.objects.values_list("phase", flat=True))
    assert {"evaluation", "induction", "maintenance", "ended"} <= phases
    assert Session.objects.filter(status="signed").exists() and RemsRecord.objects.exists()
    assert all(Patient.objects.values_list("synthetic", flat=True))
    assert [login[0] for login in first.logins] == list(ROLES)
    again = ensure_demo_clinic(seed=7, patients=10)
    assert not again.created and again.counts == first.counts


def test_demo_refuses_a_bad_port_before_doing_anything(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo", "--no-serve", "--port", "70000"]) == 2
    assert "port" in capsys.readouterr().err


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_")) and k != "DATABASE_URL"}
    env["KTRD_DATA_DIR"] = str(data_dir)
    return env


@pytest.mark.slow
def test_ktrd_demo_command_seeds_a_fresh_data_dir_once(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "ketamine_trd", "demo", "--no-serve", "--patients", "4", "--json"]
    done = subprocess.run(cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["created"] is True and body["counts"]["patients"] == 4
    assert "patient 4 of 4" in done.stderr  # seeding progress on standard error, never in the JSON
    assert {login["role"] for login in body["logins"]} == set(ROLES)
    assert (tmp_path / "ktrd.sqlite3").exists()
    again = subprocess.run(cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0 and json.loads(again.stdout)["created"] is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_ktrd_serve_serves_the_login_page_and_static_files_with_waitress(tmp_path: Path) -> None:
    port = _free_port()
    cmd = [sys.executable, "-m", "ketamine_trd", "serve", "--port", str(port), "--data-dir", str(tmp_path)]
    server = subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as page:  # noqa: S310
                    assert page.status == 200 and b"Sign in" in page.read()
                    assert page.headers.get("Server") == "ketamine-trd"  # waitress ident set by runner.serve
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/static/clinic/clinic.css", timeout=5) as css:  # noqa: S310
            assert css.status == 200 and b"synthetic-banner" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_demo_clinic_shows_an_overridden_contraindication_and_an_overridden_dose(db) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.demo import CONTRAINDICATION_REASON, DOSE_REASON

    ensure_demo_clinic(seed=7, patients=10)
    course = Course.objects.get(gate_override_reason=CONTRAINDICATION_REASON)
    assert [f["rule_id"] for f in course.gate_findings["findings"]] == ["gate-screening-not-eligible"]
    assert course.product == "esketamine-nasal" and course.gate_overridden_by is not None
    dosed = Session.objects.get(dose_override_reason=DOSE_REASON)
    assert dosed.dose_check["overridden"] is True and dosed.mg_per_kg == Decimal("0.75")
    assert {f["rule_id"] for f in dosed.dose_check["findings"]} == {"dose-off-plan"}
    # every charted session was signed (the demo's doses pass the checks), and the REMS contact is one person
    assert not Session.objects.filter(dosed_at__isnull=False).exclude(status="signed").exists()
    record = RemsRecord.objects.first()
    assert record is not None and record.fields["contact"]["hcp_email"] == "demo-nurse@example.org"


def _phq9_report(patient: Patient):  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic.measurement import trajectory
    from ketamine_trd.clinic.measurement.models import Assessment

    rows = list(Assessment.objects.filter(patient=patient, instrument_id="phq9", total__isnull=False)
                .order_by("administered_at", "id").values_list("administered_at", "total"))  # fmt: skip
    doses = trajectory.dose_records(patient)
    return rows, doses, trajectory.evaluate("phq9", rows, doses, zone=trajectory.clinic_zone(patient))


def test_demo_clinic_runs_in_new_york_and_books_at_local_hours(db) -> None:  # type: ignore[no-untyped-def]
    import zoneinfo

    from ketamine_trd.clinic.accounts.models import Clinic
    from ketamine_trd.clinic.measurement.models import Assessment

    seen: list[tuple[int, int]] = []
    ensure_demo_clinic(seed=7, patients=10, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 10) for n in range(1, 11)]
    clinic = Clinic.objects.get(slug="demo")
    assert clinic.time_zone == "America/New_York"
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    doses = Session.objects.filter(dosed_at__isnull=False).values_list("dosed_at", flat=True)
    assert doses and all(9 <= at.astimezone(zone).hour < 12 for at in doses)  # the clinic's morning, not UTC's
    # staff-entered scores at the chair (patient-reported ones come at any hour: clinic.selfreport)
    scores = Assessment.objects.filter(patient_report__isnull=True).values_list("administered_at", flat=True)
    assert scores and all(at.astimezone(zone).strftime("%H:%M") == "08:45" for at in scores)


@pytest.mark.slow
def test_demo_outcomes_follow_the_core_on_the_demo_scores(db) -> None:  # type: ignore[no-untyped-def]
    ensure_demo_clinic(seed=20260301, patients=50)
    courses = list(Course.objects.select_related("patient__clinic").filter(sessions__dosed_at__isnull=False)
                   .distinct())  # fmt: skip
    ended = [c for c in courses if c.phase == "ended"]
    assert courses and ended
    for course in courses:
        rows, doses, report = _phq9_report(course.patient)
        if not rows or not doses:
            continue
        first_dose = doses[0][0]
        before = [total for at, total in rows if at <= first_dose]
        assert before, f"patient {course.patient_id}: no score before the first dose"
        assert report is not None and report.baseline == float(before[-1])  # the last score before the first dose
        assert report.baseline == float(rows[0][1])  # and it is the first score of the course
    claims = 0
    for course in ended:
        _, _, report = _phq9_report(course.patient)
        sustained = report is not None and report.remission and any(
            e.type == "sustained_remission" for e in report.events
        )
        assert ("sustained remission" in course.end_reason) == sustained, (course.patient_id, course.end_reason)
        claims += sustained
    reasons = {c.end_reason for c in ended}
    assert claims >= 1 and len(reasons) >= 2  # the demo shows both kinds of ending, each as its scores say
