"""Text for reportlab's paragraph markup: every stored value is escaped before it reaches a ``Paragraph``.

reportlab parses a ``Paragraph``'s text as markup: ``<a href=...>`` becomes a live link, ``<img src=...>``
reads a file (or a URL) into the PDF, and a stray ``<`` (``A<B``) fails the whole document. Stored values
(names, MRNs, lot numbers, free text) therefore go through :func:`markup_text`, which escapes ``& < >``
and the quote characters and drops the control characters that the parser refuses, so that they are
drawn as the text they are and the PDF never reads a file or the network on their behalf. Only the
report's own fixed strings may carry markup (``<b>``).

>>> markup_text("<img src='/etc/passwd'/> A<B & C")
'&lt;img src=&#x27;/etc/passwd&#x27;/&gt; A&lt;B &amp; C'
>>> markup_text("Nul\\x00byte\\tkept")
'Nulbyte\\tkept'
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["markup_text", "paragraph", "strip_controls"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_QUOTES = {'"': "&quot;", "'": "&#x27;"}


def strip_controls(value: str) -> str:
    """``value`` without the control characters (and lone surrogates) that the parser refuses."""
    return _CONTROL.sub("", value)


def markup_text(value: Any) -> str:
    """``value`` as text that reportlab's paragraph parser draws literally."""
    return escape(strip_controls(str(value)), _QUOTES)


def paragraph(value: Any, style: Any) -> Any:
    """A reportlab ``Paragraph`` showing ``value`` as plain text, wrapped at spaces to the width it is given.

    Escaped with :func:`markup_text`, in the Unicode fonts of :mod:`ketamine_trd.clinic.pdf_fonts` (runs that only
    the fallback font draws are tagged with it; characters no font draws are named in words, never boxes).
    """
    from reportlab.platypus import Paragraph

    from ketamine_trd.clinic.pdf_fonts import drawable_markup

    return Paragraph(drawable_markup(value), style)
