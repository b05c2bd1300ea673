"""The three statements of every audit write, compiled once per database and run with fresh values.

Every audited read writes one event: lock the chain head, insert the event, move the head. Through the ORM each
statement is compiled again on every request (about 0.1-0.2 ms of CPU each: a third of an API read's database
work, issue 17). Here the ORM compiles each statement once per database vendor (the same SQL, quoting and
placeholders it would send) and each write runs it with the values the ORM itself prepares for the row
(``Field.get_db_prep_save``: the same datetime, JSON and text adaptation). Nothing else about the chain
changes: the same rows, the same order, the same locks (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already holds the write lock), and the database's own append-only triggers still judge
every statement.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import sql

from ketamine_trd.clinic.audit.models import AuditChainHead, AuditEvent

_INSERT: dict[str, tuple[str, tuple[Any, ...]]] = {}
_EVENT_FIELDS = tuple(f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key)


def _insert_statement(connection: Any, event: AuditEvent) -> tuple[str, tuple[Any, ...]]:
    """The ORM's own ``INSERT ... RETURNING id`` for an audit event, compiled once per vendor."""
    cached = _INSERT.get(connection.vendor)
    if cached is None:
        query = sql.InsertQuery(AuditEvent)
        query.insert_values(_EVENT_FIELDS, [event])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [AuditEvent._meta.pk]
        [(statement, _params)] = compiler.as_sql()
        cached = _INSERT[connection.vendor] = (statement, _EVENT_FIELDS)
    return cached


def insert_event(event: AuditEvent, using: str = "default") -> AuditEvent:
    """Insert a new event (``pk`` set from the database) with the append-only guard of ``AuditEvent.save``."""
    if event.pk is not None or not event._state.adding:
        event.save()  # refuses: an update of a stored event
    connection = connections[using]
    statement, fields = _insert_statement(connection, event)
    params = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        if connection.features.can_return_columns_from_insert:  # RETURNING: PostgreSQL, SQLite >= 3.35
            event.pk = cursor.fetchone()[0]
        else:  # pragma: no cover - an older SQLite library
            event.pk = connection.ops.last_insert_id(cursor, AuditEvent._meta.db_table, AuditEvent._meta.pk.column)
    event._state.adding, event._state.db = False, using
    return event


def _table(model: Any, connection: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def read_head(*, for_update: bool, using: str = "default") -> AuditChainHead | None:
    """The chain head row (pk=1), locked for this transaction on PostgreSQL when ``for_update``; None if absent."""
    connection = connections[using]
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        table = _table(AuditChainHead, connection)  # names from the model, values as parameters
        cursor.execute(f"SELECT seq, hash FROM {table} WHERE id = %s{lock}", [1])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    head = AuditChainHead(pk=1, seq=int(row[0]), hash=str(row[1]))
    head._state.adding, head._state.db = False, using
    return head


def move_head(seq: int, hash_: str, using: str = "default") -> None:
    """Set the chain head to the newest event (the database's trigger refuses any step but +1 on PostgreSQL)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(AuditChainHead, connection)} SET seq = %s, hash = %s WHERE id = %s", [seq, hash_, 1]
        )  # noqa: S608 - names from the model
