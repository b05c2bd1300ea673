"""``template_output.output`` writes a value exactly as the template engine writes ``{{ value }}``: the plain-string
short cut included (Hypothesis over any text), and every other type through the engine's own function."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinic.template_output import output

_TEMPLATE = Template("{{ value }}")


def _engine(value: Any) -> str:
    return _TEMPLATE.render(Context({"value": value}))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_plain_string_is_written_as_the_engine_writes_it(text: str) -> None:
    assert output(text) == _engine(text)


@pytest.mark.parametrize(
    "value",
    [
        'O\'Brien & <Sons> "quoted"',
        "",
        "\x00nul",
        "مريض",
        mark_safe("<b>already safe</b>"),  # noqa: S308 - a test value
        gettext_lazy("Critical"),
        12345,
        Decimal("0.50"),
        1.5,
        None,
        True,
        dt.date(2026, 12, 3),
        dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),
    ],
)
def test_other_values_are_written_as_the_engine_writes_them(value: Any) -> None:
    assert output(value) == _engine(value)


@pytest.mark.parametrize("language", ["en", "de", "ar"])
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_the_dashboards_day_month_time_is_the_date_filters(language: str, zone: str) -> None:
    import zoneinfo

    from django.template.defaultfilters import date as date_filter
    from django.utils import timezone, translation
    from django.utils.timezone import template_localtime

    from ketamine_trd.clinic.measurement.templatetags.dashboard_rows import day_month_time

    times = ((0, 0), (9, 5), (23, 59))
    moments = [dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)
               for month in range(1, 13) for day in (1, 9, 10, 28) for hour, minute in times]  # fmt: skip
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        for moment in moments:
            assert day_month_time(moment) == date_filter(template_localtime(moment), "j M H:i"), moment
        assert day_month_time(None) == date_filter(None, "j M H:i")
        naive = dt.datetime(2026, 3, 1, 8, 0)
        assert day_month_time(naive) == date_filter(template_localtime(naive), "j M H:i")
