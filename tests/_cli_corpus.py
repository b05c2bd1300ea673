"""A generated corpus of bad input files for every file-taking ``ktrd`` command, and a driver that runs it.

``build(root, seed)`` writes the files (deterministic for a seed) and returns the cases: the command line
with ``{file}`` standing for the file. ``run(cases)`` calls ``ketamine_trd.cli.main`` in this process for
each case with a hang guard, and reports every outcome. Run as a script (real settings, a temporary data
folder) it prints the outcomes as JSON; ``tests/test_cli_fuzz.py`` does that in one child process, and
the same script run against an older tree gives the "before" figures of issue 16.

    python tests/_cli_corpus.py --out results.json [--seed 16] [--limit-s 30]
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import json
import random
import shutil
import signal
import sqlite3
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"

JSON_COMMANDS: dict[str, tuple[list[str], str]] = {
    "trd": (["trd", "--history", "{file}"], "history.json"),
    "screen": (["screen", "--medical-profile", "{file}", "--product", "esketamine-nasal"], "profile.json"),
    "score": (["score", "phq9", "--answers-file", "{file}"], "answers_phq9.json"),
    "simulate": (["simulate", "population", "--course", "{file}", "--n", "8", "--seed", "1"],
                 "course-ketamine-iv-6-infusions.json"),
    "fhir": (["fhir", "import", "{file}", "--dry-run"], ""),
}  # fmt: skip
CSV_COMMANDS: dict[str, tuple[list[str], str]] = {
    "outcomes-assessments": (["outcomes", "--assessments", "{file}", "--instrument", "madrs"], "assessments.csv"),
    "outcomes-doses": (
        ["outcomes", "--assessments", str(EXAMPLES / "assessments.csv"), "--instrument", "madrs", "--doses", "{file}"],
        "doses.csv",
    ),
    "outcomes-events": (
        ["outcomes", "--assessments", str(EXAMPLES / "assessments.csv"), "--instrument", "madrs", "--events", "{file}"],
        "relapse_events.csv",
    ),
    "safety-doses": (["safety", "--doses", "{file}", "--today", "2026-06-01"], "doses.csv"),
    "safety-assessments": (
        ["safety", "--doses", str(EXAMPLES / "doses.csv"), "--assessments", "{file}", "--today", "2026-06-01"],
        "safety_assessments.csv",
    ),
    "safety-screens": (
        ["safety", "--doses", str(EXAMPLES / "doses.csv"), "--screens", "{file}", "--today", "2026-06-01"],
        "screens.csv",
    ),
}

WEIRD_VALUES: list[Any] = [
    None, True, -1, 0, 1e308, -1e308, 10**30, 2**63, 1e-300, "", " ", "\u202e", "<script>", "'; DROP TABLE x;--",
    "x" * 5000, [], {}, [[[]]], {"a": {"b": {}}}, "2026-02-30", "9999-12-31", "0001-01-01", "NaN", "-0", "1e10",
    "\U0001f600", "A\u0301", "\\ud800", 3.14159, "madrs", "esketamine-nasal",
]  # fmt: skip


@dataclass
class Case:
    command: str
    kind: str
    argv: list[str]


@dataclass
class Outcome:
    command: str
    kind: str
    code: int
    traceback: bool
    internal_error: bool
    ran_past_limit: bool
    stderr_lines: int
    seconds: float
    stderr_tail: str


def _mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """A copy of a JSON value with some leaves replaced by odd values, some keys dropped or added."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.1:
                continue
            out[key] = rng.choice(WEIRD_VALUES) if roll < 0.35 else _mutate(item, rng, depth + 1)
        if rng.random() < 0.2:
            out[rng.choice(["extra", "weight_lb", "dose", "__proto__"])] = rng.choice(WEIRD_VALUES)
        return out
    if isinstance(value, list):
        items = [_mutate(v, rng, depth + 1) for v in value if rng.random() > 0.1]
        if items and rng.random() < 0.2:
            items.append(rng.choice(WEIRD_VALUES))
        return items
    return rng.choice(WEIRD_VALUES) if rng.random() < 0.4 else value


def _encodings(text: str) -> dict[str, bytes]:
    return {
        "utf16-bom": text.encode("utf-16"),
        "utf16le-nobom": text.encode("utf-16-le"),
        "utf32-bom": text.encode("utf-32"),
        "utf8-bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "latin1": (text + " café naïve").encode("latin-1", "replace"),
        "cp1252-quotes": (text + " \u201cquoted\u201d").encode("cp1252", "replace"),
    }


def _common(rng: random.Random, valid: bytes) -> dict[str, bytes]:
    """Bad files that apply to any text format."""
    return {
        "empty": b"",
        "whitespace": b" \n\t\r\n",
        "binary-random": rng.randbytes(2048),
        "binary-nul": b"\x00" * 512,
        "png-header": b"\x89PNG\r\n\x1a\n" + rng.randbytes(256),
        "sqlite-header": b"SQLite format 3\x00" + rng.randbytes(512),
        "truncated": valid[: max(1, len(valid) // 2)],
        "nul-inside": valid[:20] + b"\x00" + valid[20:],
        "crlf": valid.replace(b"\n", b"\r\n"),
        "lone-cr": valid.replace(b"\n", b"\r"),
        "invalid-utf8-tail": valid + b"\xff\xfe\xfa",
        "overlong-utf8": valid + b"\xc0\xaf",
        "surrogate-utf8": valid + b"\xed\xa0\x80",
    }


def _json_files(rng: random.Random, example: str, count: int) -> dict[str, bytes]:
    valid = (EXAMPLES / example).read_bytes() if example else json.dumps(_bundle()).encode()
    doc = json.loads(valid)
    text = valid.decode("utf-8")
    files = _common(rng, valid) | _encodings(text)
    files |= {
        "deep-array-100": b"[" * 100 + b"]" * 100,
        "deep-array-5000": b"[" * 5000 + b"]" * 5000,
        "deep-object-100k": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "deep-unclosed": b"[" * 200_000,
        "huge-int": b'{"x": ' + b"9" * 5000 + b"}",
        "huge-int-in-doc": text.replace("1", "1" + "0" * 4400, 1).encode(),
        "nan": text.replace("1", "NaN", 1).encode() if "1" in text else b"NaN",
        "infinity": b'{"x": Infinity, "y": -Infinity}',
        "lone-surrogate": b'{"drug": "\\ud800", "x": "\\udfff"}',
        "surrogate-in-doc": text.replace('"', '"\\ud83d', 1).encode(),
        "top-list": b"[1, 2, 3]",
        "top-string": b'"hello"',
        "top-number": b"42",
        "top-null": b"null",
        "top-true": b"true",
        "trailing-garbage": valid + b"}}}",
        "comments": b"// comment\n" + valid,
        "single-quotes": text.replace('"', "'").encode(),
        "duplicate-keys": b'{"a": 1, "a": 2}',
        "many-keys": json.dumps({f"k{i}": i for i in range(20_000)}).encode(),
        "wide-list": json.dumps({"trials": [{}] * 100_000, "entry": [{}] * 100_000}).encode(),
        "long-string": json.dumps({"x": "y" * 2_000_000}).encode(),
        "escapes": b'{"x": "\\u0000\\u0001\\u001f"}',
    }
    for i in range(count):
        files[f"mutated-{i:02d}"] = json.dumps(_mutate(doc, rng), ensure_ascii=rng.random() < 0.5).encode()
    return files


def _bundle() -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:p1", "resource": {
                "resourceType": "Patient", "id": "p1", "identifier": [{"system": "urn:mrn", "value": "MRN-1"}],
                "name": [{"family": "Lee", "given": ["Ada"]}], "birthDate": "1980-01-02", "gender": "female"}},
            {"fullUrl": "urn:uuid:o1", "resource": {
                "resourceType": "Observation", "status": "final", "subject": {"reference": "urn:uuid:p1"},
                "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
                "effectiveDateTime": "2026-01-02T10:00:00Z", "valueQuantity": {"value": 10}}},
        ],
    }  # fmt: skip


def _csv_files(rng: random.Random, example: str, count: int) -> dict[str, bytes]:
    valid = (EXAMPLES / example).read_bytes()
    text = valid.decode("utf-8")
    header, *rows = text.splitlines()
    files = _common(rng, valid) | _encodings(text)
    files |= {
        "header-only": (header + "\n").encode(),
        "no-header": "\n".join(rows).encode(),
        "field-200k": (header + "\n" + "2026-01-01," + "9" * 200_000 + "\n").encode(),
        "quoted-field-500k": (header + '\n"' + "x" * 500_000 + '",1\n').encode(),
        "unbalanced-quote": (header + '\n"2026-01-01,30\n').encode(),
        "many-columns": (",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n").encode(),
        "many-rows": (header + "\n" + "\n".join(rows[:1] * 60_000) + "\n").encode(),
        "formula-cells": (header + "\n=1+2,@SUM(A1),+cmd,-1\n").encode(),
        "semicolons": text.replace(",", ";").encode(),
        "tabs": text.replace(",", "\t").encode(),
        "huge-number": (header + "\n2026-01-01," + "9" * 5000 + "\n").encode(),
        "nan-inf": (header + "\n2026-01-01,nan\n2026-01-02,inf\n2026-01-03,-inf\n").encode(),
        "bad-dates": (header + "\n2026-02-30,1\n99999-01-01,1\n,1\n").encode(),
    }
    cells = [c for row in rows for c in row.split(",")] or ["x"]
    for i in range(count):
        out = [header]
        for row in rows:
            parts = row.split(",")
            parts = [str(rng.choice(WEIRD_VALUES + cells)) if rng.random() < 0.3 else p for p in parts]
            if rng.random() < 0.1:
                parts.append("extra")
            out.append(",".join(p.replace("\n", " ") for p in parts))
        files[f"mutated-{i:02d}"] = ("\n".join(out) + "\n").encode("utf-8", "surrogatepass")
    return files


def _restore_files(root: Path, rng: random.Random) -> dict[str, Path]:
    """Bad backups, each with a checksum file that matches (or a bad checksum file)."""
    folder = root / "restore"
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, data: bytes, checksum: bytes | None = None) -> None:
        path = folder / f"{name}.sqlite3"
        path.write_bytes(data)
        sums = checksum if checksum is not None else f"{hashlib.sha256(data).hexdigest()}  {path.name}\n".encode()
        (folder / f"{path.name}.sha256").write_bytes(sums)
        out[name] = path

    foreign = folder / "foreign-src.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    empty = folder / "empty-src.sqlite3"
    sqlite3.connect(empty).close()
    put("foreign-sqlite", foreign.read_bytes())
    put("empty-sqlite", empty.read_bytes())
    put("zero-bytes", b"")
    put("text-file", b"not a database\n" * 100)
    put("random", rng.randbytes(8192))
    put("sqlite-header-only", b"SQLite format 3\x00" + b"\x00" * 84)
    put("sqlite-header-garbage", b"SQLite format 3\x00" + rng.randbytes(8192))
    good = foreign.read_bytes()
    put("truncated-foreign", good[: len(good) // 2])
    for name, sums in {
        "sum-utf16": "a".encode("utf-16"),
        "sum-binary": rng.randbytes(64),
        "sum-empty": b"",
        "sum-short": b"abc  x\n",
        "sum-nonhex": b"z" * 64 + b"  x\n",
        "sum-huge": b"0" * 100_000,
        "sum-wrong": b"0" * 64 + b"  x\n",
        "sum-nul": b"\x00" * 64,
    }.items():
        put(name, good, sums)
    missing = folder / "no-checksum.sqlite3"
    missing.write_bytes(good)
    out["no-checksum"] = missing
    out["a-folder"] = folder
    out["does-not-exist"] = folder / "absent.sqlite3"
    return out


def _registry_cases(root: Path, rng: random.Random) -> list[Case]:
    """``analyze outcomes --data FOLDER``: a small synthetic registry with its courses table replaced."""
    import shutil as _shutil

    from ketamine_trd.cli import main as ktrd_main

    good = root / "registry-good"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert ktrd_main(["synth", "--out", str(good), "--patients", "12", "--seed", "3", "--json"]) == 0
    valid = (good / "courses.csv").read_bytes()
    variants = _common(rng, valid) | _encodings(valid.decode("utf-8"))
    variants["field-200k"] = valid.splitlines()[0] + b"\n" + b"x" * 200_000 + b"\n"
    cases = []
    for kind, data in variants.items():
        folder = root / "registry" / kind
        _shutil.copytree(good, folder)
        (folder / "courses.csv").write_bytes(data)
        cases.append(Case("analyze", kind, ["analyze", "outcomes", "--data", str(folder), "--json"]))
    return cases


def build(root: Path, seed: int = 16, mutations: int = 12) -> list[Case]:
    """Write the corpus under ``root`` and return its cases (at least 500 for the default sizes)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    oversize = root / "oversize.json"
    with oversize.open("wb") as handle:  # just over the 16 MB limit: refused before it is parsed
        handle.write(b'{"trials": [')
        handle.write(b'{"drug": "sertraline", "daily_dose_mg": 150, "weeks": 10},' * 300_000)
        handle.write(b"{}]}")
    cases: list[Case] = []
    groups = [(JSON_COMMANDS, _json_files, ".json"), (CSV_COMMANDS, _csv_files, ".csv")]
    for commands, make, suffix in groups:
        for command, (argv, example) in commands.items():
            folder = root / command
            folder.mkdir(exist_ok=True)
            for kind, data in make(rng, example, mutations).items():
                path = folder / f"{kind}{suffix}"
                path.write_bytes(data)
                cases.append(Case(command, kind, [a.replace("{file}", str(path)) for a in argv]))
            for kind, path in {"oversize": oversize, "a-folder": folder, "absent": folder / "absent"}.items():
                cases.append(Case(command, kind, [a.replace("{file}", str(path)) for a in argv]))
    cases += _registry_cases(root, rng)
    for kind, path in _restore_files(root, rng).items():
        cases.append(Case("restore", kind, ["restore", str(path), "--replace"]))
    return cases


class _RanPastLimit(BaseException):
    """Raised by the hang guard; a BaseException so that no ``except Exception`` swallows it."""


def _live_db_files(data_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data_dir.glob("ktrd.sqlite3*"))}


def run(cases: list[Case], limit_s: float = 30.0, data_dir: Path | None = None) -> list[Outcome]:
    """Run every case through ``ketamine_trd.cli.main`` in this process (hang guard ``limit_s`` seconds)."""
    from ketamine_trd.cli import main

    def alarm(signum: int, frame: Any) -> None:
        raise _RanPastLimit

    signal.signal(signal.SIGALRM, alarm)
    outcomes = []
    for case in cases:
        out, err = io.StringIO(), io.StringIO()
        before = None
        if data_dir is not None and case.command == "restore":
            from django.db import connections

            connections.close_all()  # this process's own connection would checkpoint the WAL on close
            before = _live_db_files(data_dir)
        started = time.monotonic()
        code, traceback, past = 0, False, False
        signal.setitimer(signal.ITIMER_REAL, limit_s)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(case.argv)
        except _RanPastLimit:
            code, past = 124, True
        except BaseException as error:  # the old CLI let these through: a traceback
            code, traceback = 1, True
            err.write(f"Traceback: {type(error).__name__}: {error}"[:300])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.monotonic() - started
        text = err.getvalue()
        if before is not None and data_dir is not None and _live_db_files(data_dir) != before:
            text += "\nLIVE DATABASE CHANGED"
            traceback = True
        outcomes.append(
            Outcome(
                case.command,
                case.kind,
                code,
                traceback or "Traceback" in text,
                "internal error" in text,
                past,
                len(text.strip().splitlines()),
                round(seconds, 3),
                text.strip()[-200:].encode("utf-8", "backslashreplace").decode("utf-8"),
            )
        )
    return outcomes


def _seed_database(data_dir: Path) -> None:
    """Migrate the data folder's database and give it one clinic (the fhir import needs one)."""
    import django

    django.setup()
    from django.core.management import call_command

    data_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    from ketamine_trd.clinic.accounts.models import Clinic

    Clinic.objects.get_or_create(slug="fuzz", defaults={"name": "Fuzz Clinic"})


def main(argv: list[str]) -> int:
    import argparse
    import os
    import tempfile

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--limit-s", type=float, default=30.0)
    parser.add_argument("--only", default="", help="comma-separated commands")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ktrd-cli-fuzz-"))
    data_dir = work / "data"
    os.environ["KTRD_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketamine_trd.clinic.settings")
    for name in [k for k in os.environ if k.startswith("DATABASE_URL")]:
        del os.environ[name]
    cases = build(work / "corpus", args.seed)
    if args.only:
        cases = [c for c in cases if c.command in args.only.split(",")]
    _seed_database(data_dir)
    try:
        outcomes = run(cases, args.limit_s, data_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    Path(args.out).write_text(json.dumps([asdict(o) for o in outcomes], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
