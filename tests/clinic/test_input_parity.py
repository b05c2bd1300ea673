"""Every core input type: its generated form and its generated API schema accept and refuse the same values.

For each field of each input type (found by walking ``clinical.inputs``, so a new one cannot be left out), a table
of boundary and hostile values (both ends of the range, one step outside, NaN, infinities, 1e308, too many
decimals, NUL, too long, an unknown choice, a bad date, a time before 1970, an unknown option in a list) is sent
to the form (as a browser sends it) and to the schema (as JSON); both must agree on accepting it and, when refusing,
give the same message. The assessment's answers are walked item by item, for every instrument, through the
score-entry form of that instrument and the API's answers.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from ketamine_trd.clinic.form_errors import sentence
from ketamine_trd.clinic.inputs import InputForm, form_for, schema_for
from ketamine_trd.clinic.measurement.forms import assessment_form_class
from ketamine_trd.clinical import inputs, instruments
from ketamine_trd.clinical.inputs import chart as ch
from ketamine_trd.clinical.inputs import charting as c
from ketamine_trd.clinical.inputs import controlled as ctl
from ketamine_trd.clinical.inputs import scheduling as sch
from ketamine_trd.clinical.inputs import site
from ketamine_trd.clinical.inputs.base import InputType, specs_of
from ketamine_trd.clinical.inputs.courses import CourseInput, PhaseInput
from ketamine_trd.clinical.inputs.fields import Choice, Day, Flag, Many, Moment, Number, Text
from ketamine_trd.clinical.inputs.measurement import AcknowledgeInput, AssessmentInput
from ketamine_trd.clinical.inputs.registration import PatientInput, PatientSearchInput
from ketamine_trd.clinical.inputs.self_report import ReportLinkInput
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
    CourseInput: {"product": "esketamine-nasal", "start_date": "2026-03-02"},
    PhaseInput: {"phase": "induction"},
    AcknowledgeInput: {},
    ch.MedicationInput: {"name": "Lorazepam"},
    ch.AllergyInput: {"substance": "Latex"},
    ch.ProblemInput: {"description": "Hypertension"},
    ch.NoteInput: {"kind": "visit", "subjective": "Feels better."},
    ch.AddendumInput: {"text": "Telephoned."},
    site.SiteSettingsInput: {k: str(v) for k, v in site.DEFAULT_VALUES.items() if isinstance(v, (str, int))},
    site.ConsentDocumentInput: {"product": "ketamine-iv", "title": "Consent", "body": "Synthetic consent text, long."},
    site.ConsentAcceptanceInput: {"document_id": "1", "typed_name": "Kim Lee", "witness_id": "2"},
    site.ConsentOverrideInput: {"reason": "verbal consent witnessed; form follows"},
    ctl.ReceiptInput: {"substance": "ketamine", "lot_number": "K-1", "supplier_name": "S", "expires_on": "2027-01-01",
                       "units_received": "2", "received_on": "2026-03-02", "concentration_mg_per_ml": "50",
                       "volume_ml_per_unit": "10"},  # fmt: skip
    ctl.WasteInput: {"lot_id": "1", "mg": "10", "manner": "waste bin"},
    ctl.CountInput: {"lot_id": "1", "counted_mg": "10", "counted_units": "0"},
    ctl.CorrectionInput: {"entry_id": "1", "reason": "typed the wrong amount"},
    sch.ChairInput: {"name": "Chair 1", "kind": "chair"},
    sch.HoursInput: {"weekday": "mon", "opens": "08:00", "closes": "18:00"},
    sch.ClosedDayInput: {"day": "2026-12-25", "reason": "Holiday"},
    sch.BookCourseInput: {"chair_id": "1", "start_time": "09:00", "sessions": "induction"},
    sch.MoveInput: {"chair_id": "1", "starts_at": AT, "reason": "patient asked to move"},
    sch.CancelInput: {"reason": "patient unwell today"},
    ReportLinkInput: {"instrument_ids": ["phq9"]},
}
INPUT_TYPES = list(VALID)
#: input types whose form is not generated field by field: the score-entry form is built per instrument
#: (``measurement.forms.assessment_form_class``), walked by its own test below
PER_INSTRUMENT = {AssessmentInput}


def _every_input_type() -> set[type[Any]]:
    found: set[type[Any]] = set()
    for module_info in pkgutil.iter_modules(inputs.__path__):
        module = importlib.import_module(f"{inputs.__name__}.{module_info.name}")
        found |= {obj for obj in vars(module).values()
                  if isinstance(obj, type) and issubclass(obj, InputType) and obj is not InputType}  # fmt: skip
    return found


def test_every_core_input_type_is_covered() -> None:
    assert _every_input_type() == set(VALID) | PER_INSTRUMENT


def _candidates(spec: Any) -> list[tuple[Any, Any]]:
    """``(what the form gets, what the API gets)`` per value: the same text, except where JSON has its own type."""
    if isinstance(spec, Number):
        step = Decimal(1).scaleb(-spec.places)
        half = Decimal(5).scaleb(-spec.places - 1)
        texts = [f"{spec.low:f}", f"{spec.high:f}", f"{spec.low - step:f}", f"{spec.high + step:f}",
                 f"{spec.low + half:f}", "nan", "NaN", "inf", "-Infinity", "1e308", "-1e308", "1e10", "-1",
                 "1e-30", "abc", "1" * 50, "", " "]  # fmt: skip
        return [(t, t) for t in texts]
    if isinstance(spec, Text):
        texts = ["x" * spec.max_length, "x" * (spec.max_length + 1), "A\x00B", "tab\there", "", " ", "ok"]
        return [(t, t) for t in texts]
    if isinstance(spec, Choice):
        return [(t, t) for t in [*spec.options, "", "not-a-choice", spec.options[0].upper()]]
    if isinstance(spec, Moment):  # a naive time: the form reads the clinic's zone, the API refuses (tested below)
        texts = [AT, "2026-03-02T09:00:00-05:00", "1969-12-31T23:59:00+00:00", "0001-01-01T00:00:00+00:00",
                 "2026-02-30T09:00:00+00:00", "03/02/2026 09:00", "not a time", "yesterday", " ", ""]  # fmt: skip
        return [(t, t) for t in texts]
    if isinstance(spec, Day):
        texts = ["2026-03-02", spec.earliest.isoformat(), (spec.earliest - dt.timedelta(days=1)).isoformat(),
                 "2026-13-01", "02/03/2026", "2026-03-02T09:00", "x", ""]  # fmt: skip
        return [(t, t) for t in texts]
    if isinstance(spec, Flag):
        return [("true", True), ("false", False), ("", None)]
    if isinstance(spec, Many):
        options = sorted(spec.options)
        return [([], []), (options[:1], options[:1]), (options, options), (["not-an-option"], ["not-an-option"]),
                ([*options[:1], "not-an-option"], [*options[:1], "not-an-option"])]  # fmt: skip
    raise AssertionError(f"no candidate values for {type(spec).__name__}: add them here")


def _form_result(form_class: type[InputForm], data: dict[str, Any], name: str) -> tuple[bool, str]:
    form = form_class(data)
    if form.is_valid():
        return True, ""
    errors = form.errors.get(name) or form.errors.get("__all__") or next(iter(form.errors.values()))
    return False, errors[0]


def _schema_result(schema: Any, data: dict[str, Any]) -> tuple[bool, str]:
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
        for form_value, api_value in _candidates(spec):
            form_ok, form_message = _form_result(form_class, VALID[input_type] | {name: form_value}, name)
            api_ok, api_message = _schema_result(schema, VALID[input_type] | {name: api_value})
            assert form_ok == api_ok, (
                f"{input_type.__name__}.{name}={form_value!r}: form {form_message!r}, API {api_message!r}"
            )
            assert form_message == api_message, f"{input_type.__name__}.{name}={form_value!r}"
            checked += 1
    assert checked >= len(specs_of(input_type))


def _item_candidates(item: Any) -> list[int]:
    return sorted({item.low, item.high, item.low - 1, item.high + 1, *item.allowed, 10**6, -(10**6)})


@pytest.mark.parametrize("instrument", instruments.all_instruments(), ids=lambda i: i.id)
def test_the_score_form_and_the_api_refuse_the_same_answers_with_the_same_message(instrument, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"
    form_class = assessment_form_class(instrument)
    schema = schema_for(AssessmentInput, f"Parity{instrument.id}")
    lowest = {item.id: item.low for item in instrument.items}
    for item in instrument.items:
        for value in [*_item_candidates(item), None]:
            answers = lowest | {item.id: value}
            form_data = {f"item_{k}": "" if v is None else str(v) for k, v in answers.items()} | {"administered_at": AT}
            form = form_class(form_data)
            form_ok = form.is_valid()
            form_message = "" if form_ok else next(iter(form.errors.values()))[0]
            api_ok, api_message = _schema_result(schema, {"instrument_id": instrument.id, "answers": answers,
                                                          "administered_at": AT})  # fmt: skip
            assert form_ok == api_ok, f"{instrument.id}.{item.id}={value!r}: form {form_message!r}, API {api_message!r}"
            assert form_message == api_message, f"{instrument.id}.{item.id}={value!r}"
            if form_ok:
                assert form.to_input() == schema.model_validate({"instrument_id": instrument.id, "answers": answers,
                                                                  "administered_at": AT}).to_input()  # fmt: skip


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
    from ketamine_trd.clinic.records.models import AdverseEvent, Phase, Sex, Timepoint
    from ketamine_trd.clinical.inputs.courses import COURSE_PHASES
    from ketamine_trd.clinical.inputs.registration import SEXES

    assert tuple(Timepoint.choices) == c.VITALS_TIMEPOINTS
    assert tuple(AdverseEvent.Severity.choices) == c.ADVERSE_EVENT_SEVERITIES
    assert tuple(Sex.choices) == SEXES
    assert tuple(Phase.choices) == COURSE_PHASES


def test_the_course_products_are_the_ones_the_course_rules_plan() -> None:
    from ketamine_trd.clinical.courses import EsketamineCourseRequest, IvCourseRequest, plan_course
    from ketamine_trd.clinical.inputs.courses import COURSE_PRODUCTS

    start = dt.date(2026, 3, 2)
    planned = {plan_course(EsketamineCourseRequest(start=start)).product,
               plan_course(IvCourseRequest(start=start, weight_kg=70)).product}  # fmt: skip
    assert {str(p) for p in planned} == {p for p, _ in COURSE_PRODUCTS}


def test_dates_and_times_of_the_examples_are_aware() -> None:
    value = c.DoseInput(dosed_at=AT, dose_mg="56", lot_number="L")
    assert value.dosed_at.tzinfo is not None and value.dosed_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
