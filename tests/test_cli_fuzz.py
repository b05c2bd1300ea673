"""CLI fuzz: a generated corpus of bad files for every file-taking command gives 0 tracebacks (issue 16, item 10).

The corpus (``tests/_cli_corpus.py``, seeded) holds non-UTF-8 files (binary, UTF-16/32, Latin-1), deep and huge
JSON, NaN and huge integers, lone surrogates, CSV with oversized fields, rows or columns, mutated copies of the
documented examples, oversize files, folders and absent paths, and bad backups for ``restore``. It runs in one
child process (real settings, a temporary data folder) that calls ``ktrd``'s ``main`` in-process for each case,
with a hang guard per case; a small sample runs as real ``ktrd`` processes to cover the console's encoding.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD_S = 30  # the bound: a run past it is a failure (a hang guard, not a timing)
pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("KTRD_", "DJANGO_", "DATABASE_URL"))}
    return {**base, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), base.get("PYTHONPATH", "")])}


def test_generated_corpus_gives_no_traceback_and_every_run_is_bounded(tmp_path: Path) -> None:
    out = tmp_path / "outcomes.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "_cli_corpus.py"), "--out", str(out), "--limit-s", str(HANG_GUARD_S)],
        env=_env(), capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(out.read_text(encoding="utf-8"))
    commands = collections.Counter(o["command"] for o in outcomes)
    assert len(outcomes) >= 500 and len(commands) == 13, commands
    broken = [o for o in outcomes if o["traceback"] or o["internal_error"] or o["ran_past_limit"]]
    assert broken == [], broken[:5]
    refused = [o for o in outcomes if o["code"] != 0]
    assert {o["code"] for o in refused} <= {2, 3, 4, 7}, collections.Counter(o["code"] for o in refused)
    assert all(o["stderr_lines"] == 1 for o in refused), [o for o in refused if o["stderr_lines"] != 1][:5]
    assert all(o["code"] in (2, 3, 7) for o in outcomes if o["command"] == "restore")
    figures = {"cases": len(outcomes), "tracebacks": len(broken), "by_command": dict(commands)}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "cli-fuzz-figures.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


SAMPLE: list[tuple[list[bytes | str], str]] = [
    (["trd", "--history", b"/nonexistent/hist\xff\xfe.json"], "does not exist"),
    (["score", "phq9", "--answers", "1,\udcff,2"], "answers"),
    (["screen", "--medical-profile", str(ROOT / "docs"), "--product", "esketamine-nasal"], "is a folder"),
]


@pytest.mark.parametrize(("args", "expected"), SAMPLE, ids=["undecodable-path", "surrogate-arg", "folder"])
def test_a_sample_as_real_processes_prints_one_line(args: list[bytes | str], expected: str, tmp_path: Path) -> None:
    argv: list[bytes | str] = [sys.executable, "-m", "ketamine_trd.cli"]
    argv += [a.encode("utf-8", "surrogateescape") if isinstance(a, str) else a for a in args]
    done = subprocess.run(argv, env=_env(), capture_output=True, timeout=120)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1 and expected in stderr, stderr


def test_a_utf16_history_is_refused_by_name(tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_bytes((ROOT / "docs" / "examples" / "history.json").read_text(encoding="utf-8").encode("utf-16"))
    done = subprocess.run(
        [sys.executable, "-m", "ketamine_trd.cli", "trd", "--history", str(history)],
        env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "is UTF-16 text" in done.stderr and "UTF-8" in done.stderr, done.stderr
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (ROOT / "docs" / "examples" / "history.json").read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "ketamine_trd.cli", "trd", "--history", str(bom), "--json"],
        env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
