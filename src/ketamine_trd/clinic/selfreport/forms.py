"""The patient's forms: a date of birth, and one radio group per item (values from the engine's definition)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketamine_trd.clinical import instruments, self_report


class IdentityForm(forms.Form):
    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        help_text=_("For example 1980-04-23 (year-month-day)"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"invalid": _("Date of birth: enter a date as year-month-day, e.g. 1980-04-23.")},
    )


def field_name(instrument_id: str, item_id: str) -> str:
    return f"{instrument_id}__{item_id}"


def answers_form_class(texts: list[self_report.PatientText]) -> type[forms.Form]:
    """One required radio group per item; the allowed values are the instrument's, the words the text's."""
    fields: dict[str, Any] = {}
    for text in texts:
        words = dict(text.options)
        for item, item_text in zip(instruments.get(text.instrument_id).items, text.items, strict=True):
            fields[field_name(text.instrument_id, item.id)] = forms.TypedChoiceField(
                label=item_text,
                coerce=int,
                choices=[(v, words.get(int(v), str(v))) for v in item.allowed],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer for this question.")},
            )
    return type("AnswersForm", (forms.Form,), fields)


def answers_by_instrument(form: forms.Form, texts: list[self_report.PatientText]) -> dict[str, dict[str, int | None]]:
    out: dict[str, dict[str, int | None]] = {}
    for text in texts:
        items = instruments.get(text.instrument_id).items
        out[text.instrument_id] = {i.id: form.cleaned_data.get(field_name(text.instrument_id, i.id)) for i in items}
    return out


def grouped(form: forms.Form, texts: list[self_report.PatientText]) -> list[tuple[self_report.PatientText, list[Any]]]:
    """(text, bound fields) per instrument, for the template."""
    return [(t, [form[field_name(t.instrument_id, i.id)] for i in instruments.get(t.instrument_id).items])
            for t in texts]  # fmt: skip


class LinkForm(forms.Form):
    """Staff: which questionnaires, and where to send the link (blank: copy it yourself)."""

    instruments = forms.MultipleChoiceField(
        label="Questionnaires",
        choices=[(t.instrument_id, t.title) for t in self_report.BUILT_IN],
        initial=["phq9"],
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(label="E-mail the link to", required=False, help_text="blank: show the link to copy")


class TabletForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires",
        choices=[(t.instrument_id, t.title) for t in self_report.BUILT_IN],
        initial=["phq9"],
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(label="Your password (to hand this device to the patient)",
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))  # fmt: skip
