"""The log's forms, derived from the core's input types (``clinic.inputs.form_for``); the witness's user name and
password are fields of the waste form only (never of the core value)."""

from __future__ import annotations

from typing import Any

from django import forms

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinical.inputs.controlled import CorrectionInput, CountInput, ReceiptInput, WasteInput

__all__ = ["CorrectionForm", "CountForm", "ReceiptForm", "WasteForm"]

ReceiptForm = form_for(ReceiptInput)
_WasteBase = form_for(WasteInput)
_CountBase = form_for(CountInput)
_CorrectionBase = form_for(CorrectionInput)


def _hidden(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget = forms.HiddenInput()


class WasteForm(_WasteBase):  # type: ignore[misc,valid-type]
    """Waste of one lot, witnessed: the witness types their own user name and password on this form."""

    witness_username = forms.CharField(label="Witness user name", max_length=150, required=True)
    witness_password = forms.CharField(label="Witness password (typed by the witness)", required=True,
                                       widget=forms.PasswordInput(render_value=False))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _hidden(self, "lot_id")


class CountForm(_CountBase):  # type: ignore[misc,valid-type]
    """One lot's physical count within a reconciliation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _hidden(self, "lot_id")
        self.fields["reason"].widget.attrs["rows"] = 2


class CorrectionForm(_CorrectionBase):  # type: ignore[misc,valid-type]
    """Reverse one entry of a lot, with a reason."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["rows"] = 2
