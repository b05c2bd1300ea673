"""Backup and restore of the clinic database, each with a SHA-256 checksum file.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL:
``pg_dump -Fc`` and ``pg_restore`` (from ``KTRD_PG_BIN`` when set, else ``PATH``). The
checksum is written next to the backup as ``<file>.sha256`` (``sha256sum`` format) and
checked before anything is restored.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - fixed argument lists, no shell
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ketamine_trd.errors import ConflictError, DependencyMissing, InputError, IntegrityFailure, NotFoundError


@dataclass(frozen=True, slots=True)
class BackupResult:
    """What a backup or restore did: the file, its SHA-256, its size in bytes, the engine."""

    path: Path
    sha256: str
    size_bytes: int
    engine: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def write_checksum(path: Path) -> str:
    value = file_sha256(path)
    checksum_path(path).write_text(f"{value}  {path.name}\n", encoding="utf-8")
    return value


def check_checksum(path: Path) -> str:
    """The file's SHA-256 once it matches its checksum file; ``IntegrityFailure`` otherwise."""
    if not path.is_file():
        raise NotFoundError(f"backup file {path} does not exist")
    sums = checksum_path(path)
    if not sums.is_file():
        raise IntegrityFailure(f"checksum file {sums} is missing: the backup cannot be trusted")
    words = sums.read_text(encoding="utf-8").split()
    expected = words[0].lower() if words else ""
    actual = file_sha256(path)
    if expected != actual:
        raise IntegrityFailure(
            f"backup {path.name} does not match its checksum (expected {expected[:12]}..., got {actual[:12]}...)"
        )
    return actual


def _engine(db: dict[str, Any]) -> str:
    engine = str(db.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise InputError("DATABASES.default.ENGINE", engine, "sqlite3 or postgresql")


def _pg_tool(name: str) -> str:
    folder = os.environ.get("KTRD_PG_BIN", "").strip()
    tool = str(Path(folder) / name) if folder else shutil.which(name)
    if not tool or not Path(tool).exists():
        raise DependencyMissing(f"{name} (PostgreSQL client; set KTRD_PG_BIN to its folder)", "clinic")
    return tool


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if done.returncode != 0:
        tail = " ".join(done.stderr.split())[-300:]
        raise IntegrityFailure(f"{Path(command[0]).name} failed (exit {done.returncode}): {tail}")


def backup(db: dict[str, Any], out: Path) -> BackupResult:
    """Write a backup of the database ``db`` (a ``DATABASES`` entry) to ``out`` plus ``out.sha256``."""
    engine = _engine(db)
    out = Path(out)
    if out.exists():
        raise ConflictError(f"{out} exists already; choose a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        source_path = Path(str(db["NAME"]))
        if not source_path.is_file():
            raise NotFoundError(f"database {source_path} does not exist")
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_env(db)
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args], env)
    return BackupResult(out, write_checksum(out), out.stat().st_size, engine)


def restore(db: dict[str, Any], backup_file: Path, *, replace: bool = False) -> BackupResult:
    """Restore ``backup_file`` into the database ``db`` after checking its checksum.

    SQLite: refuses to overwrite an existing database file unless ``replace``. PostgreSQL:
    restores into the named database (``--clean --if-exists`` when ``replace``).
    """
    engine = _engine(db)
    backup_file = Path(backup_file)
    digest = check_checksum(backup_file)
    if engine == "sqlite":
        target_path = Path(str(db["NAME"]))
        if target_path.exists() and target_path.stat().st_size > 0 and not replace:
            raise ConflictError(f"database {target_path} exists; pass --replace to overwrite it")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        target = sqlite3.connect(target_path)
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()
            if not check or check[0] != "ok":
                raise IntegrityFailure(f"backup {backup_file.name} fails SQLite's integrity check")
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_env(db)
        extra = ["--clean", "--if-exists"] if replace else []
        _run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", *extra, *args, str(backup_file)], env)
    return BackupResult(backup_file, digest, backup_file.stat().st_size, engine)
