"""One score-entry form generated from an instrument definition of the engine.

Licence-gated instruments (``text_shareable`` false) show item ids and short labels only, never the
licensed item text. The form validates each answer against the item's allowed values (read from the
definition) so that an out-of-range value is refused naming the item; scoring stays in the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from ketamine_trd.clinic.inputs import NOW_HELP

__all__ = ["AcknowledgeForm", "assessment_form_class", "item_label"]


def item_label(instrument: Any, item: Any) -> str:
    """What the form shows for an item: its id and the engine's short label (the engine stores no item text)."""
    return f"{item.id}: {item.label}" if item.label else str(item.id)


def _allowed(item: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in item.allowed)


def _describe(values: tuple[int, ...]) -> str:
    if values and list(values) == list(range(values[0], values[-1] + 1)):
        return f"whole numbers {values[0]} to {values[-1]}"
    return ", ".join(str(v) for v in values)


class _ItemField(forms.IntegerField):
    def __init__(self, *, allowed: tuple[int, ...], item_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed = allowed
        self.item_id = item_id

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and self.allowed and value not in self.allowed:
            raise forms.ValidationError(
                f"{self.item_id}: {value} is not allowed (allowed: {_describe(self.allowed)})", code="out_of_range"
            )


class _AssessmentForm(forms.Form):
    instrument: Any = None
    administered_at = forms.DateTimeField(
        label="Administered at",
        required=False,  # blank: the moment it is saved (the service's clock), never the time the page was opened
        help_text=NOW_HELP,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def answers(self) -> dict[str, int | None]:
        """Item id -> value (None where left blank) from cleaned data."""
        return {str(item.id): self.cleaned_data.get(f"item_{item.id}") for item in self.instrument.items}


def assessment_form_class(instrument: Any, *, now: dt.datetime | None = None) -> type[_AssessmentForm]:
    """A Form class with one integer field per item of ``instrument`` (``item_<id>``), plus ``administered_at``."""
    fields: dict[str, Any] = {"instrument": instrument}
    for item in instrument.items:
        allowed = _allowed(item)
        attrs = {"min": min(allowed), "max": max(allowed)} if allowed else {}
        fields[f"item_{item.id}"] = _ItemField(
            label=item_label(instrument, item),
            required=False,
            allowed=allowed,
            item_id=str(item.id),
            help_text=f"allowed: {_describe(allowed)}" if allowed else "",
            widget=forms.NumberInput(attrs=attrs),
        )
    return type(f"{instrument.id}AssessmentForm", (_AssessmentForm,), fields)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
