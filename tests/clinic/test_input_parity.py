"""Every core input type: its generated form and its generated API schema accept and refuse the same values.

For each field of each input type, a table of boundary and hostile values (both ends of the range, one step
outside, NaN, infinities, 1e308, too many decimals, NUL, too long, an unknown choice) is sent as text to the
form and to the schema; both must agree on accepting it and, when refusing, give the same message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from ketamine_trd.clinic.form_errors import sentence
from ketamine_trd.clinic.inputs import InputForm, form_for, schema_for
from ketamine_trd.clinical.inputs import charting as c
from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.inputs.fields import Choice, Moment, Number, Text
from ketamine_trd.clinical.inputs.registration import PatientInput, PatientSearchInput
from ketamine_trd.errors import InputError

AT = "2026-03-02T09:00:00+00:00"
LATER = "2026-03-02T10:00:00+00:00"
#: one valid value per required field, as text (what a browser sends)
VALID: dict[type[Any], dict[str, str]] = {
    c.ScheduleInput: {"scheduled_at": AT},
    c.ChecklistInput: {},  # a reading's time may be left blank (the save time)
    c.DoseInput: {"dosed_at": AT, "dose_mg": "56", "lot_number": "LOT-1"},
    c.VitalsInput: {"taken_at": AT, "systolic_mmhg": "128", "diastolic_mmhg": "80"},
    c.RatingInput: {"instrument_id": "cadss-23", "value": "4", "rated_at": AT},
    c.EventInput: {"kind": "nausea", "noted_at": AT},
    c.ResolveEventInput: {"event_id": "1", "resolved_at": LATER},
    c.DischargeInput: {},
    c.SignInput: {},
    PatientInput: {"mrn": "P-1", "given_name": "Kim", "family_name": "Lee", "date_of_birth": "1990-01-01"},
    PatientSearchInput: {},
}
INPUT_TYPES = list(VALID)


def test_every_core_input_type_is_covered() -> None:
    from ketamine_trd.clinical.inputs import base, registration

    found = {obj for module in (c, registration) for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, base.InputType) and obj is not base.InputType}  # fmt: skip
    assert found == set(VALID)


def _candidates(spec: Any) -> list[str]:
    if isinstance(spec, Number):
        step = Decimal(1).scaleb(-spec.places)
        half = Decimal(5).scaleb(-spec.places - 1)
        return [f"{spec.low:f}", f"{spec.high:f}", f"{spec.low - step:f}", f"{spec.high + step:f}",
                f"{spec.low + half:f}", "nan", "NaN", "inf", "-Infinity", "1e308", "-1e308", "1e10", "-1",
                "1e-30", "abc", "1" * 50, "", " "]  # fmt: skip
    if isinstance(spec, Text):
        return ["x" * spec.max_length, "x" * (spec.max_length + 1), "A\x00B", "tab\there", "", " ", "ok"]
    if isinstance(spec, Choice):
        return [*spec.options, "", "not-a-choice", spec.options[0].upper()]
    if isinstance(spec, Moment):  # blank: the save time for a reading's time, missing for a required one
        return ["", " ", "yesterday", "2026-13-45T09:00:00+00:00", "0001-01-01T00:00:00+00:00", AT]
    return []


def _form_result(form_class: type[InputForm], data: dict[str, str], name: str) -> tuple[bool, str]:
    form = form_class(data)
    if form.is_valid():
        return True, ""
    errors = form.errors.get(name) or form.errors.get("__all__") or next(iter(form.errors.values()))
    return False, errors[0]


def _schema_result(schema: Any, data: dict[str, str]) -> tuple[bool, str]:
    body = dict(data)
    try:
        schema.model_validate(body).to_input()
    except pydantic.ValidationError as error:
        ctx = error.errors()[0].get("ctx") or {}
        return False, sentence(ctx["error"]) if isinstance(ctx.get("error"), InputError) else error.errors()[0]["msg"]
    except InputError as error:
        return False, sentence(error)
    return True, ""


@pytest.mark.parametrize("input_type", INPUT_TYPES, ids=lambda t: t.__name__)
def test_form_and_schema_accept_and_refuse_the_same_values_with_the_same_message(input_type, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"
    form_class = form_for(input_type)
    schema = schema_for(input_type, f"Parity{input_type.__name__}")
    assert _form_result(form_class, VALID[input_type], "")[0], "the valid example must pass the form"
    assert _schema_result(schema, VALID[input_type])[0], "the valid example must pass the schema"
    checked = 0
    for name, spec in specs_of(input_type):
        for value in _candidates(spec):
            data = VALID[input_type] | {name: value}
            form_ok, form_message = _form_result(form_class, data, name)
            api_ok, api_message = _schema_result(schema, data)
            assert form_ok == api_ok, (
                f"{input_type.__name__}.{name}={value!r}: form {form_message!r}, API {api_message!r}"
            )
            assert form_message == api_message, f"{input_type.__name__}.{name}={value!r}"
            checked += 1
    assert checked >= len(specs_of(input_type)) or input_type is c.ChecklistInput


@pytest.mark.parametrize(
    ("input_type", "field", "value"),
    [
        (c.DoseInput, "infusion_rate_ml_per_h", "1e10"),
        (c.DoseInput, "concentration_mg_per_ml", "99999999"),
        (c.DoseInput, "mg_per_kg", "123456"),
        (c.DoseInput, "infusion_duration_min", "1000000000000"),
        (c.DoseInput, "mg_per_kg", "1e-30"),
        (c.VitalsInput, "diastolic_mmhg", "200"),
        (PatientInput, "weight_kg", "25"),
        (PatientInput, "mrn", "../x"),
        (PatientInput, "mrn", "<img src=x>"),
    ],
)
def test_the_reported_bad_values_are_refused_by_form_and_schema_alike(input_type, field, value, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"
    data = VALID[input_type] | {field: value}
    form_ok, form_message = _form_result(form_for(input_type), data, field)
    api_ok, api_message = _schema_result(schema_for(input_type, f"Bad{input_type.__name__}"), data)
    assert not form_ok and not api_ok
    assert form_message == api_message  # the sentence; the API's "message" puts the field id in front
    assert _api_full_message(input_type, data).startswith(f"{field}:")


def _api_full_message(input_type: type[Any], data: dict[str, str]) -> str:
    try:
        schema_for(input_type, f"Full{input_type.__name__}").model_validate(data).to_input()
    except pydantic.ValidationError as error:
        return str((error.errors()[0].get("ctx") or {}).get("error"))
    except InputError as error:
        return str(error)
    return ""


def test_a_naive_time_is_refused_by_the_api_and_read_in_the_clinic_zone_by_the_form(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"
    data = VALID[c.DoseInput] | {"dosed_at": "2026-03-02T09:00"}
    assert _form_result(form_for(c.DoseInput), data, "dosed_at")[0]  # a datetime-local widget sends local time
    ok, message = _schema_result(schema_for(c.DoseInput, "NaiveDose"), data)
    assert not ok and "has no time zone" in message


def test_a_far_past_time_is_refused_everywhere(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"
    data = VALID[c.VitalsInput] | {"taken_at": "0001-01-01T00:00:00+00:00"}
    assert _form_result(form_for(c.VitalsInput), data, "taken_at") == _schema_result(
        schema_for(c.VitalsInput, "PastVitals"), data
    )
    assert not _form_result(form_for(c.VitalsInput), data, "taken_at")[0]


def test_the_weight_range_is_the_dosing_modules() -> None:
    from ketamine_trd.clinical.dosing.weights import WEIGHT_RANGE_KG

    spec = dict(specs_of(PatientInput))["weight_kg"]
    assert isinstance(spec, Number)
    assert (float(spec.low), float(spec.high)) == WEIGHT_RANGE_KG


def test_the_timepoint_and_severity_choices_match_the_database_choices() -> None:
    from ketamine_trd.clinic.records.models import AdverseEvent, Sex, Timepoint
    from ketamine_trd.clinical.inputs.registration import SEXES

    assert tuple(Timepoint.choices) == c.VITALS_TIMEPOINTS
    assert tuple(AdverseEvent.Severity.choices) == c.ADVERSE_EVENT_SEVERITIES
    assert tuple(Sex.choices) == SEXES


def test_dates_and_times_of_the_examples_are_aware() -> None:
    value = c.DoseInput(dosed_at=AT, dose_mg="56", lot_number="L")
    assert value.dosed_at.tzinfo is not None and value.dosed_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
