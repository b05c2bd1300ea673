"""Registering and editing a patient: generated from the core's ``PatientInput``, plus a unit for weight and height.

Weight and height may be typed in kg/lb and cm/in (the unit chosen, never guessed); they are converted to kg and cm
by ``quantities.parse_quantity`` and then checked by the core's ranges, like every other field.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django import forms

from ketamine_trd.clinic.form_errors import sentence
from ketamine_trd.clinic.inputs import InputForm, form_for
from ketamine_trd.clinic.records.quantities import PLAUSIBLE, parse_quantity
from ketamine_trd.clinical.inputs.registration import PatientInput
from ketamine_trd.errors import InputError

if TYPE_CHECKING:
    _Generated = InputForm
else:
    _Generated = form_for(PatientInput, exclude=("weight_kg", "height_cm"), name="PatientFormBase")
_LB_PER_KG, _IN_PER_CM = 1 / 0.45359237, 1 / 2.54


def _help(stored: str, unit: str, other: str, factor: float) -> str:
    low, high = PLAUSIBLE[stored]
    lowest, highest = math.ceil(float(low) * factor), math.floor(float(high) * factor)  # both inside the range
    return f"{low:f} to {high:f} {unit} (or {lowest} to {highest} {other})"


class PatientForm(_Generated):
    weight = forms.CharField(required=False, max_length=20, help_text=_help("weight_kg", "kg", "lb", _LB_PER_KG))
    weight_unit = forms.ChoiceField(choices=[("kg", "kg"), ("lb", "lb")], initial="kg")
    height = forms.CharField(required=False, max_length=20, help_text=_help("height_cm", "cm", "in", _IN_PER_CM))
    height_unit = forms.ChoiceField(choices=[("cm", "cm"), ("in", "in")], initial="cm")
    #: editing only: the version of the patient the form was filled from (a stale one is refused, 409)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["mrn", "given_name", "family_name", "date_of_birth", "sex", "weight", "weight_unit", "height",
                   "height_unit", "phone", "email", "version"]  # fmt: skip

    def _quantity(self, data: dict[str, Any], name: str, stored: str) -> Any:
        raw = (data.get(name) or "").strip()
        if not raw:
            return None
        try:
            return parse_quantity(stored, raw, data.get(f"{name}_unit") or "")
        except InputError as error:
            self.add_error(name, sentence(error))
            return None

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        data["weight_kg"] = self._quantity(data, "weight", "weight_kg")
        data["height_cm"] = self._quantity(data, "height", "height_cm")
        if self.errors:
            return data
        return super().clean()


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Name or MRN",
        error_messages={"max_length": "Name or MRN: at most %(limit_value)d characters."},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={
            "invalid": "Page: a whole page number from 1.",
            "min_value": "Page: a whole page number from 1.",
            "max_value": "Page: at most %(limit_value)s.",
        },
    )
