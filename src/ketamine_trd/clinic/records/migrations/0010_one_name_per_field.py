"""One name per field across layers (issue 18): the session columns and vital-sign time points take the core's names.

``dose_given_at`` -> ``dosed_at``, ``devices_count`` -> ``devices_used`` and ``dose_mg_per_kg`` -> ``mg_per_kg`` (the
names of ``clinical.inputs.DoseInput`` and the monitoring core); the stored time points ``pre_dose`` and ``post_40``
become ``predose`` and ``post-40``, the ids of the monitoring profiles' time points. Renames keep every value; the
time-point rewrite is reversible.
"""

from django.db import migrations, models

_TIMEPOINTS = {"pre_dose": "predose", "post_40": "post-40"}


def _rename_timepoints(apps, schema_editor, mapping=_TIMEPOINTS):  # type: ignore[no-untyped-def]
    vital_sign = apps.get_model("records", "VitalSign")
    for old, new in mapping.items():
        vital_sign.objects.filter(timepoint=old).update(timepoint=new)


def _restore_timepoints(apps, schema_editor):  # type: ignore[no-untyped-def]
    _rename_timepoints(apps, schema_editor, {new: old for old, new in _TIMEPOINTS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0009_drop_unwritten_session_columns"),
    ]

    operations = [
        migrations.RenameField(model_name="session", old_name="dose_given_at", new_name="dosed_at"),
        migrations.RenameField(model_name="session", old_name="devices_count", new_name="devices_used"),
        migrations.RenameField(model_name="session", old_name="dose_mg_per_kg", new_name="mg_per_kg"),
        migrations.AlterField(
            model_name="vitalsign",
            name="timepoint",
            field=models.CharField(
                choices=[
                    ("predose", "Before dosing"),
                    ("post-40", "About 40 minutes after dosing"),
                    ("discharge", "Before discharge"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=12,
            ),
        ),
        migrations.RunPython(_rename_timepoints, _restore_timepoints),
    ]
