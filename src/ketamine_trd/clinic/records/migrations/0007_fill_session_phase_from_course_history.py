"""Fill ``Session.phase`` of every dosed session from its course's history (issue 11, item 5).

Before this, the phase of a past dose was read from the course's *current* phase. The course history is in the
audit trail: ``change_phase`` writes one ``update`` event with ``phase`` among its changed fields per move, and
the course workflow moves forward only (evaluation -> induction -> maintenance -> ended, any phase may end), so
the current phase and the number of moves give the path, and the events' times say when each move happened.

A dose takes the phase its course was in at ``dose_given_at``. Where the history cannot say (no audit events, a
count that fits no path, or a dose charted before the course's recorded move to induction, as seeded data does),
the plan's calendar decides: on or before the end-of-induction review day, induction; after it, maintenance if the
course reached maintenance (platform-defined, the rule the research export used). A dose charted after the course
ended takes the last treatment phase before the end.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db import migrations

#: (current phase, number of recorded phase moves) -> the phases the course went through, in order
PATHS: dict[tuple[str, int], tuple[str, ...]] = {
    ("evaluation", 0): ("evaluation",),
    ("induction", 1): ("evaluation", "induction"),
    ("maintenance", 2): ("evaluation", "induction", "maintenance"),
    ("ended", 1): ("evaluation", "ended"),
    ("ended", 2): ("evaluation", "induction", "ended"),
    ("ended", 3): ("evaluation", "induction", "maintenance", "ended"),
}
TREATMENT = ("induction", "maintenance")


def _moves(audit_event: Any) -> dict[str, list[dt.datetime]]:
    """Course id -> the times of its phase moves, in the order they were written."""
    moves: dict[str, list[dt.datetime]] = {}
    rows = audit_event.objects.filter(object_type="records.course", action="update", outcome="success")
    for object_id, at, changed in rows.order_by("seq").values_list("object_id", "at", "changed_fields"):
        if isinstance(changed, list) and "phase" in changed:
            moves.setdefault(object_id, []).append(at)
    return moves


def _by_calendar(course: Any, dosed_on: dt.date, reached_maintenance: bool) -> str:
    review = course.review_due_on
    if review is not None and dosed_on > review and reached_maintenance:
        return "maintenance"
    return "induction"


def phase_given_in(course: Any, dosed_at: dt.datetime, moves: list[dt.datetime], zone: dt.tzinfo) -> str:
    """The phase ``course`` was in when a dose was given at ``dosed_at`` (see the module docstring)."""
    path = PATHS.get((course.phase, len(moves)))
    reached_maintenance = "maintenance" in path if path else course.phase in ("maintenance", "ended")
    dosed_on = dosed_at.astimezone(zone).date()
    if path is None:
        return _by_calendar(course, dosed_on, reached_maintenance)
    phase = path[sum(1 for at in moves if at <= dosed_at)]
    if phase in TREATMENT:
        return phase
    if phase == "ended":
        before = [p for p in path if p in TREATMENT]
        return before[-1] if before else "evaluation"
    if any(p in TREATMENT for p in path):  # dosed before the recorded move to induction
        return _by_calendar(course, dosed_on, reached_maintenance)
    return "evaluation"  # the course never left evaluation: that is the phase the dose was given in


def fill_session_phase(apps: Any, schema_editor: Any, dosed_field: str = "dose_given_at") -> None:
    """Fill the phase of each dosed session; ``dosed_field`` names the column as at this migration (0010 renamed it)."""
    session_model = apps.get_model("records", "Session")
    moves = _moves(apps.get_model("audit", "AuditEvent"))
    dosed = session_model.objects.filter(**{f"{dosed_field}__isnull": False, "phase": ""}).select_related(
        "course", "patient__clinic"
    )
    for session in dosed.iterator(chunk_size=500):
        zone = zoneinfo.ZoneInfo(session.patient.clinic.time_zone or "UTC")
        session.phase = phase_given_in(
            session.course, getattr(session, dosed_field), moves.get(str(session.course_id), []), zone
        )
        session.save(update_fields=["phase"])


def clear_session_phase(apps: Any, schema_editor: Any) -> None:
    apps.get_model("records", "Session").objects.update(phase="")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_session_phase"),
        ("audit", "0002_append_only"),
    ]

    operations = [migrations.RunPython(fill_session_phase, clear_session_phase)]
