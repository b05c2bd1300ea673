"""Forms of the site app, generated from the core's input types (``clinical.inputs.site``); no range restated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms

from ketamine_trd.clinic.inputs import InputForm, form_for
from ketamine_trd.clinical.inputs.site import (
    WEEKDAYS,
    ConsentAcceptanceInput,
    ConsentDocumentInput,
    ConsentOverrideInput,
    SiteSettingsInput,
)

if TYPE_CHECKING:
    _Settings: TypeAlias = InputForm
    _Document: TypeAlias = InputForm
    _Acceptance: TypeAlias = InputForm
    _Override: TypeAlias = InputForm
else:
    _Settings = form_for(SiteSettingsInput, name="SiteSettingsFormBase")
    _Document = form_for(ConsentDocumentInput, name="ConsentDocumentForm")
    _Acceptance = form_for(ConsentAcceptanceInput, name="ConsentAcceptanceFormBase")
    _Override = form_for(ConsentOverrideInput, name="ConsentOverrideForm")

ConsentDocumentForm = _Document
ConsentOverrideForm = _Override


class SiteSettingsForm(_Settings):
    """The settings, plus why they changed and the version the admin started from (a later save is refused)."""

    reason = forms.CharField(label="Why this change", max_length=300, required=False)
    number = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        self.fields["closed_weekdays"].widget.choices = list(zip(WEEKDAYS, days, strict=True))  # Monday first


class ConsentAcceptanceForm(_Acceptance):
    """The acceptance with the document and the witness chosen from lists (the service checks both again)."""

    def __init__(self, *args: Any, documents: Any = (), witnesses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_id"].widget = forms.Select(choices=[(d.pk, f"{d.title} (v{d.version})")
                                                                  for d in documents])  # fmt: skip
        self.fields["witness_id"].widget = forms.Select(choices=[("", "— choose the witness —"), *witnesses])
        for name in ("document_id", "witness_id"):  # chosen from a list: the id range means nothing to a person
            self.fields[name].help_text = ""
