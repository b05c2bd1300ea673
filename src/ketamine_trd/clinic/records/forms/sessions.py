"""The chair-side forms: each is generated from the core's input type of its charting step.

Labels, ranges, units and choices come from ``clinical.inputs.charting``; the form adds nothing but widgets, the
discharge form's list of the clinic's monitoring providers (a nurse or prescriber chosen, never typed) and the
resolve form's list of the session's open adverse events (chosen by kind, severity and time, never an id typed).
:func:`chart_form` builds the form of one part for one session: only the fields the session's product takes
(``charting.fields_for``), each label with its unit, errors in a clinician's words (``form_errors.plain_sentence``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from ketamine_trd.clinic.form_errors import plain_sentence
from ketamine_trd.clinic.inputs import SpecField, form_for
from ketamine_trd.clinical.inputs import charting as c
from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.inputs.fields import Number
from ketamine_trd.clinical.labels import label
from ketamine_trd.clinical.monitoring.chart import ChartStep
from ketamine_trd.errors import InputError


class ChartField(SpecField):
    """A spec'd field whose refusal reads as a clinician would say it ("Systolic 300 mmHg is outside 40–260 mmHg")."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except forms.ValidationError:
            try:
                typed = self.inner.to_python(value)
            except forms.ValidationError:
                typed = value.strip() if isinstance(value, str) else value
            try:
                self.spec.parse(self.spec_name, typed)
            except InputError as error:
                raise forms.ValidationError(plain_sentence(error, self.spec), code="input") from None
            raise


class ChartForm(forms.Form):
    """Cross-field refusals of the core (diastolic above systolic) in a clinician's words, on the field named."""

    input_type: type[Any]

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        if self.errors:
            return data
        try:
            self.value = self.input_type(**self.input_values(data))  # type: ignore[attr-defined]
        except InputError as error:
            add_input_error(self, error)
        return data


def add_input_error(form: forms.Form, error: InputError) -> None:
    """Put ``error`` on the field it names in plain words (a safety check's own sentences as they are)."""
    field = form.fields.get(error.field)
    spec = getattr(field, "spec", None)
    form.add_error(error.field if field is not None else None, plain_sentence(error, spec))


def _chart_form(input_type: type[Any], name: str) -> type[forms.Form]:
    base = form_for(input_type, name=f"{name}Base")
    attrs: dict[str, Any] = {"__module__": __name__}
    for field_name, field in base.base_fields.items():
        if isinstance(field, SpecField):
            attrs[field_name] = ChartField(field.spec_name, field.spec, field.inner)
    return type(name, (ChartForm, base), attrs)


ChecklistForm = _chart_form(c.ChecklistInput, "ChecklistForm")
DoseForm = _chart_form(c.DoseInput, "DoseForm")
VitalsForm = _chart_form(c.VitalsInput, "VitalsForm")
RatingForm = _chart_form(c.RatingInput, "RatingForm")
AdverseEventForm = _chart_form(c.EventInput, "AdverseEventForm")
_ResolveEventBase = _chart_form(c.ResolveEventInput, "ResolveEventFormBase")
SignForm = form_for(c.SignInput, name="SignForm")
_DischargeBase = _chart_form(c.DischargeInput, "DischargeFormBase")


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
#: the step of the chart each part is charted on (vital signs also before dosing: the pre-dose blood pressure)
PART_STEP: dict[str, ChartStep] = {
    "checklist": ChartStep.BEFORE,
    "dose": ChartStep.DOSING,
    "vitals": ChartStep.MONITORING,
    "rating": ChartStep.MONITORING,
    "event": ChartStep.MONITORING,
    "resolve": ChartStep.MONITORING,
    "discharge": ChartStep.DISCHARGE,
}
#: what a saved part is called in the confirmation ("Pre-dose checklist saved.")
PART_WORDS: dict[str, str] = {
    "checklist": "Pre-dose checklist",
    "dose": "Dose",
    "vitals": "Vital signs",
    "rating": "Rating",
    "event": "Adverse event",
    "resolve": "Resolution of the adverse event",
    "discharge": "Discharge",
}


def label_with_unit(label: str, unit: str) -> str:
    """``"Systolic", "mmHg"`` -> ``"Systolic (mmHg)"``; a label that already names its unit is kept.

    >>> label_with_unit("Systolic", "mmHg"), label_with_unit("SPRAVATO devices", "devices")
    ('Systolic (mmHg)', 'SPRAVATO devices')
    """
    if not unit or unit.lower() in label.lower():
        return label
    return f"{label} ({unit})"


def chart_form(
    part: str,
    product: str,
    data: Any = None,
    *,
    initial: dict[str, Any] | None = None,
    providers: tuple[tuple[int, str], ...] = (),
    events: tuple[tuple[int, str], ...] = (),
) -> forms.Form:
    """The form of ``part`` for a session of ``product``: only the fields that product takes, labels with units.

    ``providers``: the discharge form's monitoring providers; ``events``: the resolve form's open adverse events.
    """
    cls = PARTS[part]
    kwargs: dict[str, Any] = {"prefix": part, "initial": initial or {}}
    if cls is DischargeForm:
        kwargs["providers"] = providers
    if cls is ResolveEventForm:
        kwargs["events"] = events
    form = cls(data, **kwargs)
    input_type = getattr(cls, "input_type", None)
    if input_type is not None:
        asked = set(c.fields_for(input_type, product))
        for name in [n for n, _ in specs_of(input_type) if n not in asked]:
            form.fields.pop(name, None)
    for name, field in form.fields.items():
        spec = getattr(field, "spec", None)
        if isinstance(spec, Number):
            field.label = label_with_unit(spec.label, spec.unit)
        if isinstance(field.widget, forms.CheckboxSelectMultiple):  # medicine classes in words, not codes
            field.inner.choices = [(code, label("medicine_class", code)) for code, _ in field.inner.choices]
            field.widget.choices = field.inner.choices
            continue
        field.widget.attrs.setdefault("id", f"id_{form.add_prefix(name)}")
    return form


def mark_errors(form: forms.Form) -> None:
    """The fields with errors marked for assistive technology (``aria-invalid``, ``aria-describedby`` to the
    message), the first focused (``autofocus``, so the page needs no script for it)."""
    first = True
    for name in form.errors:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"id_{form.add_prefix(name)}-error"
        if first:
            attrs["autofocus"] = True
            first = False
