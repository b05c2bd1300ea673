"""On PostgreSQL, refuse TRUNCATE of the audit tables (the row triggers of 0002 do not fire on it).

A ``BEFORE TRUNCATE ... FOR EACH STATEMENT`` trigger applies to every role, the table owner
included, so that emptying the chain needs the trigger dropped first (itself a schema change
that a DBA can see). SQLite has no TRUNCATE; there ``ktrd audit verify`` refuses an empty chain
in a database that holds patient records.
"""

from __future__ import annotations

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""


def add_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_idempotent_request")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
