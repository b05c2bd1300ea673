"""Clear dose and infusion values that the database holds but cannot read back (SQLite, before input types).

Before the core's input types were the one validation, the API stored values such as an infusion rate of
1e10 mL/h; SQLite keeps them, and every read of the row then fails (Django cannot fit them into the column's
digits). This migration finds each value too large for its column's digits (or not a finite number), prints
the session id, the column and the value (so the clinic can correct the chart from its paper record), and
clears it. Values that can be read are left as they are, even where the input type would now refuse them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations

#: decimal column -> the first magnitude it cannot hold (10 ** (max_digits - decimal_places), models.Session)
CAPACITY = {
    "dose_mg": Decimal(10) ** 5,
    "dose_mg_per_kg": Decimal(10) ** 2,
    "infusion_rate_ml_per_h": Decimal(10) ** 5,
    "concentration_mg_per_ml": Decimal(10) ** 4,
}


def _readable(raw: object, capacity: Decimal) -> bool:
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        return False
    return value.is_finite() and abs(value) < capacity


def clear_unreadable(apps, schema_editor, capacity_of=CAPACITY):  # type: ignore[no-untyped-def]
    """Clear unreadable values; ``capacity_of`` names the columns as they are at this migration (0010 renames one)."""
    table = schema_editor.connection.ops.quote_name("records_session")
    with schema_editor.connection.cursor() as cursor:
        for column, capacity in capacity_of.items():
            name = schema_editor.connection.ops.quote_name(column)
            cursor.execute(f"SELECT id, CAST({name} AS TEXT) FROM {table} WHERE {name} IS NOT NULL")  # noqa: S608
            bad = [(pk, raw) for pk, raw in cursor.fetchall() if not _readable(raw, capacity)]
            for pk, raw in bad:
                print(f"  session {pk}: {column} = {raw} cannot be read back; cleared")  # noqa: T201
                cursor.execute(f"UPDATE {table} SET {name} = NULL WHERE id = %s", [pk])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("records", "0007_fill_session_phase_from_course_history")]

    operations = [migrations.RunPython(clear_unreadable, migrations.RunPython.noop)]
