"""Planning a course and changing its phase: generated from the core's input types (``clinical.inputs.courses``).

Labels, ranges, options and the monitoring profiles come from the core; the forms add only the password that
confirms an eligibility override (re-authentication is the web edge's, not an input of the course).
"""

from __future__ import annotations

from django import forms

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinical.inputs.charting import ScheduleInput
from ketamine_trd.clinical.inputs.courses import CourseInput, PhaseInput


def _password() -> forms.CharField:
    return forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password (confirms the override)",
    )  # fmt: skip


class CourseForm(form_for(CourseInput, name="CourseFormBase")):  # type: ignore[misc]
    """Planning a course; ``to_input()`` is the core's ``CourseInput``."""

    password = _password()


class PhaseForm(form_for(PhaseInput, name="PhaseFormBase")):  # type: ignore[misc]
    """Moving a course to its next phase; ``to_input()`` is the core's ``PhaseInput``."""

    password = _password()


#: booking a session: generated from the core's input type (``clinical.inputs.charting.ScheduleInput``)
ScheduleForm = form_for(ScheduleInput, name="ScheduleForm")
