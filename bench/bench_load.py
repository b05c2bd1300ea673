"""Clinic under load: the production server on loopback, driven by wrk, beside the bare-Django ceiling.

For each database (SQLite in WAL mode; PostgreSQL when ``KTRD_BENCH_DATABASE_URL`` names a server database to create
scratch databases beside), the benchmark seeds one clinic with the clinic benchmark's own seeding
(``bench_clinic._seed``: 10,000 patients and 1,000,000 assessments; ``--quick``: 300 and 6,000), serves it with
``ktrd serve`` (waitress, 8 threads; one process and the default ``--workers auto``), signs a nurse and a front-desk
user in over HTTP, and drives each main page and API read with Debian's ``wrk`` (``apt-get install -y wrk``) at 1, 4
and 16 connections. Beside it, in the same run, a bare Django 5.2 + django-ninja app (``bench/_ceiling.py``) served
by waitress with the same threads answers the same paths with the same bytes: the ceiling. Runs are interleaved
(project, baseline, ceiling for each page and connection count, ``rounds`` times) and the table shows medians.

A baseline tree (an older checkout, e.g. ``git worktree add /tmp/ktrd-main main``) given by
``KTRD_BENCH_BEFORE=/tmp/ktrd-main`` is seeded and served the same way (its own code, its own database) and
measured in the same rounds: the "before" columns.

Usage: ``python bench/run.py --only load [--quick]`` or ``python bench/bench_load.py [--quick]``.
``KTRD_BENCH_LOAD_SECONDS`` (default 4) and ``KTRD_BENCH_LOAD_ROUNDS`` (default 3) size the runs;
``KTRD_BENCH_LOAD_PATIENTS`` and ``KTRD_BENCH_LOAD_ASSESSMENTS`` the seeded clinic; ``KTRD_BENCH_LOAD_PAGES``
(comma-separated page names) measures only those pages.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
PASSWORD = "bench-load-password-2026"  # nosec B105 - synthetic benchmark users
SIZES = {True: (300, 6_000), False: (10_000, 1_000_000)}
CONNECTIONS = (1, 4, 16)
THREADS = 8
sys.path.insert(0, str(REPO / "src"))
from ketamine_trd.clinic.runner import check_workers  # noqa: E402 - light: the CLI's own rule, no Django

#: plain ``ktrd serve`` (ADR 0020): ``--workers auto``, one process per usable core, each with the default 8 threads
WORKERS, WORKER_THREADS = check_workers("auto"), THREADS
#: name -> (who, how the paths are made, kind); ``{p}`` a patient id, ``{s}`` a session id, ``{k}`` 1..20
PAGES: dict[str, tuple[str, str, str]] = {
    "API: one patient": ("nurse", "/api/patients/{p}", "api"),
    "API: patient search": ("nurse", "/api/patients?q=Synthetic0{k:02d}&limit=20", "api"),
    "page: patient list": ("front_desk", "/patients/?page={k}", "page"),
    "page: patient": ("nurse", "/patients/{p}/", "page"),
    "page: today's sessions": ("front_desk", "/sessions/today/", "page"),
    "page: chair-side session": ("nurse", "/sessions/{s}/", "page"),
    "page: dashboard": ("nurse", "/", "page"),
}


def _chosen(pages: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """``KTRD_BENCH_LOAD_PAGES`` (comma-separated names, e.g. ``page: dashboard``) re-measures those pages alone,
    beside the same ceiling, floor and baseline; unset: every page. An unknown name is refused, naming it."""
    wanted = [name.strip() for name in os.environ.get("KTRD_BENCH_LOAD_PAGES", "").split(",") if name.strip()]
    unknown = [name for name in wanted if name not in pages]
    if unknown:
        print(f"KTRD_BENCH_LOAD_PAGES: unknown page {unknown[0]!r} (allowed: {', '.join(pages)})", file=sys.stderr)
        raise SystemExit(2)
    return {name: pages[name] for name in wanted} if wanted else pages


PAGES = _chosen(PAGES)
LUA = """
local paths = {PATHS}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"bad":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""

SEED = """
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("bench_clinic", BENCH_CLINIC)
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)
bench._setup(DATA_DIR)
from django.utils import timezone
from ketamine_trd.clinic.accounts.models import User
from ketamine_trd.clinic.records.models import Session
now = timezone.now()
seeded = bench._seed(PATIENTS, ASSESSMENTS, now)
nurse = User.objects.get(pk=seeded["nurse_id"])
nurse.set_password(PASSWORD); nurse.save()
desk = User.objects.create_user(nurse.username.replace("nurse", "desk"), password=PASSWORD, role="front_desk",
                                clinic_id=seeded["clinic_id"])
today = list(Session.objects.filter(patient__clinic_id=seeded["clinic_id"], scheduled_at__date=now.date())
             .values_list("id", flat=True)[:40])
print(json.dumps({"patients": seeded["patient_ids"][:200], "sessions": today, "nurse": nurse.username,
                  "front_desk": desk.username, "seed_s": seeded["seed_s"], "assessments": seeded["assessments"]}))
"""


def _size(quick: bool) -> tuple[int, int]:
    """Patients and assessments: the clinic benchmark's sizes, or ``KTRD_BENCH_LOAD_PATIENTS``/``_ASSESSMENTS``."""
    patients, assessments = SIZES[quick]
    return (int(os.environ.get("KTRD_BENCH_LOAD_PATIENTS", patients)),
            int(os.environ.get("KTRD_BENCH_LOAD_ASSESSMENTS", assessments)))  # fmt: skip


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tree: Path, data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(tree / "src"), KTRD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE=
               "ketamine_trd.clinic.settings", KTRD_ALLOWED_HOSTS="127.0.0.1,localhost")  # fmt: skip
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


class Target:
    """One server under test: the project from a source tree, or the ceiling."""

    def __init__(self, name: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.name, self.port, self.process, self.log = name, port, process, log
        self.cookies: dict[str, str] = {}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _start(name: str, cmd: list[str], env: dict[str, str], port: int, log: Path) -> Target:
    handle = log.open("ab")
    process = subprocess.Popen(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    target = Target(name, port, process, log)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            _get(port, "/accounts/login/" if name != "ceiling" else "/", {})
            return target
        except OSError:
            time.sleep(0.3)
    target.stop()
    raise RuntimeError(f"{name} server did not start")


def _get(port: int, path: str, cookies: dict[str, str]) -> tuple[int, str, bytes, list[tuple[str, str]]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read(), response.getheaders()
    finally:
        conn.close()


def _login(port: int, username: str) -> dict[str, str]:
    """Sign in through the login form (CSRF token and all); returns the cookies."""
    cookies: dict[str, str] = {}

    def keep(headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]

    _, _, page, headers = _get(port, "/accounts/login/", {})
    keep(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()
                      if token else ""})  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Host": "127.0.0.1", "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Referer": f"http://127.0.0.1:{port}/",
    })  # fmt: skip
    response = conn.getresponse()
    response.read()
    keep(response.getheaders())
    conn.close()
    if response.status != 302:
        raise RuntimeError(f"login of {username} answered {response.status}")
    return cookies


def _paths(template: str, ids: dict[str, Any]) -> list[str]:
    patients, sessions = ids["patients"][:50] or [0], ids["sessions"][:40] or [0]
    return [template.format(p=patients[n % len(patients)], s=sessions[n % len(sessions)], k=1 + n % 20)
            for n in range(50)]  # fmt: skip


def _wrk(port: int, paths: list[str], cookies: dict[str, str], conns: int, seconds: int, work: Path) -> dict[str, Any]:
    script = work / f"wrk-{secrets.token_hex(4)}.lua"
    script.write_text(LUA.replace("{PATHS}", "{" + ", ".join(json.dumps(p) for p in paths) + "}"), encoding="utf-8")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    cmd = ["wrk", f"-t{min(conns, 2)}", f"-c{conns}", f"-d{seconds}s", "--timeout", "20s", "-s", str(script),
           "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    script.unlink()
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk said: {done.stdout[-500:]} {done.stderr[-500:]}")
    out = json.loads(line[4:])
    out["rps"] = out["requests"] / (out["duration_us"] / 1e6)
    return out


def _scratch_database(db: str, stack: ExitStack) -> str | None:
    """A new PostgreSQL database beside ``KTRD_BENCH_DATABASE_URL``, dropped when ``stack`` closes (None for SQLite)."""
    if db != "postgresql":
        return None
    import psycopg

    base = urlparse(os.environ["KTRD_BENCH_DATABASE_URL"])
    name = f"ktrd_load_{secrets.token_hex(4)}"
    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    stack.callback(drop)
    return base._replace(path=f"/{name}").geturl()


def _seed_tree(tree: Path, work: Path, db: str, quick: bool, stack: ExitStack) -> tuple[dict[str, str], dict[str, Any]]:
    data_dir = work / f"data-{tree.name}-{db}"
    env = _env(tree, data_dir, _scratch_database(db, stack))
    patients, assessments = _size(quick)
    code = (f"BENCH_CLINIC = {str(HERE.parent / 'bench_clinic.py')!r}\nDATA_DIR = {str(data_dir)!r}\n"
            f"PATIENTS = {patients}\nASSESSMENTS = {assessments}\nPASSWORD = {PASSWORD!r}\n" + SEED)  # fmt: skip
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=3600)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"seeding {tree} on {db} failed: {done.stderr[-2000:]}")
    return env, json.loads(done.stdout.strip().splitlines()[-1])


def measure(db: str, quick: bool, seconds: int, rounds: int) -> dict[str, Any]:
    """Seed, serve and drive every page on one database; returns the raw runs and the context.

    Servers: the project in one process (``after``: ``--workers 1``) and as plain ``ktrd serve`` serves it
    (``workers``: ``--workers auto``, one pre-forked process per usable core),
    the baseline tree when given (``before``, one process), and the ceiling and the floor in both arrangements
    (``ceiling``, ``ceiling-workers``, ``floor``, ``floor-workers``): each ratio compares like with like.
    """
    trees = [("after", REPO)]
    if os.environ.get("KTRD_BENCH_BEFORE"):
        trees.append(("before", Path(os.environ["KTRD_BENCH_BEFORE"]).resolve()))
    runs: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="ktrd-load-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        targets: dict[str, Target] = {}
        ids: dict[str, dict[str, Any]] = {}
        for label, tree in trees:
            env, ids[label] = _seed_tree(tree, work, db, quick, stack)
            serve = [sys.executable, "-m", "ketamine_trd.cli", "serve"]
            one = ["--threads", str(THREADS)] if label == "before" else ["--workers", "1", "--threads", str(THREADS)]
            arrangements = [(label, one)]  # a baseline tree served as it was measured: one process
            if label == "after":
                arrangements.append(("workers", ["--threads", str(WORKER_THREADS)]))  # the default: auto
            for name, extra in arrangements:
                port = _port()
                targets[name] = _start(name, [*serve, "--port", str(port), *extra], env, port, work / f"{name}.log")
                stack.callback(targets[name].stop)
                ids[name] = ids[label]
        sessions = {label: {who: _login(t.port, ids[label][who]) for who in ("nurse", "front_desk")}
                    for label, t in targets.items()}  # fmt: skip
        recorded: dict[str, list[Any]] = {}
        for who, template, _ in PAGES.values():
            for path in _paths(template, ids["after"]):
                status, ctype, body, _ = _get(targets["after"].port, path, sessions["after"][who])
                recorded[path] = [status, ctype, base64.b64encode(body).decode()]
        table = work / "responses.json"
        table.write_text(json.dumps(recorded), encoding="utf-8")
        ceilings: dict[str, Target] = {}
        for name, (threads, workers) in {"ceiling": (THREADS, 1), "ceiling-workers": (WORKER_THREADS, WORKERS)}.items():
            port = _port()
            cmd = [sys.executable, str(HERE.parent / "_ceiling.py"), str(table), str(port), str(threads), str(workers)]
            ceilings[name] = _start("ceiling", cmd, _env(REPO, work / "none", None), port, work / f"{name}.log")
            stack.callback(ceilings[name].stop)
        for name, (threads, workers) in {"floor": (THREADS, 1), "floor-workers": (WORKER_THREADS, WORKERS)}.items():
            port, floor_dir = _port(), work / name
            cmd = [sys.executable, str(HERE.parent / "_floor.py"), str(table), str(port), str(threads), str(workers),
                   str(floor_dir)]  # fmt: skip
            floor_env = _env(REPO, floor_dir, _scratch_database(db, stack))
            ceilings[name] = _start(name, cmd, floor_env, port, work / f"{name}.log")
            stack.callback(ceilings[name].stop)
            cookies = json.loads((floor_dir / "cookies.json").read_text())
            sessions[name] = {"nurse": cookies, "front_desk": cookies}
        for label, target in [*targets.items(), *ceilings.items()]:  # warm every worker of every server first
            for who, template, _ in PAGES.values():
                cookies = sessions[label][who] if label in sessions else {}
                _wrk(target.port, _paths(template, ids.get(label, ids["after"])), cookies, 4, 1, work)
        load_before = os.getloadavg()
        for _ in range(rounds):
            for page, (who, template, _) in PAGES.items():
                for conns in CONNECTIONS:
                    for label, target in [*targets.items(), *ceilings.items()]:
                        cookies = sessions[label][who] if label in sessions else {}
                        paths = _paths(template, ids.get(label, ids["after"]))
                        runs.setdefault((page, conns, label), []).append(
                            _wrk(target.port, paths, cookies, conns, seconds, work)
                        )
        load_after = os.getloadavg()
        logs = {label: t.log.read_text(errors="replace") for label, t in targets.items()}
    return {
        "runs": runs, "ids": ids, "load": (load_before, load_after), "trees": [t[0] for t in trees],
        "tracebacks": {label: text.count("Traceback") for label, text in logs.items()},
    }  # fmt: skip


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def _summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {
        "rps": _median([r["rps"] for r in runs]),
        "p50": _median([r["p50"] / 1000 for r in runs]),
        "p95": _median([r["p95"] / 1000 for r in runs]),
        "p99": _median([r["p99"] / 1000 for r in runs]),
        "bad": float(sum(r["bad"] + r["errors"] for r in runs)),
    }


def _section(db: str, result: dict[str, Any], quick: bool, seconds: int, rounds: int) -> list[str]:
    title = "SQLite (WAL, one file)" if db == "sqlite" else "PostgreSQL"
    before = "before" in result["trees"]
    seeded = result["ids"]["after"]
    (b1, b5, b15), (a1, a5, a15) = result["load"]
    head = ["| Page | conns | 1 process req/s | p50 ms | p95 ms | p99 ms | ratio | ceiling req/s | ceiling p95 ms "
            "| floor req/s | floor p95 ms | floor's ratio "
            f"| default, {WORKERS} workers req/s | p95 ms | ratio | ceiling req/s | ceiling p95 ms "
            "| floor req/s | floor p95 ms | floor's ratio |"]  # fmt: skip
    if before:
        head[0] += " before req/s | before p95 ms | before ratio |"
    head[0] += " non-2xx |"
    head.append("|" + "---|" * (head[0].count("|") - 1))
    lines = [f"### {title}", "",
             f"Seeded {_size(quick)[0]:,} patients and {seeded['assessments']:,} "
             f"assessments in {seeded['seed_s']:.0f} s. wrk {seconds} s per run, {rounds} interleaved round(s), "
             f"medians. Load average before {b1:.2f} {b5:.2f} {b15:.2f}, after {a1:.2f} {a5:.2f} {a15:.2f}. "
             f"Tracebacks in the server logs: {result['tracebacks']}.", "", *head]  # fmt: skip

    def summary(page: str, conns: int, label: str) -> dict[str, float]:
        return _summary(result["runs"][(page, conns, label)])

    for page in PAGES:
        for conns in CONNECTIONS:
            one, top = summary(page, conns, "after"), summary(page, conns, "ceiling")
            many, top_many = summary(page, conns, "workers"), summary(page, conns, "ceiling-workers")
            low, low_many = summary(page, conns, "floor"), summary(page, conns, "floor-workers")
            row = (f"| {page} | {conns} | {one['rps']:.0f} | {one['p50']:.1f} | {one['p95']:.1f} | {one['p99']:.1f} "
                   f"| {one['rps'] / top['rps']:.2f} | {top['rps']:.0f} | {top['p95']:.1f} "
                   f"| {low['rps']:.0f} | {low['p95']:.1f} | {low['rps'] / top['rps']:.2f} "
                   f"| {many['rps']:.0f} | {many['p95']:.1f} | {many['rps'] / top_many['rps']:.2f} "
                   f"| {top_many['rps']:.0f} | {top_many['p95']:.1f} "
                   f"| {low_many['rps']:.0f} | {low_many['p95']:.1f} "
                   f"| {low_many['rps'] / top_many['rps']:.2f} |")  # fmt: skip
            bad = f"{one['bad']:.0f} / {many['bad']:.0f}"
            if before:
                old = summary(page, conns, "before")
                row += f" {old['rps']:.0f} | {old['p95']:.1f} | {old['rps'] / top['rps']:.2f} |"
                bad += f" (before {old['bad']:.0f})"
            lines.append(row + f" {bad} |")
    lines.append("")
    for label, words in (("after", "one process"), ("workers", f"the default ({WORKERS} workers)")):
        growth = []
        for page in PAGES:
            first, last = (summary(page, c, label)["rps"] for c in (1, 16))
            growth.append(f"{page}: {last / first:.1f}x")
        lines += [f"Throughput at 16 connections over 1, {words}: " + "; ".join(growth) + ".", ""]
    gains = [f"{p}: {summary(p, 16, 'workers')['rps'] / summary(p, 16, 'after')['rps']:.1f}x" for p in PAGES]
    lines += [f"The default ({WORKERS} workers) over one process at 16 connections: " + "; ".join(gains) + ".", ""]
    return lines


def run(quick: bool) -> str:
    """The Markdown section for docs/benchmarks.md."""
    seconds = int(os.environ.get("KTRD_BENCH_LOAD_SECONDS", "2" if quick else "4"))
    rounds = int(os.environ.get("KTRD_BENCH_LOAD_ROUNDS", "1" if quick else "3"))
    parts = [
        "## Clinic under load: waitress on loopback, wrk, beside the bare-Django ceiling",
        "",
        "The clinic served by `ktrd serve` on 127.0.0.1 in two arrangements: one waitress process with 8 threads "
        f"(`--workers 1`) and plain `ktrd serve`, whose default `--workers auto` pre-forks one waitress process per "
        f"usable core ({WORKERS} here, {WORKER_THREADS} threads each; ADR 0020), on one port, signed in over HTTP "
        "as a nurse or the front desk, each page and API read driven by Debian's "
        "`wrk` over 50 rotating paths (random patients and today's sessions). The ceiling is a bare Django 5.2 + "
        "django-ninja app returning the same bytes (`bench/_ceiling.py`) under the same server arrangement (one "
        "process, or pre-forked the same way); ratio = project req/s / ceiling req/s in the same arrangement. "
        "The floor (`bench/_floor.py`) is the least an authenticated, audited read can cost on stock Django: "
        "database sessions and `AuthenticationMiddleware`, one raw read of the same bytes, one audit row inserted "
        "and committed (same database settings as the clinic) before the answer; floor's ratio = floor req/s / "
        "ceiling req/s, the best ratio any implementation that knows who asks and records the read could reach. "
        "Non-2xx counts one process / workers. Every worker is warmed before the timed runs. Goals (issue 17): "
        ">= 0.5 of the ceiling on API reads, >= 0.3 on pages, p95 < 150 ms at 4 connections, p95 within 2x of the "
        "ceiling's at 16, throughput growing from 1 to 16 connections, no errors. wrk, the servers and the "
        "database share the machine's cores.",
        "",
    ]
    if shutil.which("wrk") is None:
        return "\n".join([*parts, "Skipped: `wrk` is not installed (`apt-get install -y wrk`).", ""])
    dbs = ["sqlite"] + (["postgresql"] if os.environ.get("KTRD_BENCH_DATABASE_URL") else [])
    for db in dbs:
        try:
            result = measure(db, quick, seconds, rounds)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            parts += [f"### {db}", "", f"failed: {error}", ""]
            continue
        parts += _section(db, result, quick, seconds, rounds)
    if "postgresql" not in dbs:
        parts += ["### PostgreSQL", "", "Skipped: set `KTRD_BENCH_DATABASE_URL=postgres://user@host:port/db`.", ""]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
