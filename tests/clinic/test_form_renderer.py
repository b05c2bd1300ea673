"""The fast form renderer draws exactly the bytes that Django's own templates draw (issue 17).

Beside these cases, the test settings turn on ``KTRD_FORM_RENDERER_CHECK``: every widget the whole suite renders
(every page, every form) is drawn both ways and compared.
"""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from ketamine_trd.clinic import form_renderer
from ketamine_trd.clinic.form_renderer import FastDjangoTemplates

lazy_text = lazy(lambda text: text, str)
NASTY = "<b>\"Tom\" & 'Jerry'</b>\u00e9"


class Everything(forms.Form):
    text = forms.CharField(
        label=NASTY, help_text="mmHg", widget=forms.TextInput(attrs={"class": "a b", "autofocus": True})
    )
    number = forms.DecimalField(label="Weight (kg)", min_value=decimal.Decimal("20.5"), max_value=400, required=False)
    integer = forms.IntegerField(widget=forms.NumberInput(attrs={"step": 1, "data-off": False, "data-none": None}))
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    mail = forms.EmailField()
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    ok = forms.BooleanField(required=False)
    route = forms.ChoiceField(choices=[("", "---"), ("iv", "IV <infusion>"), ("in", lazy_text("Intranasal")),
                                       (3, 1.5), ("safe", mark_safe("<i>safe</i>"))])  # fmt: skip
    grouped = forms.ChoiceField(choices=[("Ketamine", [("iv", "IV"), ("im", "IM")]), ("Esketamine", [("ns", "Nasal")]),
                                         ("x", "Other & more")])  # fmt: skip
    many = forms.MultipleChoiceField(choices=[("a", "A & a"), ("b", "B")], required=False)
    boxes = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "<B>")], widget=forms.CheckboxSelectMultiple(
        attrs={"class": "checks"}), required=False)  # fmt: skip
    grouped_boxes = forms.MultipleChoiceField(choices=[("G & H", [("g", "G"), ("h", "H")]), ("i", "I")],
                                              widget=forms.CheckboxSelectMultiple, required=False)  # fmt: skip
    radio = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect)


VALUES = [
    {},
    {
        "text": NASTY,
        "number": "70.25",
        "integer": "3",
        "when": "2026-12-02T10:15",
        "day": "2026-12-02",
        "hidden": mark_safe("<safe>"),
        "secret": "p<w>",
        "mail": "a@b.c",
        "note": NASTY,
        "ok": "on",
        "route": "3",
        "grouped": "im",
        "many": ["a", "b"],
        "boxes": ["b"],
        "grouped_boxes": ["h", "i"],
        "radio": "n",
    },
    {"text": "", "number": "not a number", "integer": "x", "route": "nope", "radio": "maybe", "note": "\x00"},
]


def _both(form_class: type[forms.Form], data: dict[str, object] | None, initial: dict[str, object] | None = None):
    fast, stock = FastDjangoTemplates(), DjangoTemplates()
    fast.check = False
    drawn = {}
    for name, renderer in (("fast", fast), ("stock", stock)):
        form = form_class(data=data, initial=initial, renderer=renderer)
        form.is_valid() if data is not None else None
        drawn[name] = [(str(field.label_tag()), str(field), str(field.label_tag(attrs={"class": "x"}, label_suffix="")))
                       for field in form]  # fmt: skip
    return drawn


@pytest.mark.parametrize("data", [None, *VALUES])
def test_every_stock_widget_is_drawn_as_django_draws_it(data):
    drawn = _both(Everything, data)
    assert drawn["fast"] == drawn["stock"]


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_localised_values_are_drawn_as_django_draws_them(language):
    initial = {"number": decimal.Decimal("1234.5"), "integer": 12345, "when": dt.datetime(2026, 12, 2, 10, 15),
               "day": dt.date(2026, 12, 2), "route": 3}  # fmt: skip
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=True):
        drawn = _both(Everything, None, initial)
    assert drawn["fast"] == drawn["stock"]


def test_the_drawers_are_really_used_for_the_stock_templates(monkeypatch):
    """Not a fallback everywhere: the Python drawers draw the widget, the template engine is not asked."""
    renderer = FastDjangoTemplates()
    renderer.check = False
    renderer._stock()  # the once-only check of where the templates come from

    def no_template(*args, **kwargs):
        raise AssertionError("a template was rendered")

    monkeypatch.setattr(DjangoTemplates, "render", no_template)
    form = Everything(renderer=renderer)
    assert 'name="route"' in str(form["route"])
    assert "<label" in str(form["text"].label_tag())


def test_a_widget_template_found_elsewhere_turns_its_drawer_off(monkeypatch, tmp_path):
    """Drawers stand only for Django's own files: a template the loader finds anywhere else is drawn by it."""
    monkeypatch.setattr(form_renderer, "_DJANGO_FORMS", tmp_path)
    renderer = FastDjangoTemplates()
    assert renderer._stock() == {}
    assert str(Everything(renderer=renderer)["text"]) == str(Everything(renderer=DjangoTemplates())["text"])


def test_a_custom_option_template_is_drawn_by_its_template():
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class One(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A")], widget=Starred)

    fast, stock = FastDjangoTemplates(), DjangoTemplates()
    assert str(One(renderer=fast)["pick"]) == str(One(renderer=stock)["pick"])


def test_the_check_mode_raises_on_a_difference(monkeypatch):
    renderer = FastDjangoTemplates()
    renderer.check = True
    monkeypatch.setitem(renderer._stock(), form_renderer._W + "text.html", lambda context: "<input wrong>")
    with pytest.raises(AssertionError, match="form renderer"):
        str(Everything(renderer=renderer)["text"])
