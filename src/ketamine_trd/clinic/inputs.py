"""The one adapter from the core's input types to the web edge: a Django form and a django-ninja schema each.

``form_for(DoseInput)`` and ``schema_for(DoseInput)`` read the field specs of the core's frozen dataclass
(``clinical.inputs``); neither restates a range, a unit or a choice. Both parse every value with the spec's own
parser, so the form and the API accept and refuse the same values with the same message (the form shows it under
the field's label, without the field id in front: ``forms._errors.sentence``), and the form's
``to_input()`` and the schema's ``to_input()`` return the same core value, which the service takes.

A form may add fields of its own (an override reason, a unit chooser) by subclassing the generated form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django import forms
from django.http import QueryDict
from django.utils import timezone
from ninja import Schema
from pydantic import BeforeValidator, WithJsonSchema, create_model
from pydantic import Field as SchemaField

from ketamine_trd.clinic.form_errors import add_domain_error, sentence
from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.inputs.fields import Answers, Choice, Day, Flag, Many, Moment, Number, Spec, Text
from ketamine_trd.errors import InputError

__all__ = ["NOW_HELP", "InputForm", "InputSchema", "fill_blank_times", "form_for", "schema_for"]

#: the help under the time of a reading (``Moment(blank_is_now=True)``): blank is the moment the form is saved
NOW_HELP = "Leave blank for now (the time you save)."

_NO_CONTROL = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
_NO_CONTROL_ONE_LINE = r"^[^\u0000-\u001f\u007f]*$"
#: what a datetime-local widget sends (the clinic's wall-clock time); aware ISO times are read before these
_ISO_TIMES = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


# ---------------------------------------------------------------- forms


class SpecField(forms.Field):
    """A form field whose cleaning is the spec's parser (the message is the core's ``InputError``)."""

    def __init__(self, name: str, field_spec: Spec, inner: forms.Field) -> None:
        self.spec_name, self.spec, self.inner = name, field_spec, inner
        super().__init__(required=False, label=field_spec.label, help_text=_help_text(field_spec),
                         widget=inner.widget, initial=inner.initial)  # fmt: skip
        self.required = field_spec.required and not isinstance(inner, forms.BooleanField)

    def clean(self, value: Any) -> Any:
        try:
            typed = self.inner.to_python(value)
        except forms.ValidationError:
            typed = value.strip() if isinstance(value, str) else value
        if isinstance(typed, dt.datetime) and typed.tzinfo is None:
            typed = self.inner.clean(value)  # the clinic's time zone, as Django's DateTimeField does
        try:
            return self.spec.parse(self.spec_name, typed)
        except InputError as error:
            raise forms.ValidationError(sentence(error), code="input") from None


def _help_text(field_spec: Spec) -> str:
    """What a clinician reads under the field: the range and unit of a number, the rule of a patterned text.

    Dates, times, choices and yes/no fields say what they take through their widget, so they carry no help, except
    the time of a reading, which says that a blank one is the time it is saved.
    """
    if isinstance(field_spec, Moment) and field_spec.blank_is_now:
        return NOW_HELP
    if isinstance(field_spec, Number) or (isinstance(field_spec, Text) and field_spec.pattern_words):
        return field_spec.allowed()
    return field_spec.help if isinstance(field_spec, (Day, Text)) else ""


def _form_inner(field_spec: Spec, default: Any) -> forms.Field:
    if isinstance(field_spec, Number):
        step = "1" if field_spec.places == 0 else str(Decimal(1).scaleb(-field_spec.places))
        attrs = {"min": f"{field_spec.low:f}", "max": f"{field_spec.high:f}", "step": step, "inputmode": "decimal"}
        return forms.CharField(required=False, widget=forms.NumberInput(attrs=attrs))
    if isinstance(field_spec, Moment):
        # ISO 8601 only, as the API: never a locale's 02/03/2026, which reads as two different days
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.DateTimeField(required=False, widget=widget, input_formats=_ISO_TIMES)
    if isinstance(field_spec, Day):
        return forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               input_formats=["%Y-%m-%d"])  # fmt: skip
    if isinstance(field_spec, Flag):
        if default is False:
            return forms.BooleanField(required=False)
        return forms.NullBooleanField(required=False)
    if isinstance(field_spec, Choice):
        blank = [] if field_spec.required else [("", "—")]
        return forms.ChoiceField(required=False, choices=blank + field_spec.choices(), initial=default or None)
    if isinstance(field_spec, Many):
        return forms.MultipleChoiceField(required=False, choices=field_spec.choices(),
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    if isinstance(field_spec, Text):
        widget = forms.Textarea(attrs={"rows": 2}) if field_spec.multiline else forms.TextInput()
        widget.attrs["maxlength"] = str(field_spec.max_length)
        return forms.CharField(required=False, strip=False, widget=widget)
    raise TypeError(f"no form field for {type(field_spec).__name__}")


class InputForm(forms.Form):
    """A form generated from a core input type: ``clean()`` builds it, ``to_input()`` returns it."""

    input_type: type[Any]
    #: fields of the input type that a subclass fills itself (``clean_input_values``)
    derived: tuple[str, ...] = ()

    def input_values(self, data: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of the input type from the cleaned data (a subclass may add or convert)."""
        names = [f.name for f in dataclasses.fields(self.input_type)]
        return {name: data.get(name) for name in names if name in data}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.value = self.input_type(**self.input_values(data))
        except InputError as error:
            add_domain_error(self, error, self.field_map(error))
        return data

    def field_map(self, error: InputError) -> dict[str, str]:
        """Where an error naming a field the form shows under another name goes (a subclass says)."""
        return {}

    def to_input(self) -> Any:
        """The core input value (call after ``is_valid()``)."""
        return self.value


def form_for(input_type: type[Any], *, exclude: tuple[str, ...] = (), name: str | None = None) -> type[InputForm]:
    """A Django form class with one field per spec'd field of ``input_type`` (minus ``exclude``)."""
    attrs: dict[str, Any] = {"input_type": input_type, "__module__": __name__}
    defaults = {f.name: f.default for f in dataclasses.fields(input_type)}
    for field_name, field_spec in specs_of(input_type):
        if field_name in exclude:
            continue
        default = defaults[field_name]
        inner = _form_inner(field_spec, None if default is dataclasses.MISSING else default)
        attrs[field_name] = SpecField(field_name, field_spec, inner)
    return type(name or f"{input_type.__name__}Form", (InputForm,), attrs)


def fill_blank_times(form_class: type[InputForm], data: QueryDict, prefix: str, at: dt.datetime) -> QueryDict:
    """``data`` with each blank reading's time of ``form_class`` set to ``at`` (in the clinic's time, to the minute).

    For entries kept across a log-in: a reading left blank was saved, in the person's mind, when they pressed save
    (``at``), not when they log in again; the bound form shows that time for them to check.
    """
    filled = data.copy()
    local = timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
    for name, field_spec in specs_of(form_class.input_type):
        key = f"{prefix}-{name}" if prefix else name
        if isinstance(field_spec, Moment) and field_spec.blank_is_now and not (filled.get(key) or "").strip():
            filled[key] = local
    return filled


# ---------------------------------------------------------------- API schemas


def _json_schema(field_spec: Spec, default: Any) -> dict[str, Any]:
    described: dict[str, Any] = {"description": f"{field_spec.label}: {field_spec.allowed()}"}
    if isinstance(field_spec, Number):
        kind: dict[str, Any] = {
            "type": "integer" if field_spec.places == 0 else "number",
            "minimum": float(field_spec.low) if field_spec.places else int(field_spec.low),
            "maximum": float(field_spec.high) if field_spec.places else int(field_spec.high),
        }
        if field_spec.places:
            kind["multipleOf"] = float(Decimal(1).scaleb(-field_spec.places))
            described["description"] += " (a number, or the same as text)"
    elif isinstance(field_spec, Moment):
        kind = {"type": "string", "format": "date-time"}
    elif isinstance(field_spec, Day):
        kind = {"type": "string", "format": "date"}
    elif isinstance(field_spec, Flag):
        kind = {"type": "boolean"}
    elif isinstance(field_spec, Choice):
        kind = {"type": "string", "enum": list(field_spec.options)}
    elif isinstance(field_spec, Many):
        kind = {"type": "array", "items": {"type": "string", "enum": sorted(field_spec.options)}}
    elif isinstance(field_spec, Answers):
        kind = {"type": "object", "maxProperties": field_spec.max_items,
                "additionalProperties": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}  # fmt: skip
    elif isinstance(field_spec, Text):
        kind = {"type": "string", "maxLength": field_spec.max_length,
                "pattern": f"^{field_spec.pattern}$" if field_spec.pattern else
                (_NO_CONTROL if field_spec.multiline else _NO_CONTROL_ONE_LINE)}  # fmt: skip
        if field_spec.required:
            kind["minLength"] = max(1, field_spec.min_length)
    else:  # pragma: no cover - a new spec kind must say its schema
        raise TypeError(f"no JSON schema for {type(field_spec).__name__}")
    if not field_spec.required and not isinstance(field_spec, (Many, Answers)) and default is None:
        return {"anyOf": [kind, {"type": "null"}], **described}
    return {**kind, **described}


def _python_type(field_spec: Spec) -> Any:
    if isinstance(field_spec, Number):
        return int if field_spec.places == 0 else Decimal
    return {
        Moment: dt.datetime,
        Day: dt.date,
        Flag: bool,
        Choice: str,
        Text: str,
        Many: frozenset[str],
        Answers: dict[str, int | None],
    }[type(field_spec)]


class InputSchema(Schema):
    """A schema generated from a core input type; ``to_input()`` builds the core value (cross-field checks)."""

    input_type: ClassVar[type[Any]]

    def to_input(self) -> Any:
        """The core input value; an ``InputError`` names the field."""
        cls = self.input_type
        return cls(**{name: getattr(self, name) for name, _ in specs_of(cls)})


def schema_for(input_type: type[Any], name: str) -> type[InputSchema]:
    """A django-ninja schema with one field per spec'd field of ``input_type``, validated by the spec's parser."""
    defaults = {f.name: f.default for f in dataclasses.fields(input_type)}
    fields: dict[str, Any] = {}
    for field_name, field_spec in specs_of(input_type):
        default = defaults[field_name]
        if default is dataclasses.MISSING:  # a reading's time has no dataclass default; omitted, it is now
            default = ... if field_spec.required else None
        typed: Any = _python_type(field_spec)
        if not field_spec.required:
            typed = typed | None
        parse = _parser(field_name, field_spec)
        annotated = Annotated[typed, BeforeValidator(parse), WithJsonSchema(_json_schema(field_spec, default))]
        if isinstance(default, frozenset):
            fields[field_name] = (annotated, SchemaField(default_factory=frozenset))
        else:
            fields[field_name] = (annotated, SchemaField(default))
    base = type(f"{name}Base", (InputSchema,), {"__annotations__": {"input_type": "ClassVar[type[Any]]"},
                                                 "input_type": input_type, "__module__": __name__})  # fmt: skip
    return create_model(name, __base__=base, **fields)


def _parser(field_name: str, field_spec: Spec) -> Any:
    def parse(value: Any) -> Any:
        return field_spec.parse(field_name, value)

    return parse
