"""Restoring a backup without ever putting the live database at risk.

The backup is restored into a **new** database (SQLite: a new file beside the live one;
PostgreSQL: a new database on the same server), which is then verified whole:

1. it is a database at all (SQLite: ``PRAGMA integrity_check``; PostgreSQL: ``pg_restore`` succeeds);
2. it is ours: Django's migration table is there and holds this project's migrations, every
   recorded migration is known to this version and the history is consistent; after the
   pending migrations are applied, it holds no table that this project does not define;
3. its audit hash chain is intact (and not empty while it holds patient records).

Only then is it swapped in, atomically (SQLite: ``os.replace`` of the file; PostgreSQL: two
``ALTER DATABASE ... RENAME`` in one transaction). On any failure the new database is removed
and the live database is left byte for byte as it was; the error is one of the error tree
(``IntegrityFailure`` exit 7, ``InputError`` exit 2, ``ConflictError`` exit 4).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ketamine_trd.errors import ConflictError, InputError, IntegrityFailure, PermissionDenied

__all__ = [
    "SERVE_LOCK_SUFFIX",
    "restore_postgres",
    "restore_sqlite",
    "serving_lock",
    "verified_copy",
    "verify_candidate",
]

CANDIDATE_ALIAS = "ktrd_restore_candidate"
_OUR_APPS = ("accounts", "records", "measurement", "audit", "authn")
_SQLITE_INTERNAL = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}


# --- verification, shared by both engines ----------------------------------------------------


@contextlib.contextmanager
def _candidate_connection(db: dict[str, Any], name: str) -> Iterator[Any]:
    """A Django connection (alias ``CANDIDATE_ALIAS``) to the candidate database ``name``."""
    from django.db import connections

    connections.databases[CANDIDATE_ALIAS] = {**db, "NAME": name}
    try:
        yield connections[CANDIDATE_ALIAS]
    finally:
        with contextlib.suppress(Exception):
            connections[CANDIDATE_ALIAS].close()
        with contextlib.suppress(Exception):
            del connections[CANDIDATE_ALIAS]
        connections.databases.pop(CANDIDATE_ALIAS, None)


def _check_migrations(connection: Any, label: str) -> None:
    from django.db.migrations.exceptions import InconsistentMigrationHistory
    from django.db.migrations.loader import MigrationLoader

    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        raise IntegrityFailure(f"backup {label} is not a ketamine-trd database (it has no migration table)")
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations)
    ours = {app for app, _ in applied if app in _OUR_APPS}
    if ours != set(_OUR_APPS):
        missing = ", ".join(sorted(set(_OUR_APPS) - ours))
        raise IntegrityFailure(f"backup {label} is not a ketamine-trd database (no migrations of: {missing})")
    unknown = sorted(f"{app}.{name}" for app, name in applied if (app, name) not in loader.graph.nodes)
    if unknown:
        raise IntegrityFailure(
            f"backup {label} was written by another version: migration {unknown[0]} is unknown to this one"
        )
    try:
        loader.check_consistent_history(connection)
    except InconsistentMigrationHistory as error:
        raise IntegrityFailure(f"backup {label} has an inconsistent migration history: {error}") from None


def _check_tables(connection: Any, label: str) -> None:
    known = set(connection.introspection.django_table_names()) | {"django_migrations"}
    foreign = sorted(set(connection.introspection.table_names()) - known - _SQLITE_INTERNAL)
    if foreign:
        raise IntegrityFailure(f"backup {label} holds a table that ketamine-trd does not define: {foreign[0]}")


def verify_candidate(db: dict[str, Any], name: str, label: str) -> int:
    """Check the candidate database ``name`` (settings as ``db``), migrate it, verify its audit chain.

    Returns the number of audit entries. ``IntegrityFailure`` names what is wrong.
    """
    from django.core.management import call_command
    from django.db import DatabaseError

    from ketamine_trd.clinic.audit.service import verify_chain

    with _candidate_connection(db, name) as connection:
        try:
            _check_migrations(connection, label)
            call_command("migrate", database=CANDIDATE_ALIAS, interactive=False, verbosity=0)
            _check_tables(connection, label)
            report = verify_chain(using=CANDIDATE_ALIAS)
        except DatabaseError as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise IntegrityFailure(f"backup {label} cannot be read as a ketamine-trd database: {first}") from None
        if not report.ok:
            first_break = report.breaks[0]
            raise IntegrityFailure(
                f"backup {label}: audit chain broken at entry {first_break.seq}: {first_break.message}; "
                "nothing was restored"
            )
        return report.entries


# --- SQLite -----------------------------------------------------------------------------------


def _copy_verified(source: Path, target_fd: int, digest: str) -> None:
    """Copy ``source`` into the open file ``target_fd`` and check that the copy has ``digest``."""
    hasher = hashlib.sha256()
    with source.open("rb") as reader, os.fdopen(target_fd, "wb") as writer:
        for block in iter(lambda: reader.read(1 << 20), b""):
            hasher.update(block)
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    if hasher.hexdigest() != digest:
        raise IntegrityFailure(f"backup {source.name} changed while it was being read; nothing was restored")


@contextlib.contextmanager
def verified_copy(source: Path, digest: str) -> Iterator[Path]:
    """A private (0600) temporary copy of ``source`` that has ``digest``, removed afterwards."""
    fd, name = tempfile.mkstemp(prefix=".ktrd-restore-", suffix=source.suffix)
    copy = Path(name)
    try:
        _copy_verified(source, fd, digest)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _check_sqlite_file(path: Path, label: str) -> None:
    try:
        conn = sqlite3.connect(path)
    except sqlite3.Error as error:
        raise IntegrityFailure(f"backup {label} cannot be opened as SQLite: {error}") from None
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()
        if not check or check[0] != "ok":
            raise IntegrityFailure(f"backup {label} fails SQLite's integrity check")
        if not conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
            raise IntegrityFailure(f"backup {label} is an empty SQLite database, not a ketamine-trd backup")
        # a rollback journal, so that the verified file needs no -wal beside it when it is moved
        conn.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.DatabaseError as error:
        raise IntegrityFailure(f"backup {label} is not a SQLite database ({error})") from None
    finally:
        conn.close()


SERVE_LOCK_SUFFIX = ".serving"


@contextlib.contextmanager
def serving_lock(database: Path) -> Iterator[None]:
    """Held by ``ktrd serve`` for as long as it serves the SQLite ``database`` (a shared ``flock``).

    A server keeps idle connections open on the database file; a restore that swapped the file under it
    would leave it writing to the replaced file, and those writes would be lost. :func:`restore_sqlite`
    takes the same lock exclusively and refuses while any server holds it. The lock is the operating
    system's: it goes with the process, however the process ends.
    """
    import fcntl

    path = Path(f"{database}{SERVE_LOCK_SUFFIX}")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _refuse_while_served(target: Path) -> Iterator[None]:
    import fcntl

    path = Path(f"{target}{SERVE_LOCK_SUFFIX}")
    if not path.exists():
        yield
        return
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConflictError(f"database {target} is being served (ktrd serve); stop it before restoring") from None
        yield
    finally:
        os.close(fd)


def _quiesce(target: Path) -> None:
    """Fold the live database's write-ahead log into it, so that no stale log outlives the swap."""
    if not target.exists():
        return
    conn = sqlite3.connect(target, timeout=1)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as error:
        raise ConflictError(f"database {target} is in use ({error}); stop ktrd serve before restoring") from None
    finally:
        conn.close()
    if busy and busy[0]:
        raise ConflictError(f"database {target} is in use; stop ktrd serve before restoring")


def restore_sqlite(db: dict[str, Any], backup_file: Path, digest: str, *, replace: bool) -> None:
    """Restore ``backup_file`` (checksum ``digest``) over the SQLite database of ``db``; see the module docstring."""
    target = Path(str(db["NAME"]))
    folder = target.parent
    if folder.exists() and not folder.is_dir():
        raise InputError("--data-dir", str(folder), "a folder", reason="is a file")
    if target.exists() and not target.is_file():
        raise InputError("database", str(target), "a file", reason="is not a file")
    if target.exists() and target.stat().st_size > 0 and not replace:
        raise ConflictError(f"database {target} exists; pass --replace to overwrite it")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.restore-", dir=folder)  # created 0600
    except OSError as error:
        raise InputError("--data-dir", str(folder), "a folder this user can write", reason=str(error)) from None
    candidate = Path(name)
    try:
        _copy_verified(backup_file, fd, digest)
        _check_sqlite_file(candidate, backup_file.name)
        verify_candidate(db, str(candidate), backup_file.name)
        _check_sqlite_file(candidate, backup_file.name)  # back to a rollback journal after the checks
        with _refuse_while_served(target):
            _quiesce(target)
            os.replace(candidate, target)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
    finally:
        for leftover in (candidate, Path(f"{candidate}-wal"), Path(f"{candidate}-shm"), Path(f"{candidate}-journal")):
            leftover.unlink(missing_ok=True)


# --- PostgreSQL --------------------------------------------------------------------------------


def _connect(db: dict[str, Any], dbname: str, *, autocommit: bool) -> Any:
    """A psycopg connection to ``dbname`` on the server of ``db``."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = {"dbname": dbname, "host": db.get("HOST"), "port": db.get("PORT")}
    params |= {"user": db.get("USER"), "password": db.get("PASSWORD")}
    conninfo = make_conninfo(**{k: str(v) for k, v in params.items() if v})
    return psycopg.connect(conninfo, autocommit=autocommit)


def _admin_connection(db: dict[str, Any]) -> Any:
    """An autocommit connection to the server's maintenance database (``postgres``)."""
    return _connect(db, "postgres", autocommit=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _live_has_tables(admin: Any, db: dict[str, Any], live: str) -> bool:
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (live,)).fetchone():
        return False
    with _connect(db, live, autocommit=False) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    return bool(row and row[0])


def restore_postgres(db: dict[str, Any], backup_file: Path, run_restore: Any, *, replace: bool) -> tuple[str, ...]:
    """Restore ``backup_file`` into a new database, verify it, then swap it for the live one.

    ``run_restore(dbname)`` runs ``pg_restore`` into the database ``dbname``. The swap needs the
    live database to have no other sessions (stop ``ktrd serve``) and the right to create and
    rename databases. Returns what is left to do by hand after a restore that succeeded (the replaced
    database, when it could not be dropped).
    """
    import psycopg

    try:
        return _restore_postgres(db, backup_file, run_restore, replace=replace)
    except psycopg.errors.InsufficientPrivilege as error:
        reason = " ".join(str(error).split())
        raise PermissionDenied(f"PostgreSQL refused the restore ({reason}): the role needs CREATEDB") from None
    except psycopg.Error as error:
        reason = " ".join(str(error).split())[:300]
        raise IntegrityFailure(f"PostgreSQL refused the restore ({reason}); the live database is unchanged") from None


def _restore_postgres(db: dict[str, Any], backup_file: Path, run_restore: Any, *, replace: bool) -> tuple[str, ...]:
    import psycopg

    live = str(db["NAME"])
    token = secrets.token_hex(4)
    candidate, retired = f"{live[:40]}_restore_{token}", f"{live[:40]}_replaced_{token}"
    with _admin_connection(db) as admin:
        exists = _live_has_tables(admin, db, live)
        if exists and not replace:
            raise ConflictError(f"database {live} holds tables; pass --replace to overwrite it")
        admin.execute(f"CREATE DATABASE {_quoted(candidate)}")
        try:
            run_restore(candidate)
            verify_candidate(db, candidate, backup_file.name)
            try:
                with admin.transaction():
                    if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (live,)).fetchone():
                        admin.execute(f"ALTER DATABASE {_quoted(live)} RENAME TO {_quoted(retired)}")
                    admin.execute(f"ALTER DATABASE {_quoted(candidate)} RENAME TO {_quoted(live)}")
            except psycopg.Error as error:
                reason = " ".join(str(error).split())
                raise ConflictError(f"database {live} is in use ({reason}); stop ktrd serve before restoring") from None
            # restored from here on: a failure to drop the old copy is a note, never "the live database is unchanged"
            try:
                admin.execute(f"DROP DATABASE IF EXISTS {_quoted(retired)}")
            except psycopg.Error as error:
                reason = " ".join(str(error).split())[:200]
                return (f"the replaced database is kept as {retired} ({reason}): drop it when it is no longer needed",)
            return ()
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {_quoted(candidate)} WITH (FORCE)")
