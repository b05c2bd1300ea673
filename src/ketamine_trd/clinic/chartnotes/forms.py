"""The chart's forms, generated from the core's input types (``clinical.inputs.chart``): no range restated here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ketamine_trd.clinic.inputs import InputForm, form_for
from ketamine_trd.clinical.inputs.chart import AddendumInput, AllergyInput, MedicationInput, NoteInput, ProblemInput

__all__ = ["AddendumForm", "AllergyForm", "MedicationForm", "NoteForm", "ProblemForm"]

if TYPE_CHECKING:
    MedicationForm = AllergyForm = ProblemForm = NoteForm = AddendumForm = InputForm
else:
    MedicationForm = form_for(MedicationInput, name="MedicationForm")
    AllergyForm = form_for(AllergyInput, name="AllergyForm")
    ProblemForm = form_for(ProblemInput, name="ProblemForm")
    NoteForm = form_for(NoteInput, name="NoteForm")
    AddendumForm = form_for(AddendumInput, name="AddendumForm")

if not TYPE_CHECKING:
    for _name in ("subjective", "objective", "assessment", "plan"):
        NoteForm.base_fields[_name].widget.attrs["rows"] = "6"
    NoteForm.base_fields["kind"].widget = __import__("django").forms.HiddenInput()
    AddendumForm.base_fields["text"].widget.attrs["rows"] = "4"
