"""Registering and editing a patient: weight and height with an explicit unit (kg/lb, cm/in)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ketamine_trd.clinic.records.models import Sex
from ketamine_trd.clinic.records.quantities import parse_quantity
from ketamine_trd.clinic.records.services.patients import PatientInput
from ketamine_trd.errors import InputError


class PatientForm(forms.Form):
    mrn = forms.CharField(label="MRN", max_length=40, help_text="unique within this clinic")
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="YYYY-MM-DD")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    weight = forms.CharField(required=False, max_length=20, help_text="20 to 300 kg (or 44 to 661 lb)")
    weight_unit = forms.ChoiceField(choices=[("kg", "kg"), ("lb", "lb")], initial="kg")
    height = forms.CharField(required=False, max_length=20, help_text="100 to 250 cm (or 39 to 98 in)")
    height_unit = forms.ChoiceField(choices=[("cm", "cm"), ("in", "in")], initial="cm")
    phone = forms.CharField(required=False, max_length=40)
    email = forms.EmailField(required=False)
    #: editing only: the version of the patient the form was filled from (a stale one is refused, 409)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def _quantity(self, name: str, stored: str) -> Decimal | None:
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        try:
            return parse_quantity(stored, raw, self.cleaned_data.get(f"{name}_unit") or "")
        except InputError as error:
            self.add_error(name, str(error))
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["weight_kg"] = self._quantity("weight", "weight_kg")
        data["height_cm"] = self._quantity("height", "height_cm")
        return data

    def to_input(self) -> PatientInput:
        """The validated values (call after ``is_valid()``); construction errors name the field."""
        d = self.cleaned_data
        return PatientInput(
            mrn=d["mrn"].strip(),
            given_name=d["given_name"].strip(),
            family_name=d["family_name"].strip(),
            date_of_birth=d["date_of_birth"],
            sex=d["sex"],
            weight_kg=d.get("weight_kg"),
            height_cm=d.get("height_cm"),
            phone=d.get("phone", ""),
            email=d.get("email", ""),
        )


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="MRN or name starts with")
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
