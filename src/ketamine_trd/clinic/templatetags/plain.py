"""Template filters for plain words: ``{{ value|label:"decision" }}`` (the core's label table)."""

from __future__ import annotations

from django import template

from ketamine_trd.clinical.labels import label as _label

register = template.Library()


@register.filter(name="label")
def label(code: object, vocabulary: str) -> str:
    """The clinician's words for ``code`` in ``vocabulary`` (clinical/labels.py)."""
    return _label(vocabulary, code)
