"""``{{ value }}`` in Python: a value written out exactly as Django's template engine writes a variable.

For markup drawn in Python in place of a template (the form renderer, the dashboard's rows; issue 17): the
engine's own output function, ``render_value_in_context``, in a plain context (autoescape on, the settings'
localisation and time zone), so localisation and escaping cannot drift from the template's.
"""

from __future__ import annotations

from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context

_PLAIN = Context()  # what a template rendered from a dict gets: autoescape on, settings' l10n and tz


def output(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless already safe."""
    return str(render_value_in_context(value, _PLAIN))
