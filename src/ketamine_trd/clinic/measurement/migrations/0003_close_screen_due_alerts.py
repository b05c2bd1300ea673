"""Close the open "screen due" alerts: screens due are on the due list now, not alerts (issue 11, item 4).

Every due screen shows on the due list at once (it is computed live). A screen overdue by more than the site's
grace is raised again as a "screen overdue" warning, under a new rule id (``surveillance.screen_overdue.*``),
the next time the patient's alerts are refreshed. Closed rows keep their history: no acknowledging user, the
migration's time and a note saying why. Acknowledged rows are left as they were.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

NOTE = (
    "Closed when screens due moved to the due list (not alerts); an overdue screen past the site's grace is "
    "raised again as a warning."
)


def close_screen_due_alerts(apps: Any, schema_editor: Any) -> None:
    alert = apps.get_model("measurement", "Alert")
    alert.objects.filter(
        kind="screen_due", acknowledged_at__isnull=True, rule__startswith="surveillance.screen_due."
    ).update(acknowledged_at=timezone.now(), acknowledgement_note=NOTE)


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0002_alert_vocabulary_and_open_level_index"),
    ]

    operations = [migrations.RunPython(close_screen_due_alerts, migrations.RunPython.noop)]
