"""Refuse, in the database, any UPDATE or DELETE of a log entry or a count, any DELETE of a lot, and any UPDATE
of a lot's receipt columns (only its running stock, ``on_hand_mg`` and ``sealed_units``, moves).

As audit's 0002: on PostgreSQL a trigger that applies to every role; on SQLite ``BEFORE`` triggers that
``RAISE(ABORT)`` (SQLite has no roles, and a trigger is the one refusal it enforces on every connection).
"""

from __future__ import annotations

from django.db import migrations

APPEND_ONLY = ("controlled_entry", "controlled_count")
#: PostgreSQL: TRUNCATE is refused too (as audit's 0004); the test harness's flush lifts these (tests/conftest.py)
TRUNCATE_GUARDED = ("controlled_entry", "controlled_count", "controlled_lot")
RECEIPT_COLUMNS = ("clinic_id", "substance", "lot_number", "supplier_name", "supplier_address",
                   "supplier_registration", "expires_on", "units_received", "mg_per_unit",
                   "concentration_mg_per_ml", "volume_ml_per_unit", "received_on", "received_by_id",
                   "recorded_at")  # fmt: skip

_OLD_ROW = ", ".join(f"OLD.{c}" for c in RECEIPT_COLUMNS)
_NEW_ROW = ", ".join(f"NEW.{c}" for c in RECEIPT_COLUMNS)
PG_FORWARD = (
    f"""
CREATE OR REPLACE FUNCTION controlled_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION controlled_lot_receipt_fixed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'controlled_lot: DELETE refused';
    END IF;
    IF ROW({_OLD_ROW}) IS DISTINCT FROM ROW({_NEW_ROW}) THEN
        RAISE EXCEPTION 'controlled_lot: a receipt is not edited after signing; record a correction';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER controlled_lot_receipt_fixed BEFORE UPDATE OR DELETE ON controlled_lot
    FOR EACH ROW EXECUTE FUNCTION controlled_lot_receipt_fixed();
"""
    + "".join(
        f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION controlled_refuse_change();\n"
        for t in APPEND_ONLY
    )
    + "".join(
        f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION controlled_refuse_change();\n"
        for t in TRUNCATE_GUARDED
    )
)
PG_REVERSE = (
    "DROP TRIGGER IF EXISTS controlled_lot_receipt_fixed ON controlled_lot;\n"
    + "".join(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};\n" for t in APPEND_ONLY)
    + "".join(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};\n" for t in TRUNCATE_GUARDED)
    + "DROP FUNCTION IF EXISTS controlled_refuse_change();\nDROP FUNCTION IF EXISTS controlled_lot_receipt_fixed();"
)


def _sqlite_forward() -> list[str]:
    sql = [f"CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t} BEGIN "
           f"SELECT RAISE(ABORT, '{t} is append-only: {op} refused'); END;"
           for t in APPEND_ONLY for op in ("UPDATE", "DELETE")]  # fmt: skip
    sql.append("CREATE TRIGGER controlled_lot_no_delete BEFORE DELETE ON controlled_lot BEGIN "
               "SELECT RAISE(ABORT, 'controlled_lot: DELETE refused'); END;")  # fmt: skip
    sql.append(f"CREATE TRIGGER controlled_lot_receipt_fixed BEFORE UPDATE OF {', '.join(RECEIPT_COLUMNS)} "
               "ON controlled_lot BEGIN SELECT RAISE(ABORT, 'controlled_lot: a receipt is not edited after "
               "signing; record a correction'); END;")  # fmt: skip
    return sql


SQLITE_TRIGGERS = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")] + [
    "controlled_lot_no_delete", "controlled_lot_receipt_fixed"]  # fmt: skip


def add_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)
    elif vendor == "sqlite":
        for statement in _sqlite_forward():
            schema_editor.execute(statement, None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", None)


class Migration(migrations.Migration):
    dependencies = [("controlled", "0001_initial")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
