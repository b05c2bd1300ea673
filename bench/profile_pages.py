"""CPU time per request of the clinic's main pages and API reads, in-process, beside the bare-Django ceiling.

Wall-clock load figures swing with whatever else runs on the machine; the CPU time a request costs its thread
(``time.thread_time``) hardly does. This harness seeds one modest clinic with the clinic benchmark's own seeding
(``bench_clinic._seed``; ``KTRD_BENCH_LOAD_PATIENTS``/``_ASSESSMENTS``, default 2,000 / 100,000), signs a nurse
and a front-desk user in with Django's test client, requests every page of ``bench_load.PAGES`` over the same
rotating paths, and prints the median CPU ms per request and the queries per request; then the same paths
against the ceiling app (``bench/_ceiling.py``: the recorded bytes, no middleware, no database) in a second
interpreter. ``--profile NAME`` adds cProfile's top entries for one page.

Usage: ``python bench/profile_pages.py [--repeat 30] [--profile "page: patient"] [--data DIR]``.
A ``--data`` folder that already holds a seeded clinic (``seed.json``) is reused.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import importlib.util
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))
import bench_load  # noqa: E402

PASSWORD = bench_load.PASSWORD


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE.parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _seed(data_dir: Path) -> dict[str, Any]:
    marker = data_dir / "seed.json"
    bench = _load("bench_clinic")
    bench._setup(str(data_dir))
    if marker.exists():
        return json.loads(marker.read_text())
    from django.utils import timezone

    from ketamine_trd.clinic.accounts.models import User
    from ketamine_trd.clinic.records.models import Session

    patients = int(os.environ.get("KTRD_BENCH_LOAD_PATIENTS", 2_000))
    assessments = int(os.environ.get("KTRD_BENCH_LOAD_ASSESSMENTS", 100_000))
    now = timezone.now()
    seeded = bench._seed(patients, assessments, now)
    nurse = User.objects.get(pk=seeded["nurse_id"])
    nurse.set_password(PASSWORD)
    nurse.save()
    desk = User.objects.create_user(nurse.username.replace("nurse", "desk"), password=PASSWORD,
                                    role="front_desk", clinic_id=seeded["clinic_id"])  # fmt: skip
    today = list(Session.objects.filter(patient__clinic_id=seeded["clinic_id"], scheduled_at__date=now.date())
                 .values_list("id", flat=True)[:40])  # fmt: skip
    ids = {"patients": seeded["patient_ids"][:200], "sessions": today, "nurse": nurse.username,
           "front_desk": desk.username}  # fmt: skip
    marker.write_text(json.dumps(ids))
    return ids


def measure(ids: dict[str, Any], repeat: int, profile: str | None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Client] = {}
    for who in ("nurse", "front_desk"):
        client = Client()
        if not client.login(username=ids[who], password=PASSWORD):
            raise RuntimeError(f"{who} could not sign in")
        clients[who] = client
    results: dict[str, Any] = {}
    recorded: dict[str, list[Any]] = {}
    for name, (who, template, _kind) in bench_load.PAGES.items():
        client = clients[who]
        paths = bench_load._paths(template, ids)
        for path in paths[:3]:  # warm: template loader, connection, caches
            client.get(path)
        cpu: list[float] = []
        queries: list[int] = []
        statuses: set[int] = set()
        for n in range(repeat):
            path = paths[n % len(paths)]
            with CaptureQueriesContext(connection) as captured:
                start = time.thread_time()
                response = client.get(path)
                cpu.append((time.thread_time() - start) * 1000)
            queries.append(len(captured))
            statuses.add(response.status_code)
            recorded[path] = [response.status_code, response.get("Content-Type", ""),
                              base64.b64encode(response.content).decode()]  # fmt: skip
        results[name] = {"cpu_ms": statistics.median(cpu), "queries": statistics.median(queries),
                         "max_queries": max(queries), "status": sorted(statuses), "paths": paths}  # fmt: skip
        if profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(repeat):
                client.get(paths[n % len(paths)])
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
    return results, recorded


CEILING = """
import json, statistics, sys, time
sys.path.insert(0, HERE)
import _ceiling
responses, pages = json.load(open(RESPONSES)), json.load(open(PAGES))
app = _ceiling.build(responses)
from django.test import Client
client = Client()
out = {}
for name, paths in pages.items():
    for p in paths[:3]:
        client.get(p)
    cpu = []
    for n in range(REPEAT):
        start = time.thread_time(); client.get(paths[n % len(paths)]); cpu.append((time.thread_time() - start) * 1000)
    out[name] = statistics.median(cpu)
print(json.dumps(out))
"""

#: the floor (``bench/_floor.py``: stock sessions and auth, one raw read, one durable audit insert) in process
FLOOR = (
    CEILING.replace("import _ceiling", "import _floor, pathlib")
    .replace(
        "app = _ceiling.build(responses)",
        "app = _floor.build(responses, pathlib.Path(WORK))\n"
        "client_cookies = json.load(open(pathlib.Path(WORK) / 'cookies.json'))",
    )
    .replace("client = Client()", "client = Client()\nfor k, v in client_cookies.items(): client.cookies[k] = v")
)


def ceiling(
    recorded: dict[str, list[Any]], pages: dict[str, list[str]], repeat: int, work: Path, template: str = CEILING
) -> dict[str, float]:
    """CPU ms per request of the ceiling (or, with ``template=FLOOR``, the floor on SQLite) in a second interpreter."""
    (work / "responses.json").write_text(json.dumps(recorded))
    used = {name: [p for p in paths if p in recorded] for name, paths in pages.items()}
    (work / "pages.json").write_text(json.dumps(used))
    floor_dir = work / "floor"
    floor_dir.mkdir(exist_ok=True)
    code = (template.replace("HERE", repr(str(HERE.parent))).replace("RESPONSES", repr(str(work / "responses.json")))
            .replace("PAGES", repr(str(work / "pages.json"))).replace("REPEAT", str(repeat))
            .replace("WORK", repr(str(floor_dir))))  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_", "DATABASE_URL"))}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", default=None, help="a page name of bench_load.PAGES to profile")
    parser.add_argument("--data", default=None, help="data folder (reused when it holds a seeded clinic)")
    parser.add_argument("--json", default=None, help="write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketamine_trd.clinic.settings")
    work = Path(args.data or tempfile.mkdtemp(prefix="ktrd-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ids = _seed(work)
    print(f"clinic ready in {time.perf_counter() - started:.0f} s ({work})", file=sys.stderr)
    results, recorded = measure(ids, args.repeat, args.profile)
    pages = {n: r["paths"] for n, r in results.items()}
    top = ceiling(recorded, pages, args.repeat, work)
    floor = ceiling(recorded, pages, args.repeat, work, FLOOR)
    from django.db import connection

    print(f"\n{connection.vendor}; median of {args.repeat} requests; load average {os.getloadavg()[0]:.2f}")
    print(
        "Floor: stock Django sessions and auth, one raw read, one durable audit insert, on SQLite "
        "(bench/_floor.py); ratio = ceiling CPU ms / CPU ms."
    )
    print("| Page | CPU ms/request | queries (max) | ceiling CPU ms | ratio | floor CPU ms | floor's ratio | status |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, row in results.items():
        ratio = top[name] / row["cpu_ms"] if row["cpu_ms"] else 0.0
        print(f"| {name} | {row['cpu_ms']:.1f} | {row['queries']:.0f} ({row['max_queries']}) | {top[name]:.2f} "
              f"| {ratio:.2f} | {floor[name]:.2f} | {top[name] / floor[name]:.2f} | {row['status']} |")  # fmt: skip
    if args.json:
        rows = {n: {k: v for k, v in r.items() if k != "paths"} for n, r in results.items()}
        Path(args.json).write_text(json.dumps({"results": rows, "ceiling": top, "floor": floor}))


if __name__ == "__main__":
    main()
