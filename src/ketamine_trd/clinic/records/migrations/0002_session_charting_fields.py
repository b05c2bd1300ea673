"""Session fields the monitoring core asks for (REMS form answers), vitals and event names aligned with the core,
and the REMS record's clock as times."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("session", "discharge_at", "monitoring_completed_at"),
        migrations.AddField("session", "infusion_ended_at", models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            "session",
            "setting",
            models.CharField(default="outpatient", help_text="outpatient or inpatient (REMS)", max_length=12),
        ),
        migrations.AddField(
            "session",
            "ready_to_leave_minutes",
            models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                help_text="REMS evaluation question: minutes from the first device to ready to leave",
            ),
        ),
        migrations.AddField("session", "vitals_ok_before_administration", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "vitals_ok_before_completion", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "sedation_observed", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "dissociation_observed", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "respiratory_depression_observed", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "clinically_stable", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "safe_departure_arranged", models.BooleanField(blank=True, null=True)),
        migrations.AddField("session", "monitoring_hcp_name", models.CharField(blank=True, max_length=120)),
        migrations.RenameField("vitalsign", "spo2_pct", "spo2_percent"),
        migrations.AddField(
            "vitalsign", "respiratory_rate_per_min", models.PositiveSmallIntegerField(blank=True, null=True)
        ),
        migrations.AlterField("sessionrating", "value", models.PositiveSmallIntegerField()),
        migrations.RenameField("adverseevent", "term", "kind"),
        migrations.AlterField(
            "adverseevent",
            "kind",
            models.CharField(help_text="an event kind of clinical.monitoring.observations", max_length=60),
        ),
        migrations.RenameField("adverseevent", "onset_at", "noted_at"),
        migrations.RenameField("adverseevent", "notes", "details"),
        migrations.AlterField(
            "adverseevent",
            "severity",
            models.CharField(
                blank=True,
                choices=[("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe")],
                max_length=10,
            ),
        ),
        migrations.AlterModelOptions("adverseevent", {"ordering": ["noted_at", "id"]}),
        migrations.RemoveIndex("remsrecord", "records_rems_due"),
        migrations.RemoveField("remsrecord", "due_by"),
        migrations.AddField(
            "remsrecord", "due_at", models.DateTimeField(default=django.utils.timezone.now), preserve_default=False
        ),
        migrations.AddField(
            "remsrecord",
            "due_soon_from",
            models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            "remsrecord",
            "problems",
            models.JSONField(blank=True, default=list, help_text="PMF fields missing or out of rule"),
        ),
        migrations.AlterModelOptions("remsrecord", {"ordering": ["due_at", "id"]}),
        migrations.AddIndex(
            "remsrecord", models.Index(fields=["clinic", "status", "due_at"], name="records_rems_due_at")
        ),
    ]
