"""First chart page in a real browser with an empty cache: static files uncompressed (before) and compressed (after).

The chart page is a patient's measurement page (``/patients/<id>/measurement/``): the trajectory is drawn on the
server (inline SVG) and Plotly's 4.8 MB bundle loads only when the interactive chart is asked for; the benchmark
times both (the first chart shown, then a click and Plotly's chart drawn). One clinic is seeded with the clinic
benchmark's seeding (``bench_clinic._seed``, through ``bench_load``'s seed script: 200 patients, 20,000
assessments; ``--quick``: 50 and 2,000), then served twice by ``ktrd serve`` (waitress, 8 threads) from the same
data folder:

- **uncompressed**: Django's plain static storage, files served through the finders (what Plotly was before:
  4.8 MB on every first visit, no hashed name, a short cache lifetime);
- **compressed**: the project's settings (``clinic.static_files.ClinicStaticStorage``: hashed names, gzip and,
  with the ``brotli`` package, brotli; an immutable year-long cache header).

Each load is a fresh Playwright context of Debian's chromium (``KTRD_CHROMIUM`` or ``/usr/bin/chromium``): an
empty HTTP cache, signed in as a nurse by cookie (the login is not timed). Loads alternate between the two servers,
``KTRD_BENCH_PAGES_LOADS`` each (default 9; ``--quick`` 3); the table shows medians. Timed from the navigation
start: the HTML's first byte, the first contentful paint, the ``load`` event, and the first chart shown (the
server's SVG; Plotly's own on an older tree), then the time from a click on "Interactive chart" to Plotly's chart
drawn; bytes are what went over the wire (``transferSize``: headers and encoded
bodies) and Plotly's share of them. Two networks: loopback as is, and chromium's network emulation at 20 Mbit/s
down, 20 ms latency (a clinic's Wi-Fi).

A third row, ``KTRD_BENCH_PAGES_BEFORE=/path/to/older/tree`` (e.g. ``git archive <commit> | tar -x -C DIR``),
serves that tree's own code the same way (its own data folder and seeding).

Usage: ``python bench/run.py --only pages [--quick]`` or ``python bench/bench_pages.py [--quick]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import textwrap
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
CHROMIUM = os.environ.get("KTRD_CHROMIUM", "/usr/bin/chromium")
SIZES = {True: (50, 2_000), False: (200, 20_000)}
THREADS = 8
TARGET_MS = 1000.0
#: name -> chromium's Network.emulateNetworkConditions (None: loopback as is)
NETWORKS: dict[str, dict[str, Any] | None] = {
    "loopback": None,
    "20 Mbit/s, 20 ms": {
        "offline": False,
        "latency": 20,
        "downloadThroughput": 20e6 / 8,
        "uploadThroughput": 10e6 / 8,
    },  # fmt: skip
}
#: the "uncompressed" mode: the project's settings with Django's plain storage, served through the finders
PLAIN_SETTINGS = """
from ketamine_trd.clinic.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = DATA_DIR / "static-plain"
WHITENOISE_USE_FINDERS = True
"""
#: the first chart on screen: the server's inline SVG (since the chart is drawn on the server, Plotly loads only for
#: the interactive chart) or, on an older tree, Plotly's own SVG
CHART_DRAWN = ("() => document.querySelector('#trajectory-static svg') !== null"
               " || document.querySelector('#trajectory-chart .main-svg') !== null")
INTERACTIVE_DRAWN = "() => document.querySelector('#trajectory-chart .main-svg') !== null"
PLOTLY_BYTES = "() => performance.getEntriesByType('resource').filter(e => e.name.includes('plotly'))" \
    ".reduce((s, e) => s + e.transferSize, 0)"
MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const plotly = res.filter(e => e.name.includes('plotly'));
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {ttfb: nav.responseStart, fcp: paint ? paint.startTime : NaN, load: nav.loadEventEnd,
          drawn: performance.now(), plotly_end: plotly.length ? plotly[0].responseEnd : NaN,
          bytes: nav.transferSize + res.reduce((s, e) => s + e.transferSize, 0),
          plotly_bytes: plotly.reduce((s, e) => s + e.transferSize, 0),
          plotly_decoded: plotly.reduce((s, e) => s + e.decodedBodySize, 0), requests: 1 + res.length};
}"""


def _load_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE.parent / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


load = _load_module("bench_load")  # the seeding script, the server start and the HTTP login


def _seed(tree: Path, data_dir: Path, quick: bool) -> tuple[dict[str, str], dict[str, Any]]:
    import json
    import subprocess

    env = load._env(tree, data_dir, None)
    if os.environ.get("PYTHONPATH"):  # after the tree's own source: packages installed beside the venv (brotli)
        env["PYTHONPATH"] += os.pathsep + os.environ["PYTHONPATH"]
    patients, assessments = SIZES[quick]
    code = (f"BENCH_CLINIC = {str(HERE.parent / 'bench_clinic.py')!r}\nDATA_DIR = {str(data_dir)!r}\n"
            f"PATIENTS = {patients}\nASSESSMENTS = {assessments}\n"
            f"PASSWORD = {load.PASSWORD!r}\n" + load.SEED)  # fmt: skip
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=1800)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"seeding {tree} failed: {done.stderr[-2000:]}")
    return env, json.loads(done.stdout.strip().splitlines()[-1])


def _serve(label: str, env: dict[str, str], work: Path, stack: ExitStack) -> Any:
    port = load._port()
    cmd = [sys.executable, "-m", "ketamine_trd.cli", "serve", "--port", str(port), "--threads", str(THREADS)]
    started = time.monotonic()
    target = load._start(label, cmd, env, port, work / f"{label}.log")
    stack.callback(target.stop)
    target.start_s = time.monotonic() - started  # migrate + collectstatic (+ compressing) + first answer
    return target


def _one_load(browser: Any, port: int, cookies: dict[str, str], path: str, network: dict[str, Any] | None) -> Any:
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
        page = context.new_page()
        if network is not None:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", network)
        response = page.goto(base + path, wait_until="load", timeout=120_000)
        if response is None or response.status != 200:
            raise RuntimeError(f"{path} answered {response.status if response else 'nothing'}")
        page.wait_for_function(CHART_DRAWN, timeout=60_000, polling="raf")
        row = page.evaluate(MEASURE)
        button = page.locator("#trajectory-interactive")
        row["interactive"] = float("nan")
        if button.count():  # Plotly's interactive chart, on request: its download, parse and drawing
            clicked = page.evaluate("performance.now()")
            button.click()
            page.wait_for_function(INTERACTIVE_DRAWN, timeout=60_000, polling="raf")
            row["interactive"] = page.evaluate("performance.now()") - clicked
            row["plotly_bytes"] = page.evaluate(PLOTLY_BYTES)
        return row
    finally:
        context.close()


def measure(quick: bool) -> dict[str, Any]:
    """Seed, serve both modes (and a before tree when named), alternate empty-cache loads; raw figures."""
    from playwright.sync_api import sync_playwright

    loads = int(os.environ.get("KTRD_BENCH_PAGES_LOADS", "3" if quick else "9"))
    with tempfile.TemporaryDirectory(prefix="ktrd-pages-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        (work / "bench_pages_plain.py").write_text(PLAIN_SETTINGS, encoding="utf-8")
        env, ids = _seed(REPO, work / "data", quick)
        plain_env = {**env, "PYTHONPATH": f"{env['PYTHONPATH']}{os.pathsep}{work}",
                     "DJANGO_SETTINGS_MODULE": "bench_pages_plain"}  # fmt: skip
        modes = {"uncompressed": (plain_env, ids), "compressed": (env, ids)}
        if os.environ.get("KTRD_BENCH_PAGES_BEFORE"):
            before = Path(os.environ["KTRD_BENCH_PAGES_BEFORE"]).resolve()
            modes["before tree"] = _seed(before, work / "data-before", quick)
        targets = {label: _serve(label, mode_env, work, stack) for label, (mode_env, _) in modes.items()}
        cookies = {label: load._login(t.port, modes[label][1]["nurse"]) for label, t in targets.items()}
        paths = {label: f"/patients/{modes[label][1]['patients'][0]}/measurement/" for label in targets}
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
        load_before = os.getloadavg()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
            for label, target in targets.items():  # one untimed load each: server threads and connections warm
                _one_load(browser, target.port, cookies[label], paths[label], None)
            for _ in range(loads):
                for network_name, network in NETWORKS.items():
                    for label, target in targets.items():
                        runs.setdefault((label, network_name), []).append(
                            _one_load(browser, target.port, cookies[label], paths[label], network)
                        )
            browser.close()
        load_after = os.getloadavg()
        starts = {label: t.start_s for label, t in targets.items()}
    return {"runs": runs, "loads": loads, "load": (load_before, load_after), "starts": starts,
            "patients": SIZES[quick]}  # fmt: skip


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(row[key] for row in rows))


def _section(result: dict[str, Any]) -> list[str]:
    runs = result["runs"]
    lines = [
        "| Static files | Network | HTML first byte (ms) | First paint (ms) | `load` (ms) "
        "| Chart shown (ms) | min-max shown (ms) | Bytes before the chart | Requests | Shown < 1 s "
        "| Interactive chart after the click (ms) | Plotly bytes on the click |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for (label, network), rows in runs.items():
        drawn = [row["drawn"] for row in rows]
        lines.append(
            f"| {label} | {network} | {_median(rows, 'ttfb'):.0f} | {_median(rows, 'fcp'):.0f} "
            f"| {_median(rows, 'load'):.0f} "
            f"| {_median(rows, 'drawn'):.0f} | {min(drawn):.0f}-{max(drawn):.0f} | {_median(rows, 'bytes'):,.0f} "
            f"| {_median(rows, 'requests'):.0f} | {'yes' if _median(rows, 'drawn') < TARGET_MS else 'no'} "
            f"| {_median(rows, 'interactive'):.0f} | {_median(rows, 'plotly_bytes'):,.0f} |"
        )
    lines.append("")
    for network in NETWORKS:
        before, after = runs.get(("uncompressed", network)), runs.get(("compressed", network))
        if before and after:
            lines.append(
                f"- {network}: chart drawn {_median(before, 'drawn'):.0f} -> {_median(after, 'drawn'):.0f} ms "
                f"({_median(before, 'drawn') / _median(after, 'drawn'):.2f}x), bytes "
                f"{_median(before, 'bytes'):,.0f} -> {_median(after, 'bytes'):,.0f} "
                f"({_median(before, 'bytes') / _median(after, 'bytes'):.1f}x fewer)."
            )
    for (label, network), rows in runs.items():
        if label == "compressed":
            lines.append(
                f"- compressed, {network}: the server's chart (inline SVG) shown at {_median(rows, 'drawn'):.0f} ms; "
                f"Plotly's interactive chart drawn {_median(rows, 'interactive'):.0f} ms after the click "
                f"({_median(rows, 'plotly_bytes'):,.0f} bytes of Plotly, then chromium parsing its 4.8 MB)."
            )
    for network in NETWORKS:
        old, new = runs.get(("before tree", network)), runs.get(("compressed", network))
        if old and new:
            lines.append(
                f"- {network}, before tree -> compressed: first paint {_median(old, 'fcp'):.0f} -> "
                f"{_median(new, 'fcp'):.0f} ms, Plotly received {_median(old, 'plotly_end'):.0f} -> "
                f"{_median(new, 'plotly_end'):.0f} ms, chart drawn {_median(old, 'drawn'):.0f} -> "
                f"{_median(new, 'drawn'):.0f} ms."
            )
    met = [network for network in NETWORKS if _median(runs[("compressed", network)], "drawn") < TARGET_MS]
    lines.append(
        f"- Target (first chart shown under {TARGET_MS:.0f} ms, compressed): "
        + (f"met on {', '.join(met)}." if met else "not met in this run on either network.")
    )
    starts = ", ".join(f"{label} {seconds:.1f} s" for label, seconds in result["starts"].items())
    lb, la = result["load"]
    lines += [
        f"- Server start to first answer (migrate, collectstatic, compressing on a fresh folder): {starts}.",
        f"- Load average (1, 5, 15 min) at start {lb[0]:.2f} / {lb[1]:.2f} / {lb[2]:.2f}, at end "
        f"{la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f}: chromium, both servers and the database share the cores.",
        "",
    ]
    return lines


def run(quick: bool) -> str:
    """The Markdown section for docs/benchmarks.md."""
    patients, assessments = SIZES[quick]
    parts = [
        "## First chart page in chromium, empty cache: static files uncompressed and compressed",
        "",
        "A patient's measurement page (the trajectory drawn on the server; Plotly on request) in Debian's chromium "
        "at 1366x900, a fresh browser context per load (empty cache), signed in as a nurse; one clinic of "
        f"{patients:,} patients and "
        f"{assessments:,} assessments served by `ktrd serve` (waitress, {THREADS} threads) in two modes from one "
        f"data folder: *uncompressed* (Django's plain storage through the finders: the Plotly bundle as it was "
        f"served before) and *compressed* (WhiteNoise's compressed manifest storage: hashed names, gzip/brotli, "
        f"immutable caching). Loads alternate between the modes; medians. Times from the navigation start. "
        f"Target: chart drawn under {TARGET_MS / 1000:.0f} s on this machine (measured, not asserted).",
        "",
    ]
    if not Path(CHROMIUM).exists():
        return "\n".join([*parts, f"Skipped: no chromium at {CHROMIUM} (`apt-get install chromium`).", ""])
    result = measure(quick)
    parts += [f"{result['loads']} loads per mode and network, after one untimed load per mode.", ""]
    return "\n".join([*parts, *_section(result)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
