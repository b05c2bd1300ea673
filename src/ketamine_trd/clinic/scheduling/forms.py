"""The scheduling forms, generated from the core's input types (``clinical.inputs.scheduling``).

The chair field is the core's id number; the forms only show it as a list of the clinic's active chairs.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinical.inputs.scheduling import (
    BookCourseInput,
    CancelInput,
    ChairInput,
    ClosedDayInput,
    HoursInput,
    MoveInput,
)

ChairForm = form_for(ChairInput, name="ChairForm")
ClosedDayForm = form_for(ClosedDayInput, name="ClosedDayForm")
HoursForm = form_for(HoursInput, name="HoursForm")
CancelForm = form_for(CancelInput, name="CancelForm")


def _chair_select(form: forms.Form, chairs: Any) -> None:
    field = form.fields["chair_id"]
    field.widget = forms.Select(choices=[("", "Choose a chair")] + [(c.pk, c.name) for c in chairs])
    field.help_text = "one of the clinic's chairs in service"


class BookForm(form_for(BookCourseInput, name="BookFormBase")):  # type: ignore[misc]
    """Book a course's planned calendar; ``to_input()`` is the core's ``BookCourseInput``."""

    def __init__(self, *args: Any, chairs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chair_select(self, chairs)


class MoveForm(form_for(MoveInput, name="MoveFormBase")):  # type: ignore[misc]
    """Move one booked session; ``to_input()`` is the core's ``MoveInput``."""

    def __init__(self, *args: Any, chairs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chair_select(self, chairs)
