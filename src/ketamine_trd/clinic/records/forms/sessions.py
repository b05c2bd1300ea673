"""The chair-side forms: each is generated from the core's input type of its charting step.

Labels, ranges, units and choices come from ``clinical.inputs.charting``; the form adds nothing but widgets, and
the discharge form's list of the clinic's monitoring providers (a nurse or prescriber chosen, never typed).
"""

from __future__ import annotations

from typing import Any

from django import forms

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinical.inputs import charting as c
from ketamine_trd.clinical.inputs.base import specs_of

ChecklistForm = form_for(c.ChecklistInput, name="ChecklistForm")
DoseForm = form_for(c.DoseInput, name="DoseForm")
VitalsForm = form_for(c.VitalsInput, name="VitalsForm")
RatingForm = form_for(c.RatingInput, name="RatingForm")
AdverseEventForm = form_for(c.EventInput, name="AdverseEventForm")
ResolveEventForm = form_for(c.ResolveEventInput, name="ResolveEventForm")
SignForm = form_for(c.SignInput, name="SignForm")
_DischargeBase = form_for(c.DischargeInput, name="DischargeFormBase")


class DischargeForm(_DischargeBase):  # type: ignore[misc,valid-type]
    """The discharge form; the monitoring provider is chosen from the clinic's nurses and prescribers."""

    def __init__(self, *args: Any, providers: tuple[tuple[int, str], ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = dict(specs_of(c.DischargeInput))["monitoring_hcp_id"].label
        self.fields["monitoring_hcp_id"] = forms.TypedChoiceField(
            required=False, coerce=int, empty_value=None, choices=[("", "—"), *providers], label=label
        )


PARTS: dict[str, type[forms.Form]] = {
    "checklist": ChecklistForm,
    "dose": DoseForm,
    "vitals": VitalsForm,
    "rating": RatingForm,
    "event": AdverseEventForm,
    "resolve": ResolveEventForm,
    "discharge": DischargeForm,
}
