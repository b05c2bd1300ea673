"""Putting a domain error (``InputError`` and friends) on the form field it names (the forms of every app).

On a form the field's label already names the field, so the message shown under it is the error's sentence
without the field id in front (``130 is not allowed (allowed: below the systolic value (120 mmHg))``); the API
answers with the whole message (``diastolic_mmhg: 130 is not allowed ...``). Both come from the same error.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from ketamine_trd.errors import CheckRefused, InputError, KtrdError


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
