"""Lock signed notes and keep addenda append-only, in the database (SQLite and PostgreSQL).

A note whose ``signed_at`` is set cannot be updated; an addendum can never be updated. The triggers apply to every
connection, the application's included: a correction is an addendum, never an edit.

DELETE: on PostgreSQL the triggers refuse deleting a signed note or any addendum (``TRUNCATE``, which only the
schema owner's maintenance and the test runner's flush use, fires no row trigger, as for the audit table). SQLite
has no ``TRUNCATE``: the test runner's flush deletes rows one table at a time, so there the models refuse the delete
(``Note.delete``, ``Addendum.delete``) and the database refuses only updates, as the audit table's model does.
"""

from __future__ import annotations

from django.db import migrations

_NOTE = "chartnotes_note is locked once signed: % refused (write an addendum)"
_ADDENDUM = "chartnotes_addendum is append-only: % refused"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION chartnotes_note_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION '{_NOTE}', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS chartnotes_note_lock ON chartnotes_note;
CREATE TRIGGER chartnotes_note_lock BEFORE UPDATE OR DELETE ON chartnotes_note
    FOR EACH ROW EXECUTE FUNCTION chartnotes_note_locked();
CREATE OR REPLACE FUNCTION chartnotes_addendum_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{_ADDENDUM}', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS chartnotes_addendum_append_only ON chartnotes_addendum;
CREATE TRIGGER chartnotes_addendum_append_only BEFORE UPDATE OR DELETE ON chartnotes_addendum
    FOR EACH ROW EXECUTE FUNCTION chartnotes_addendum_refuse();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS chartnotes_note_lock ON chartnotes_note;
DROP TRIGGER IF EXISTS chartnotes_addendum_append_only ON chartnotes_addendum;
DROP FUNCTION IF EXISTS chartnotes_note_locked();
DROP FUNCTION IF EXISTS chartnotes_addendum_refuse();
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER IF NOT EXISTS chartnotes_note_lock_update BEFORE UPDATE ON chartnotes_note "
    "WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, 'chartnotes_note is locked once signed: UPDATE "
    "refused (write an addendum)'); END",
    "CREATE TRIGGER IF NOT EXISTS chartnotes_addendum_no_update BEFORE UPDATE ON chartnotes_addendum "
    "BEGIN SELECT RAISE(ABORT, 'chartnotes_addendum is append-only: UPDATE refused'); END",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}" for name in ("chartnotes_note_lock_update", "chartnotes_addendum_no_update")
]


def add_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [("chartnotes", "0001_initial")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
