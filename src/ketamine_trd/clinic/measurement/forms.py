"""One score-entry form generated from an instrument definition of the engine, and the acknowledgement form.

Licence-gated instruments (``text_shareable`` false) show item ids and short labels only, never the
licensed item text. The form builds the core's ``AssessmentInput`` (``clinical.inputs.measurement``) from its
item fields, so an answer is refused by the instrument's own definition, naming the item, with the words the
API uses; scoring stays in the engine. The acknowledgement form is generated from ``AcknowledgeInput``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from ketamine_trd.clinic.inputs import InputForm, form_for
from ketamine_trd.clinical.inputs.measurement import AcknowledgeInput, AssessmentInput
from ketamine_trd.errors import InputError

__all__ = ["AcknowledgeForm", "WorklistFilterForm", "assessment_form_class", "item_label"]


def item_label(instrument: Any, item: Any) -> str:
    """What the form shows for an item: its id and the engine's short label (the engine stores no item text)."""
    return f"{item.id}: {item.label}" if item.label else str(item.id)


def _allowed(item: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in item.allowed)


def _describe(values: tuple[int, ...]) -> str:
    if values and list(values) == list(range(values[0], values[-1] + 1)):
        return f"whole numbers {values[0]} to {values[-1]}"
    return ", ".join(str(v) for v in values)


#: the generated part: when it was given (the item fields are the instrument's, the links are the API's)
_TimeForm = form_for(AssessmentInput, exclude=("instrument_id", "answers", "course_id", "session_id"),
                     name="AssessmentTimeForm")  # fmt: skip


class _AssessmentForm(_TimeForm):  # type: ignore[misc,valid-type]
    instrument: Any = None

    def answers(self) -> dict[str, int | None]:
        """Item id -> value (None where left blank) from cleaned data."""
        return {str(item.id): self.cleaned_data.get(f"item_{item.id}") for item in self.instrument.items}

    def input_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"instrument_id": self.instrument.id, "answers": self.answers(), **super().input_values(data)}

    def field_map(self, error: InputError) -> dict[str, str]:
        """An item named ``phq9.q3`` by the instrument is shown under its field ``item_q3``."""
        return {error.field: f"item_{error.field.rsplit('.', 1)[-1]}"}


def assessment_form_class(instrument: Any, *, now: dt.datetime | None = None) -> type[_AssessmentForm]:
    """A Form class with one integer field per item of ``instrument`` (``item_<id>``), plus ``administered_at``."""
    fields: dict[str, Any] = {"instrument": instrument}
    for item in instrument.items:
        allowed = _allowed(item)
        attrs = {"min": min(allowed), "max": max(allowed)} if allowed else {}
        fields[f"item_{item.id}"] = forms.IntegerField(
            label=item_label(instrument, item),
            required=False,
            help_text=f"allowed: {_describe(allowed)}" if allowed else "",
            widget=forms.NumberInput(attrs=attrs),
        )
    return type(f"{instrument.id}AssessmentForm", (_AssessmentForm,), fields)


#: acknowledging an alert: generated from the core's input type
AcknowledgeForm: type[InputForm] = form_for(AcknowledgeInput, name="AcknowledgeForm")


def _level_choices() -> list[tuple[str, str]]:
    from ketamine_trd.clinical.alert_vocabulary import AlertLevel
    from ketamine_trd.clinical.labels import label

    return [("", "All levels")] + [(lvl.value, label("alert_level", lvl.value)) for lvl in AlertLevel.descending()]


def _kind_choices() -> list[tuple[str, str]]:
    from ketamine_trd.clinical.alert_vocabulary import AlertKind
    from ketamine_trd.clinical.labels import label

    return [("", "All kinds")] + sorted(
        ((k.value, label("alert_kind", k.value)) for k in AlertKind), key=lambda c: c[1]
    )


def _choice_field(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    allowed = ", ".join(text for value, text in choices if value)
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        error_messages={"invalid_choice": f"{label}: “%(value)s” is not one of {allowed}."},
    )


class WorklistFilterForm(forms.Form):
    """The worklist's GET parameters (``level``, ``kind``, ``patient``, ``page``), each refused by name when bad."""

    level = _choice_field("Level", _level_choices())
    kind = _choice_field("Kind", _kind_choices())
    patient = forms.IntegerField(
        label="Patient",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Patient: choose a patient from the list (a patient number).",
            "min_value": "Patient: choose a patient from the list (a patient number).",
        },
    )
    page = forms.IntegerField(
        label="Page",
        required=False,
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "invalid": "Page: a whole page number from 1.",
            "min_value": "Page: a whole page number from 1.",
            "max_value": "Page: a whole page number from 1.",
        },
    )
