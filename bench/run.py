"""Run every benchmark and write ``docs/benchmarks.md`` with the machine described.

Usage: ``python bench/run.py [--quick] [--only NAME] [--skip NAME]``. Each ``bench/bench_NAME.py``
module exposes ``run(quick: bool) -> str``, returning a Markdown section (every figure beside its
baseline and their ratio, measured side by side in the same run); adding a benchmark is adding
such a module, nothing here. Benchmarks are never timed asserts in tests.

Each section is kept between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` markers and ends
with the machine, its load average and the time of the run that produced it; a run replaces the
sections it ran and keeps the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs" / "benchmarks.md"


def machine() -> str:
    """A short description of this machine for the results table."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "unknown"
    import numpy

    load = os.getloadavg()
    return (
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {mem}\n"
        f"- Load average when the section finished: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1, 5, 15 min)\n"
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}; NumPy {numpy.__version__}\n"
        f"- Run at {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )


HEADER = (
    "# Benchmarks\n\nWritten by `python bench/run.py` (see README). Medians and ratios are measured side by side "
    "in one run; the machine is shared and noisy. Each section names the run (machine and time) that produced it.\n"
)


def _marked(name: str, body: str) -> str:
    return f"<!-- bench:{name} -->\n{body.strip()}\n<!-- /bench:{name} -->"


def merge(existing: str, sections: dict[str, str]) -> str:
    """Replace the marked sections named in ``sections`` in ``existing`` and append the new ones."""
    text = existing if existing.strip() else HEADER
    for name, body in sections.items():
        pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
        block = _marked(name, body)
        text = pattern.sub(lambda _m, b=block: b, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    return text.rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run (printed, not written)")
    parser.add_argument("--only", action="append", default=[], help="run only bench_NAME (repeatable)")
    parser.add_argument("--skip", action="append", default=[], help="do not run bench_NAME (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs/benchmarks.md")
    args = parser.parse_args()
    if args.quick:  # a smoke run never replaces measured figures
        args.no_write = True
    sections: dict[str, str] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if (args.only and name not in args.only) or name in args.skip:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name}", file=sys.stderr)
        body = module.run(args.quick)
        sections[name] = f"{body.strip()}\n\n_Run on:_\n{machine()}" + ("\n- `--quick` sizes" if args.quick else "")
    existing = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    text = merge(existing, sections)
    if args.no_write:
        print(text)
    else:
        DOCS.write_text(text, encoding="utf-8")
        print(f"wrote {DOCS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
