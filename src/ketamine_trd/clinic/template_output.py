"""``{{ value }}`` in Python: a value written out exactly as Django's template engine writes a variable.

For markup drawn in Python in place of a template (the form renderer, the dashboard's rows; issue 17): the
engine's own output function, ``render_value_in_context``, in a plain context (autoescape on, the settings'
localisation and time zone), so localisation and escaping cannot drift from the template's.
"""

from __future__ import annotations

import html
from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context

_PLAIN = Context()  # what a template rendered from a dict gets: autoescape on, settings' l10n and tz


def output(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless already safe.

    A plain ``str`` (not a ``SafeString``, not a lazy translation) takes a short cut with the same result: the
    engine neither localises nor converts a string, and its escaping of one is ``html.escape`` (Django's
    ``escape``); the dashboard writes a dozen strings per critical alert, hundreds of alerts a page.
    """
    if type(value) is str:
        return html.escape(value)
    return str(render_value_in_context(value, _PLAIN))
