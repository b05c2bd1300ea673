"""The chair-side forms: each is generated from the core's input type of its charting step.

Labels, ranges, units and choices come from ``clinical.inputs.charting``; the form adds nothing but widgets, the
discharge form's list of the clinic's monitoring providers (a nurse or prescriber chosen, never typed) and the
resolve form's list of the session's open adverse events (chosen by kind, severity and time, never an id typed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinical.inputs import charting as c
from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.labels import label

ChecklistForm = form_for(c.ChecklistInput, name="ChecklistForm")
DoseForm = form_for(c.DoseInput, name="DoseForm")
VitalsForm = form_for(c.VitalsInput, name="VitalsForm")
RatingForm = form_for(c.RatingInput, name="RatingForm")
AdverseEventForm = form_for(c.EventInput, name="AdverseEventForm")
_ResolveEventBase = form_for(c.ResolveEventInput, name="ResolveEventFormBase")
SignForm = form_for(c.SignInput, name="SignForm")
_DischargeBase = form_for(c.DischargeInput, name="DischargeFormBase")


class DischargeForm(_DischargeBase):  # type: ignore[misc,valid-type]
    """The discharge form; the monitoring provider is chosen from the clinic's nurses and prescribers."""

    def __init__(self, *args: Any, providers: tuple[tuple[int, str], ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monitoring_hcp_id"] = _chosen_id(c.DischargeInput, "monitoring_hcp_id", providers)


def _chosen_id(input_type: type[Any], name: str, options: Iterable[tuple[int, str]]) -> forms.TypedChoiceField:
    """The id field ``name`` of ``input_type`` as a choice among ``options`` ((id, words) pairs)."""
    field_spec = dict(specs_of(input_type))[name]
    blank = [] if field_spec.required else [("", "—")]
    return forms.TypedChoiceField(required=field_spec.required, coerce=int, empty_value=None,
                                  choices=[*blank, *options], label=field_spec.label)  # fmt: skip


def open_event_choices(events: Iterable[Any]) -> tuple[tuple[int, str], ...]:
    """(id, "Nausea, moderate, noted 09:40") for each adverse event not yet resolved, in the clinic's time."""
    severities = dict(c.ADVERSE_EVENT_SEVERITIES)
    choices = []
    for event in sorted(events, key=lambda e: (e.noted_at, e.pk)):
        if event.resolved_at is not None:
            continue
        words = [label("adverse_event_kind", event.kind)]
        if event.severity:
            words.append(severities.get(event.severity, event.severity).lower())
        words.append(f"noted {timezone.localtime(event.noted_at):%H:%M}")
        choices.append((event.pk, ", ".join(words)))
    return tuple(choices)


class ResolveEventForm(_ResolveEventBase):  # type: ignore[misc,valid-type]
    """The resolve form; the event is chosen from the session's open adverse events (``open_event_choices``)."""

    def __init__(self, *args: Any, events: tuple[tuple[int, str], ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_id"] = _chosen_id(c.ResolveEventInput, "event_id", events)


PARTS: dict[str, type[forms.Form]] = {
    "checklist": ChecklistForm,
    "dose": DoseForm,
    "vitals": VitalsForm,
    "rating": RatingForm,
    "event": AdverseEventForm,
    "resolve": ResolveEventForm,
    "discharge": DischargeForm,
}
