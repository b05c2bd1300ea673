"""Set-up shared by every suite.

On PostgreSQL the audit tables refuse TRUNCATE for every role (``audit/migrations/0004_refuse_truncate.py``, issue 16),
and Django empties the database after each transactional test (``transactional_db``, e.g. the schemathesis run and
the concurrency tests) with one TRUNCATE. Here, and only here, the test harness's own flush lifts the two guards for
that statement, inside the flush's transaction, and restores them before it commits: no test and no application
code can TRUNCATE the audit tables (``tests/security/test_audit_chain.py`` checks the refusal).
"""

from __future__ import annotations

import os
from typing import Any

#: (table, trigger) of the TRUNCATE guards
AUDIT_TRUNCATE_GUARDS = (
    ("audit_auditevent", "audit_event_no_truncate"),
    ("audit_auditchainhead", "audit_head_no_truncate"),
    # the controlled-substance log (controlled/migrations/0002_append_only.py)
    ("controlled_entry", "controlled_entry_no_truncate"),
    ("controlled_count", "controlled_count_no_truncate"),
    ("controlled_lot", "controlled_lot_no_truncate"),
)


def _sqlite_flush_past_the_log_guards() -> None:
    """SQLite's flush is a DELETE per table, which the controlled log's append-only triggers refuse: the harness's
    flush drops them and creates them again inside the flush's transaction (as the PostgreSQL one does above)."""
    import django.db.backends.sqlite3.base  # noqa: F401  (the backend first: its operations module needs it)
    from django.db.backends.sqlite3.operations import DatabaseOperations as SqliteOperations

    flush = SqliteOperations.sql_flush

    def sql_flush_past_the_log_guards(
        self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        from importlib import import_module

        sql = flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not sql or "controlled_entry" not in tables:
            return sql
        guards = import_module("ketamine_trd.clinic.controlled.migrations.0002_append_only")
        off = [f"DROP TRIGGER IF EXISTS {name};" for name in guards.SQLITE_TRIGGERS]
        return [*off, *sql, *guards._sqlite_forward()]

    SqliteOperations.sql_flush = sql_flush_past_the_log_guards  # type: ignore[method-assign]


def pytest_configure(config: Any) -> None:
    _sqlite_flush_past_the_log_guards()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.sql_flush

    def sql_flush_past_the_audit_guards(
        self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        sql = flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        guarded = [(table, trigger) for table, trigger in AUDIT_TRUNCATE_GUARDS if table in tables]
        if not sql or not guarded:
            return sql
        off = [f"ALTER TABLE {table} DISABLE TRIGGER {trigger};" for table, trigger in guarded]
        on = [f"ALTER TABLE {table} ENABLE TRIGGER {trigger};" for table, trigger in guarded]
        return [*off, *sql, *on]

    DatabaseOperations.sql_flush = sql_flush_past_the_audit_guards  # type: ignore[method-assign]
