"""The chair-side forms: each is generated from the core's input type of its charting step.

Labels, ranges, units and choices come from ``clinical.inputs.charting``; the form adds nothing but widgets.
"""

from __future__ import annotations

from django import forms

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinical.inputs import charting as c

ChecklistForm = form_for(c.ChecklistInput, name="ChecklistForm")
DoseForm = form_for(c.DoseInput, name="DoseForm")
VitalsForm = form_for(c.VitalsInput, name="VitalsForm")
RatingForm = form_for(c.RatingInput, name="RatingForm")
AdverseEventForm = form_for(c.EventInput, name="AdverseEventForm")
ResolveEventForm = form_for(c.ResolveEventInput, name="ResolveEventForm")
DischargeForm = form_for(c.DischargeInput, name="DischargeForm")

PARTS: dict[str, type[forms.Form]] = {
    "checklist": ChecklistForm,
    "dose": DoseForm,
    "vitals": VitalsForm,
    "rating": RatingForm,
    "event": AdverseEventForm,
    "resolve": ResolveEventForm,
    "discharge": DischargeForm,
}
