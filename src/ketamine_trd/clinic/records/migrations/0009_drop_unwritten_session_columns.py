"""Drop three columns of records.Session that nothing ever wrote (issue 18: dead code).

``checklist_result`` (the checklist verdict is recomputed by the core from ``checklist``), ``discharge_note`` and
``notes`` (free text with no form, API field or import that fills it). Every row holds the column default, so no
data is lost; a rollback re-creates them empty.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0008_repair_unreadable_dose_values"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="session",
            name="checklist_result",
        ),
        migrations.RemoveField(
            model_name="session",
            name="discharge_note",
        ),
        migrations.RemoveField(
            model_name="session",
            name="notes",
        ),
    ]
