"""Putting a domain error (``InputError`` and friends) on the form field it names (the forms of every app).

On a form the field's label already names the field, so the message shown under it is the error's sentence
without the field id in front (``130 is not allowed (allowed: below the systolic value (120 mmHg))``); the API
answers with the whole message (``diastolic_mmhg: 130 is not allowed ...``). Both come from the same error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from ketamine_trd.clinical.inputs.fields import Number
from ketamine_trd.errors import CheckRefused, InputError, KtrdError, UnitError


def sentence(error: KtrdError) -> str:
    """``str(error)`` without the ``field:`` in front (what a form shows under that field's label)."""
    text = str(error)
    name = getattr(error, "field", None)
    prefix = f"{name}: "
    return text[len(prefix) :] if name and text.startswith(prefix) else text


def add_domain_error(form: forms.Form, error: KtrdError, field_map: Mapping[str, str] | None = None) -> None:
    """Attach ``error`` to the form field it names (through ``field_map`` when the names differ)."""
    name = getattr(error, "field", None) if isinstance(error, InputError) else None
    if name is None and ":" in str(error):
        name = str(error).split(":", 1)[0]
    target = (field_map or {}).get(name or "", name)
    if target in form.fields:
        form.add_error(target, sentence(error) if isinstance(error, InputError) else str(error))
    else:
        form.add_error(None, str(error))


def add_check_error(form: forms.Form, error: KtrdError, field_map: Mapping[str, str] | None = None) -> None:
    """A refusal by a safety check (``CheckRefused``) shown as its clinician's sentences on the
    field it names; any other error as :func:`add_domain_error` shows it."""
    if not isinstance(error, CheckRefused):
        add_domain_error(form, error, field_map)
        return
    target = (field_map or {}).get(error.field, error.field)
    form.add_error(target if target in form.fields else None, error.allowed)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def plain_sentence(error: InputError, field_spec: Any = None) -> str:
    """``error`` as a clinician reads it at the top of a form: the field's words, the value with its unit, what
    is allowed, never a field id ("Systolic 300 mmHg is outside 40–260 mmHg (platform-defined plausibility
    range)."). A safety check's refusal (``CheckRefused``) is already in a clinician's sentences.

    >>> from ketamine_trd.clinical.inputs.fields import Number, Text
    >>> spec = Number("Weight", low=Decimal(30), high=Decimal(300), unit="kg", places=1)
    >>> plain_sentence(InputError("weight_kg", "400", spec.allowed()), spec)
    'Weight 400 kg is outside 30–300 kg.'
    >>> plain_sentence(InputError("lot_number", None, "text", reason="is missing"), Text("Lot number"))
    'Lot number is missing.'
    """
    if isinstance(error, CheckRefused):
        return error.allowed
    label = getattr(field_spec, "label", "") or error.field.replace("_", " ").capitalize()
    if error.reason == "is missing":
        return f"{label} is missing."
    unit = getattr(field_spec, "unit", "")
    shown = error.value.isoformat(timespec="minutes") if isinstance(error.value, dt.datetime) else error.value
    if isinstance(field_spec, Number) and not isinstance(error, UnitError):
        try:
            value = Decimal(str(error.value).strip())
        except InvalidOperation:
            return f"{label}: “{shown}” is not a number ({field_spec.allowed()})."
        if value.is_finite() and not field_spec.low <= value <= field_spec.high:
            with_unit = f" {unit}" if unit else ""
            return (f"{label} {_number(value)}{with_unit} is outside {_number(field_spec.low)}–"
                    f"{_number(field_spec.high)}{with_unit}"
                    + (" (platform-defined plausibility range)." if "plausibility" in field_spec.allowed() else "."))
        return f"{label} {_number(value)}{' ' + unit if unit else ''} is not accepted: {error.allowed}."
    if error.reason and error.reason != "is not allowed":
        return f"{label} {error.reason}: {error.allowed}."
    return f"{label} {shown} is not accepted: {error.allowed}."
