"""Unicode fonts for the clinic's PDFs, taken from installed packages at run time (docs/adr, the PDF font decision).

reportlab's built-in Helvetica draws only WinAnsi (Latin-1 and a few more): "Ń", Chinese or Arabic names became
black boxes. The PDFs therefore use DejaVu Sans (regular, bold, oblique), which Matplotlib (a clinic dependency)
ships in ``matplotlib.get_data_path()/fonts/ttf``; nothing is copied into the repository. DejaVu covers Latin,
Greek, Cyrillic, Arabic (with its presentation forms) and Hebrew, but no CJK: for those a fallback font is
registered when a Debian font package provides one (``fonts-wqy-microhei``, installed by ``scripts/test``).
A character that no registered font can draw is never printed as a box: :func:`drawable_markup` replaces it with
the words "[N characters not printable]", and :func:`unprintable_note` gives the sentence the report prints.

Arabic and Hebrew are shaped and put into visual order (``arabic-reshaper`` and ``python-bidi``, clinic
dependencies), since reportlab draws glyphs left to right from the logical order.

>>> fonts().body
'KtrdSans'
>>> drawable_markup("A<B")
'A&lt;B'
>>> drawable_markup("\\U00013000 x")
'<i>[1 character not printable]</i> x'
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ketamine_trd.errors import DependencyMissing

__all__ = ["PdfFonts", "drawable_markup", "fonts", "has_unprintable", "styles", "unprintable_note"]

BODY, BOLD, ITALIC, BOLD_ITALIC, FALLBACK = "KtrdSans", "KtrdSans-Bold", "KtrdSans-Oblique", "KtrdSans-BoldOblique", (
    "KtrdFallback"
)
_DEJAVU = {
    BODY: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
#: Debian font packages with TrueType (glyf) CJK outlines that reportlab can embed, first found wins
FALLBACK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
)
_MARKER = "<i>[{n} character{s} not printable]</i>"


@dataclass(frozen=True)
class PdfFonts:
    """The registered font names and the characters each can draw."""

    body: str
    bold: str
    italic: str
    fallback: str | None
    fallback_file: str | None
    body_chars: frozenset[int]
    fallback_chars: frozenset[int]

    def font_for(self, char: str) -> str | None:
        """The font that draws ``char`` (the body font first), or None when no registered font can."""
        code = ord(char)
        if code in self.body_chars or char in "\t\n\r" or unicodedata.category(char) in ("Zs", "Cf"):
            return self.body
        if code in self.fallback_chars:
            return self.fallback
        return None


def _dejavu_folder() -> str:
    try:
        import matplotlib
    except ImportError as error:  # pragma: no cover - matplotlib is in the clinic extra
        raise DependencyMissing("matplotlib", "clinic") from error
    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


@functools.cache
def fonts(candidates: tuple[str, ...] = FALLBACK_CANDIDATES) -> PdfFonts:
    """Register DejaVu Sans (from Matplotlib) and the first fallback font present among ``candidates`` (once)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = _dejavu_folder()
    for name, filename in _DEJAVU.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, filename)))
    pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    for bold, italic, name in ((0, 0, BODY), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(BODY, bold, italic, name)
    body_chars = frozenset(pdfmetrics.getFont(BODY).face.charToGlyph)
    fallback, fallback_file, fallback_chars = None, None, frozenset[int]()
    for path in candidates:
        if os.path.exists(path):
            name = f"{FALLBACK}-{os.path.splitext(os.path.basename(path))[0]}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
            fallback, fallback_file = name, path
            fallback_chars = frozenset(pdfmetrics.getFont(name).face.charToGlyph)
            break
    return PdfFonts(BODY, BOLD, ITALIC, fallback, fallback_file, body_chars, fallback_chars)


def styles(candidates: tuple[str, ...] = FALLBACK_CANDIDATES) -> Any:
    """reportlab's sample style sheet with every style in the Unicode fonts (bold and italic kept)."""
    from reportlab.lib.styles import getSampleStyleSheet

    registered = fonts(candidates)
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        name = getattr(style, "fontName", "")
        bold, italic = "Bold" in name, "Oblique" in name or "Italic" in name
        style.fontName = {(True, True): BOLD_ITALIC, (True, False): registered.bold,
                          (False, True): registered.italic}.get((bold, italic), registered.body)  # fmt: skip
    return sheet


def _is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _visual(text: str) -> str:
    """Arabic joined into its contextual forms and right-to-left runs in visual order (names, short values)."""
    if not _is_rtl(text):
        return text
    try:
        import arabic_reshaper
        from bidi import get_display
    except ImportError as error:  # pragma: no cover - both are in the clinic extra
        raise DependencyMissing("arabic-reshaper and python-bidi", "clinic") from error
    return str(get_display(arabic_reshaper.reshape(text)))


def _runs(text: str, registered: PdfFonts) -> Iterator[tuple[str | None, str]]:
    """(font or None, text) runs of ``text``; a combining mark stays with the character before it."""
    current: str | None | bool = False
    buffer: list[str] = []
    for char in text:
        font = current if buffer and unicodedata.combining(char) else registered.font_for(char)
        if buffer and font != current:
            yield (current if isinstance(current, str) else None), "".join(buffer)
            buffer = []
        current = font
        buffer.append(char)
    if buffer:
        yield (current if isinstance(current, str) else None), "".join(buffer)


def drawable_markup(value: Any, candidates: tuple[str, ...] = FALLBACK_CANDIDATES) -> str:
    """``value`` as escaped paragraph markup: fallback-font runs tagged, undrawable runs named in words."""
    from ketamine_trd.clinic.pdf_markup import markup_text

    registered = fonts(candidates)
    parts = []
    for font, run in _runs(_visual(markup_text_plain(value)), registered):
        if font is None:
            n = len([c for c in run if not unicodedata.combining(c)]) or len(run)
            parts.append(_MARKER.format(n=n, s="" if n == 1 else "s"))
        elif font == registered.body:
            parts.append(markup_text(run))
        else:
            parts.append(f'<font name="{font}">{markup_text(run)}</font>')
    return "".join(parts)


def markup_text_plain(value: Any) -> str:
    """``value`` as text without the control characters the paragraph parser refuses (not yet escaped)."""
    from ketamine_trd.clinic.pdf_markup import strip_controls

    return strip_controls(str(value))


def has_unprintable(value: Any, candidates: tuple[str, ...] = FALLBACK_CANDIDATES) -> bool:
    """Whether some character of ``value`` cannot be drawn in the registered fonts."""
    registered = fonts(candidates)
    return any(font is None for font, _ in _runs(_visual(markup_text_plain(value)), registered))


def unprintable_note() -> str:
    """The sentence a PDF prints when it named characters it cannot draw."""
    return (
        "Some characters cannot be drawn with the fonts installed on this server and are shown as "
        "\"[N characters not printable]\"; the record in the clinic application shows them in full."
    )
