"""``ktrd`` start-up: CPU seconds of the common commands, beside ``python -c pass`` and the eager CLI, in one run.

Each figure is the CPU time (user + system) of a fresh interpreter running the command, read
with ``resource.getrusage(RUSAGE_CHILDREN)`` around the subprocess: CPU time rather than wall
time, because the machine is shared. The commands, ``python -c pass`` and the eager baseline (the
CLI as it was built before: every command module and pydantic imported on every run, and Rich help
with Markdown support) run interleaved, ``N`` times each; the table shows medians.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
TARGET_S = 0.25

COMMANDS: dict[str, list[str]] = {
    "ktrd --help": ["--help"],
    "ktrd score phq9": ["score", "phq9", "--answers", "2,2,1,2,1,1,1,0,1"],
    "ktrd dose esketamine": ["dose", "esketamine", "--session-number", "1"],
    "ktrd dose ketamine-iv": ["dose", "ketamine-iv", "--weight-kg", "70", "--mg-per-kg", "0.5", "--bag-ml", "100"],
    "ktrd trd": ["trd", "--history", str(EXAMPLES / "history.json")],
    "ktrd screen": ["screen", "--profile", str(EXAMPLES / "profile.json"), "--product", "esketamine-nasal"],
    "ktrd course esketamine": ["course", "esketamine", "--start", "2026-01-05", "--oral-antidepressant", "sertraline"],
}

EAGER = """
import sys
from importlib import import_module
import typer
from ketamine_trd import cli
from ketamine_trd.commands import MODULES
app = typer.Typer(name="ktrd", help=cli.app.info.help, no_args_is_help=True, pretty_exceptions_enable=False,
                  add_completion=False)
app.callback()(cli._root)
for name in MODULES:
    import_module(f"ketamine_trd.commands.{name}").register(app)
typer.main.get_command(app).main(args=sys.argv[1:], prog_name="ktrd", standalone_mode=False)
"""


def cpu_seconds(args: list[str]) -> float:
    """CPU seconds (user + system) of one ``python args`` subprocess."""
    env = dict(os.environ, COLUMNS="100")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(quick: bool) -> str:
    """Markdown section: median CPU seconds per command, now and eager, and ``python -c pass``."""
    repeats = 3 if quick else 9
    load0 = os.getloadavg()[0]
    now: dict[str, list[float]] = {name: [] for name in COMMANDS}
    eager: dict[str, list[float]] = {name: [] for name in COMMANDS}
    bare: list[float] = []
    for _ in range(repeats):
        bare.append(cpu_seconds(["-c", "pass"]))
        for name, args in COMMANDS.items():
            now[name].append(cpu_seconds(["-m", "ketamine_trd", *args]))
            eager[name].append(cpu_seconds(["-c", EAGER, *args]))
    base = statistics.median(bare)
    lines = [
        "## CLI start-up (`bench/bench_cli.py`)",
        "",
        f"CPU seconds (user + system) of a fresh `python -m ketamine_trd ...`, median of {repeats} runs interleaved "
        f"with `python -c pass` ({base:.3f} s) and the eager CLI (every command module and pydantic imported, Rich "
        f"help with Markdown). Load average {load0:.1f} at the start and {os.getloadavg()[0]:.1f} at the end on "
        f"{os.cpu_count()} logical cores. Target: under {TARGET_S} s of CPU.",
        "",
        "| Command | CPU s now | CPU s eager (before) | x faster | x `python -c pass` | < 0.25 s |",
        "|---|---:|---:|---:|---:|---|",
    ]
    worst = 0.0
    for name in COMMANDS:
        a, b = statistics.median(now[name]), statistics.median(eager[name])
        worst = max(worst, a)
        met = "yes" if a < TARGET_S else "no"
        lines.append(f"| `{name}` | {a:.3f} | {b:.3f} | {b / a:.2f} | {a / base:.1f} | {met} |")
    lines += ["", f"Slowest common command: {worst:.3f} s of CPU ({'met' if worst < TARGET_S else 'NOT met'})."]
    return "\n".join(lines)
