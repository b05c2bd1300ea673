"""Putting a domain error (``InputError`` and friends) on the form field it names."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from ketamine_trd.errors import CheckRefused, InputError, KtrdError


def add_domain_error(form: forms.Form, error: KtrdError, field_map: Mapping[str, str] | None = None) -> None:
    """Attach ``error`` to the form field it names (through ``field_map`` when the names differ)."""
    name = getattr(error, "field", None) if isinstance(error, InputError) else None
    if name is None and ":" in str(error):
        name = str(error).split(":", 1)[0]
    target = (field_map or {}).get(name or "", name)
    if target in form.fields:
        form.add_error(target, str(error))
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
