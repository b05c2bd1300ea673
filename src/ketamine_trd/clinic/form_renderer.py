"""Django's form renderer with the stock widget templates written out in Python: the same bytes, faster.

Every form field on a page is drawn by Django through one to four small templates (``input.html`` includes
``attrs.html``; a checkbox list includes ``multiple_input.html``, then ``checkbox_option.html``,
``input_option.html`` and ``input.html`` per box). Each include costs a template context push and a node walk:
on the chair-side page, 2 forms of about 25 widgets took 7 of the page's 23 ms of CPU (``bench/profile_pages.py``,
issue 17). This renderer draws the stock widget and label templates of ``django/forms/`` in plain Python, value
by value through the template engine's own output function (``render_value_in_context``: the same localisation
and escaping) and the same ``stringformat`` filter, and falls back to the template for anything else: another
template name, a widget template that the project or an app overrides (checked once, by where the template
loader finds it), an option drawn by a custom template, an ``attrs`` dict with a key the template language would
read differently (``items``).

The output is byte-identical to Django's: ``tests/clinic/test_form_renderer.py`` compares both renderers on the
tricky cases, and with ``KTRD_FORM_RENDERER_CHECK`` (on in the test settings) every widget that the whole test
suite renders is drawn both ways and compared, a difference raising at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, SafeString, mark_safe

from ketamine_trd.clinic.template_output import output as _out

_W = "django/forms/widgets/"
_INPUT_WRAPPERS = ("checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password",
                   "search", "tel", "text", "time", "url")  # fmt: skip
_OPTION_TEMPLATES = {_W + "select_option.html", _W + "checkbox_option.html", _W + "radio_option.html"}


def _out_s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` (``stringformat`` is a safe filter: safe input stays safe)."""
    formatted = stringformat(value, "s")
    return _out(mark_safe(formatted) if isinstance(value, SafeData) else formatted)  # noqa: S308 - as Django's


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``attrs.html`` (no trailing newline in the file)."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _out(name) + ("" if value is True else '="' + _out_s(value) + '"'))
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """``input.html``."""
    value = "" if widget["value"] is None else ' value="' + _out_s(widget["value"]) + '"'
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _input_option(widget: Mapping[str, Any]) -> str:
    """``input_option.html`` (``checkbox_option.html`` and ``radio_option.html`` include it)."""
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    ident = widget["attrs"].get("id")
    opening = "<label" + (f' for="{_out(ident)}"' if ident else "") + ">"
    return opening + _input(widget) + " " + _out(widget["label"]) + "</label>\n"


def _select_option(widget: Mapping[str, Any]) -> str:
    """``select_option.html``."""
    return f'<option value="{_out_s(widget["value"])}"{_attrs(widget["attrs"])}>{_out(widget["label"])}</option>\n'


def _option(option: Mapping[str, Any]) -> str:
    """``{% include option.template_name with widget=option %}``."""
    if option["template_name"] == _W + "select_option.html":
        return _select_option(option)
    return _input_option(option) + "\n"  # checkbox_option.html / radio_option.html: the include and a newline


def _select(widget: Mapping[str, Any]) -> str:
    """``select.html``."""
    parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: Mapping[str, Any]) -> str:
    """``multiple_input.html`` (``checkbox_select.html`` and ``radio.html`` include it)."""
    attrs = widget["attrs"]
    ident, css = attrs.get("id"), attrs.get("class")
    parts = ["<div" + (f' id="{_out(ident)}"' if ident else "") + (f' class="{_out(css)}"' if css else "") + ">"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_out(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _option(option) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    """``textarea.html``."""
    value = _out(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'


def _label(context: Mapping[str, Any]) -> str:
    """``django/forms/label.html``."""
    if not context["use_tag"]:
        return _out(context["label"]) + "\n"
    tag = _out(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_out(context['label'])}</{tag}>\n"


def _widget_drawer(draw: Callable[[Mapping[str, Any]], str], *, wrapped: bool) -> Callable[[Mapping[str, Any]], str]:
    def drawer(context: Mapping[str, Any]) -> str:
        return draw(context["widget"]) + ("\n" if wrapped else "")

    return drawer


_DRAWERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{f"{_W}{name}.html": _widget_drawer(_input, wrapped=True) for name in _INPUT_WRAPPERS},
    _W + "input.html": _widget_drawer(_input, wrapped=False),
    _W + "select.html": _widget_drawer(_select, wrapped=False),
    _W + "checkbox_select.html": _widget_drawer(_multiple_input, wrapped=True),
    _W + "radio.html": _widget_drawer(_multiple_input, wrapped=True),
    _W + "multiple_input.html": _widget_drawer(_multiple_input, wrapped=False),
    _W + "textarea.html": _widget_drawer(_textarea, wrapped=False),
    "django/forms/label.html": _label,
}
#: the templates the drawers stand for, and the ones they include (an override of any of them turns its drawer off)
_INCLUDED = {
    _W + "input.html", _W + "attrs.html", _W + "input_option.html", "django/forms/attrs.html",
    *_OPTION_TEMPLATES, _W + "multiple_input.html",
}  # fmt: skip
_DJANGO_FORMS = Path(django.__file__).resolve().parent / "forms" / "templates"


def _drawable(context: Mapping[str, Any]) -> bool:
    """Whether the Python drawers read this context exactly as the templates would."""
    widget = context.get("widget", context)
    if not isinstance(widget, Mapping):
        return False
    attrs = widget.get("attrs", context.get("attrs"))
    if not isinstance(attrs, dict) or "items" in attrs:
        return False
    for _group, options, _index in widget.get("optgroups", ()):
        for option in options:
            if option.get("template_name") not in _OPTION_TEMPLATES or not isinstance(option.get("attrs"), dict):
                return False
            if "items" in option["attrs"]:
                return False
    return True


class FastDjangoTemplates(DjangoTemplates):
    """``FORM_RENDERER``: the stock widget and label templates drawn in Python, everything else by template."""

    def __init__(self) -> None:
        super().__init__()
        self._drawers: dict[str, Callable[[Mapping[str, Any]], str]] | None = None
        self.check = bool(getattr(settings, "KTRD_FORM_RENDERER_CHECK", False))

    def _stock(self) -> dict[str, Callable[[Mapping[str, Any]], str]]:
        """The drawers whose templates (and every template they include) are still Django's own files."""
        if self._drawers is None:

            def own(name: str) -> bool:
                origin = Path(str(self.get_template(name).origin.name)).resolve()
                return origin == _DJANGO_FORMS / name

            included_ok = all(own(name) for name in _INCLUDED)
            self._drawers = {name: draw for name, draw in _DRAWERS.items() if included_ok and own(name)}
        return self._drawers

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = self._stock().get(template_name)
        if draw is None or request is not None or not _drawable(context):
            return str(super().render(template_name, context, request))
        try:
            drawn = SafeString(draw(context).strip())
        except (KeyError, TypeError, AttributeError):  # a context shaped otherwise than Django's: its template
            return str(super().render(template_name, context, request))
        if self.check:
            expected = super().render(template_name, context, request)
            if drawn != expected:
                raise AssertionError(f"form renderer: {template_name} drawn as {drawn!r}, Django draws {expected!r}")
        return drawn
