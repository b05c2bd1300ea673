"""Backup and restore of the clinic database, each with a SHA-256 checksum file.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL:
``pg_dump -Fc`` and ``pg_restore`` (from ``KTRD_PG_BIN`` when set, else ``PATH``). The
checksum is written next to the backup as ``<file>.sha256`` (``sha256sum`` format) and
checked before anything is restored, and the restore itself goes through a new database that is
verified whole before it replaces the live one (:mod:`ketamine_trd.clinic.audit.restore`).
Backups and their checksum files are created readable by their owner only (0600), their folders 0700.
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
    #: what the operator must still do by hand after a restore that succeeded (e.g. drop a replaced database)
    notes: tuple[str, ...] = ()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


_CHECKSUM_MAX_BYTES = 4096
_HEX = frozenset("0123456789abcdef")


def create_private(path: Path) -> None:
    """Create the new, empty file ``path`` readable and writable by its owner only (0600).

    ``ConflictError`` when it exists already; ``InputError`` when it cannot be created.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise ConflictError(f"{path} exists already; choose a new file name") from None
    except OSError as error:
        raise InputError("--out", str(path), "a new file in a folder this user can write", reason=str(error)) from None


def write_checksum(path: Path) -> str:
    value = file_sha256(path)
    sums = checksum_path(path)
    sums.unlink(missing_ok=True)
    create_private(sums)
    sums.write_text(f"{value}  {path.name}\n", encoding="utf-8")
    return value


def _expected_sum(sums: Path) -> str:
    """The SHA-256 named by a ``sha256sum`` line; ``IntegrityFailure`` for anything else."""
    try:
        with sums.open("rb") as handle:
            raw = handle.read(_CHECKSUM_MAX_BYTES + 1)
    except OSError as error:
        raise IntegrityFailure(f"checksum file {sums.name} cannot be read ({error.strerror})") from None
    if len(raw) > _CHECKSUM_MAX_BYTES:
        raise IntegrityFailure(f"checksum file {sums.name} is not a sha256sum line (over {_CHECKSUM_MAX_BYTES} bytes)")
    try:
        words = raw.decode("ascii").split()
    except UnicodeDecodeError:
        raise IntegrityFailure(f"checksum file {sums.name} is not a sha256sum line (not ASCII text)") from None
    expected = words[0].lower() if words else ""
    if len(expected) != 64 or not set(expected) <= _HEX:
        raise IntegrityFailure(f"checksum file {sums.name} is not a sha256sum line (no 64-digit SHA-256)")
    return expected


def check_checksum(path: Path) -> str:
    """The file's SHA-256 once it matches its checksum file; ``IntegrityFailure`` otherwise."""
    if path.exists() and not path.is_file():
        raise InputError("BACKUP_FILE", str(path), "a backup file", reason="is not a file")
    if not path.is_file():
        raise NotFoundError(f"backup file {path} does not exist")
    sums = checksum_path(path)
    if not sums.is_file():
        raise IntegrityFailure(f"checksum file {sums} is missing: the backup cannot be trusted")
    expected = _expected_sum(sums)
    try:
        actual = file_sha256(path)
    except OSError as error:
        raise InputError("BACKUP_FILE", str(path), "a readable backup file", reason=error.strerror) from None
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
    if engine == "sqlite":
        source_path = Path(str(db["NAME"]))
        if not source_path.is_file():
            raise NotFoundError(f"database {source_path} does not exist")
    create_private(out)
    if engine == "sqlite":
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

    The backup goes into a new database that is verified whole (our schema and migrations, the
    audit chain) before it is swapped in; on any failure the live database is untouched (see
    :mod:`ketamine_trd.clinic.audit.restore`). An existing database is replaced only with ``replace``.
    """
    from ketamine_trd.clinic.audit import restore as restoring

    engine = _engine(db)
    backup_file = Path(backup_file)
    digest = check_checksum(backup_file)
    notes: tuple[str, ...] = ()
    if engine == "sqlite":
        restoring.restore_sqlite(db, backup_file, digest, replace=replace)
    else:
        args, env = _pg_env(db)
        tool = _pg_tool("pg_restore")
        # pg_restore reads a private copy whose checksum was verified while it was written: the file it reads
        # is the file that was checked, whatever happens to the original meanwhile
        with restoring.verified_copy(backup_file, digest) as copy:

            def run_restore(dbname: str) -> None:
                target = [*args]
                target[1] = dbname
                _run([tool, "--no-owner", "--exit-on-error", *target, str(copy)], env)

            notes = restoring.restore_postgres(db, backup_file, run_restore, replace=replace)
    return BackupResult(backup_file, digest, backup_file.stat().st_size, engine, notes)
