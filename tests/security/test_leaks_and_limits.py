"""Issue 16, item 11: no-store on patient data, formula cells, no patient data in logs, an atomic lockout,
private files. Controls: OWASP ASVS 4.0 V8.2.1 (no caching of sensitive data), V5.3 (CSV injection), V7.1.1
(no PHI in logs), V2.2.1 (anti-automation), HIPAA 164.312(a)(1) access control of stored files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.templatetags.static import static
from django.utils import timezone

from ketamine_trd.clinic.records.services import signing
from tests.clinic.builders import make_patient, make_session, make_treated_course
from tests.clinic.conftest import people  # noqa: F401  (the personas fixture)
from tests.clinic.test_sessions import _chart_complete_esketamine_session
from tests.security.test_logs import app_log  # noqa: F401  (the project's handlers into a buffer)

from ._http import Browser
from ._proc import app_env, free_port, run_python, seed
from ._server import running_server

PASSWORD = "limits-test-password-2026"  # nosec B105 - test fixture


def _signed(people, patient):  # type: ignore[no-untyped-def]  # noqa: F811
    people.clinic.address, people.clinic.phone = "1 Harbour Road", "555-0100"
    people.clinic.save()
    people.prescriber.email = "p@example.org"
    people.prescriber.save()
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=1, hours=3)
    session = make_session(make_treated_course(patient, people.prescriber), scheduled_at=t0 - dt.timedelta(minutes=30))
    _chart_complete_esketamine_session(people, session, t0)
    outcome = signing.sign_session(people.prescriber, session.pk, now=t0 + dt.timedelta(hours=2, minutes=10))
    assert outcome.rems_record is not None
    return outcome.rems_record


# --- Cache-Control: no-store on every response with patient data ---------------------------------------------


@pytest.mark.django_db
def test_every_patient_data_response_is_no_store(people) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    patient = make_patient(people.clinic)
    row = _signed(people, patient)
    nurse, desk = people.client("nurse"), people.client("front_desk")
    for client, url in (
        (nurse, f"/patients/{patient.pk}/"),
        (nurse, f"/api/patients/{patient.pk}"),
        (nurse, f"/patients/{patient.pk}/progress-report.pdf"),
        (nurse, f"/rems/{row.pk}.pdf"),
        (desk, "/rems/export.csv"),
        (nurse, f"/api/patients/{patient.mrn}/fhir"),
        (nurse, "/api/patients?q=Doe"),
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "no-store" in response["Cache-Control"], (url, response.get("Cache-Control"))
    # a public asset (a static file, served by WhiteNoise above the no-store middleware) keeps its caching
    plotly = nurse.get(static("vendor/plotly.min.js"))
    assert plotly.status_code == 200 and "no-store" not in plotly["Cache-Control"]


# --- REMS CSV: formula cells, tab and CR included ------------------------------------------------------------


@pytest.mark.django_db
def test_rems_csv_prefixes_cells_starting_with_tab_or_cr(people) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    patient = make_patient(people.clinic, given_name="\t=HYPERLINK(1)", family_name="\r=1+2")
    _signed(people, patient)
    response = people.client("front_desk").get("/rems/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'\t=HYPERLINK(1)" in cells and "'\r=1+2" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --- no patient data in logs ---------------------------------------------------------------------------------


def test_an_exception_quoting_patient_data_is_logged_without_it(app_log: io.StringIO) -> None:  # noqa: F811
    stored = "Ada Quartermaine · MRN XSS-1 · born 1985-05-05"  # as a library quotes a stored value
    try:
        raise ValueError(f"paragraph text {stored!r} caused exception")
    except ValueError:
        logging.getLogger("django.request").error("Internal Server Error: %s", "/patients/7/report.pdf", exc_info=True)
    logging.getLogger("django.request").warning("Forbidden: %s", "/api/patients/DEMO-0003/fhir")
    text = app_log.getvalue()
    for secret in ("Quartermaine", "XSS-1", "1985-05-05", "DEMO-0003"):
        assert secret not in text, secret
    assert "ValueError: [redacted]" in text and "/patients/7/report.pdf" in text


@pytest.mark.django_db
def test_a_forbidden_fhir_export_logs_no_mrn(people, app_log: io.StringIO) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    patient = make_patient(people.clinic, mrn="MRN-PATHLOG-9")
    assert people.client("researcher").get(f"/api/patients/{patient.mrn}/fhir").status_code == 403
    assert people.client("nurse").get("/api/patients/NO-SUCH-MRN-4/fhir").status_code == 404
    text = app_log.getvalue()
    assert "MRN-PATHLOG-9" not in text and "NO-SUCH-MRN-4" not in text


# --- the lockout is counted atomically -----------------------------------------------------------------------

PASSWORD_CHECKS = """
import json, django
django.setup()
from ketamine_trd.clinic.audit.models import AuditEvent
rows = [[e.action, e.detail] for e in AuditEvent.objects.filter(action__in=["login", "login_failed"])]
print(json.dumps(rows))
"""


def _pg_database(suffix: str) -> tuple[str | None, str | None]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None, None
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "ktrd_lock_{suffix}"')
    return admin, parsed._replace(path=f"/ktrd_lock_{suffix}").geturl()


@pytest.mark.slow
def test_21_concurrent_logins_get_no_more_password_checks_than_the_lockout(tmp_path: Path) -> None:
    import secrets

    suffix = secrets.token_hex(4)
    admin, url = _pg_database(suffix)
    extra = {"DATABASE_URL": url} if url else {}
    env = app_env(tmp_path / "data", KTRD_LOCKOUT_MAX_FAILURES="5", **extra)
    try:
        seed(env, PASSWORD, patients=0)
        port = free_port()
        with running_server(env, port, tmp_path / "server.log", "--threads", "8"):
            browsers = [Browser(port) for _ in range(21)]
            tokens = []
            for browser in browsers:  # every client holds its form and token before the burst
                _, _, page = browser.get("/accounts/login/")
                tokens.append(page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
            gate, statuses = threading.Barrier(20), []

            def attempt(i: int) -> None:  # 20 wrong passwords at once, as an attacker's burst
                gate.wait()
                form = {"username": "nurse-1", "password": f"wrong-password-{i:02d}", "csrfmiddlewaretoken": tokens[i]}
                statuses.append(browsers[i].request("POST", "/accounts/login/", form)[0])

            threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            # then the right password, as the finding's 21st login: refused, the name is locked
            form = {"username": "nurse-1", "password": PASSWORD, "csrfmiddlewaretoken": tokens[20]}
            statuses.append(browsers[20].request("POST", "/accounts/login/", form)[0])
        done = run_python(PASSWORD_CHECKS, env)
        assert done.returncode == 0, done.stderr[-2000:]
        events = json.loads(done.stdout.strip().splitlines()[-1])
        checked = [e for e in events if e[0] == "login" or e[1] != "locked"]
        assert len(statuses) == 21 and set(statuses) == {401}, statuses
        assert len(checked) <= 5, events  # before: 10 passwords were checked against a lockout of 5
        assert [e for e in events if e[1] == "locked"], events  # the rest were refused by the lock
    finally:
        if admin:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "ktrd_lock_{suffix}" WITH (FORCE)')


# --- files ktrd creates are private ----------------------------------------------------------------------------


@pytest.mark.slow
def test_database_exports_and_backups_are_private_under_a_permissive_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = app_env(data)
    seed(env, PASSWORD, patients=2)
    fresh = tmp_path / "fresh"
    outputs = tmp_path / "out"

    def ktrd022(*args: str, env: dict[str, str] = env, code: int = 0) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "ketamine_trd.cli", *args], env=env, capture_output=True, text=True,
            timeout=180, preexec_fn=lambda: os.umask(0o022),  # noqa: PLW1509
        )  # fmt: skip
        assert done.returncode == code, done.stderr

    ktrd022("fhir", "export", "--all", "--out", str(outputs / "bundle.json"), "--data-dir", str(data))
    ktrd022("audit", "export", "--out", str(outputs / "audit.csv"), "--data-dir", str(data))
    ktrd022("backup", "--out", str(outputs / "b" / "clinic.sqlite3"), "--data-dir", str(data))
    # a new data folder: the database is created 0600 in a 0700 folder (the export then finds no clinic: exit 2)
    ktrd022("fhir", "export", "--all", "--out", str(tmp_path / "x.json"), env=app_env(fresh), code=2)
    for path in (outputs / "bundle.json", outputs / "audit.csv", outputs / "b" / "clinic.sqlite3",
                 outputs / "b" / "clinic.sqlite3.sha256", fresh / "ktrd.sqlite3"):  # fmt: skip
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))
    for folder in (outputs / "b", fresh):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, (folder, oct(folder.stat().st_mode))
