"""The chair-side input types: checklist, dose, vitals, rating, adverse event, discharge, scheduling.

Each is the one description of what that charting step accepts (units, ranges, sources); the HTML form and the
API schema are derived from it (``clinic/inputs.py``), the service takes it. Ranges are plausibility ranges
that refuse typing errors (platform-defined, wide, and they say so); whether a dose is right for the patient
is judged by the dosing rules, not here.

The time of each reading (checked, dosed, taken, rated, noted, resolved, monitoring completed) may be left
blank: it is then the moment the reading is saved, set by the service from the server's clock
(``stamped(now)``), never a time taken when the page was opened.

>>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
>>> VitalsInput(taken_at=t0, systolic_mmhg=128, diastolic_mmhg=82).diastolic_mmhg
82
>>> VitalsInput(taken_at=None, systolic_mmhg=128, diastolic_mmhg=82).stamped(t0).taken_at == t0
True
>>> try:
...     VitalsInput(taken_at=t0, systolic_mmhg=120, diastolic_mmhg=130)
... except InputError as error:
...     print(error)
diastolic_mmhg: 130 is not allowed (allowed: below the systolic value (120 mmHg))
>>> try:
...     DoseInput(dosed_at=t0, dose_mg="35", lot_number="L1", infusion_rate_ml_per_h="1e10")
... except InputError as error:
...     print(error.field)
infusion_rate_ml_per_h
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ketamine_trd.clinical.checklist import CONCOMITANT_CLASSES
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import EARLIEST_RECORD, Choice, Flag, Many, Moment, Number, Text
from ketamine_trd.clinical.labels import label
from ketamine_trd.clinical.monitoring.observations import (
    ADVERSE_EVENT_KINDS,
    CADSS_MAX,
    AdverseEvent,
    DissociationRating,
    SedationRating,
)
from ketamine_trd.clinical.monitoring.vitals import PLAUSIBLE_RANGES, VitalSigns
from ketamine_trd.clinical.overrides import reason_hint
from ketamine_trd.clinical.products import Product
from ketamine_trd.errors import InputError

__all__ = [
    "ADVERSE_EVENT_SEVERITIES",
    "PRODUCT_ONLY",
    "RATING_INSTRUMENTS",
    "VITALS_TIMEPOINTS",
    "ChecklistInput",
    "DischargeInput",
    "DoseInput",
    "EventInput",
    "RatingInput",
    "ResolveEventInput",
    "ScheduleInput",
    "SignInput",
    "VitalsInput",
    "fields_for",
    "refuse_other_products",
]

#: when a set of vital signs was taken, with the words the chart shows (S1 p7, S8)
VITALS_TIMEPOINTS: tuple[tuple[str, str], ...] = (
    ("predose", "Before dosing"),
    ("post-40", "About 40 minutes after dosing"),
    ("discharge", "Before discharge"),
    ("other", "Other"),
)
ADVERSE_EVENT_SEVERITIES: tuple[tuple[str, str], ...] = (("mild", "Mild"), ("moderate", "Moderate"),
                                                          ("severe", "Severe"))  # fmt: skip
#: ratings charted at the chair: MOAA/S (0-5) and CADSS totals (CADSS-23 0-92, CADSS-6 0-24)
RATING_INSTRUMENTS: tuple[tuple[str, str], ...] = (
    ("moaas", "MOAA/S (0-5)"),
    ("cadss-23", "CADSS total (0-92)"),
    ("cadss-6", "CADSS-6 (0-24)"),
)
_VITAL_UNITS = {"systolic_mmhg": ("Systolic", "mmHg"), "diastolic_mmhg": ("Diastolic", "mmHg"),
                "heart_rate_bpm": ("Heart rate", "beats/min"), "spo2_percent": ("SpO2", "%"),
                "respiratory_rate_per_min": ("Respiratory rate", "breaths/min")}  # fmt: skip


def _vital(name: str, required: bool = True) -> Number:
    low, high = PLAUSIBLE_RANGES[name].value
    label, unit = _VITAL_UNITS[name]
    return Number(label, required, help=f"{low:g} to {high:g} {unit} (platform-defined plausibility range)",
                  low=Decimal(str(low)), high=Decimal(str(high)), unit=unit, places=0,
                  source=PLAUSIBLE_RANGES[name].source)  # fmt: skip


def _when(label: str, required: bool = True) -> Moment:
    return Moment(label, required)


def _now_or(label: str) -> Moment:
    """The time of a reading: left blank, the moment it is saved (the form says "leave blank for now")."""
    return Moment(label, required=False, blank_is_now=True)


def _optional_flag(label: str) -> Flag:
    return Flag(label, required=False)


@dataclass(frozen=True, slots=True)
class ScheduleInput(InputType):
    """A session booked for ``scheduled_at`` in ``chair`` (optional)."""

    scheduled_at: dt.datetime = spec(Moment("Scheduled for", future_ok=True))
    chair: str = spec(Text("Chair", required=False, max_length=40), "")


@dataclass(frozen=True, slots=True)
class ChecklistInput(InputType):
    """The pre-dose checklist (judged by ``clinical.checklist.PredoseChecklist``)."""

    checked_at: dt.datetime | None = spec(_now_or("Checked at"))
    first_treatment: bool | None = spec(_optional_flag("First treatment"))
    rems_enrolled: bool | None = spec(_optional_flag("Enrolled in the SPRAVATO REMS"))
    last_food_at: dt.datetime | None = spec(_when("Last food", False))
    last_liquid_at: dt.datetime | None = spec(_when("Last liquid", False))
    nasal_medicine_at: dt.datetime | None = spec(_when("Nasal corticosteroid or decongestant today", False))
    concomitant: frozenset[str] = spec(
        Many("Takes (sedatives, stimulants, MAOIs, opioids)", False, options=CONCOMITANT_CLASSES), frozenset()
    )
    concomitant_reviewed: bool = spec(Flag("Concomitant medicines reviewed", False), False)
    safe_departure_arranged: bool | None = spec(_optional_flag("Ride home arranged"))

    def _check(self) -> None:
        if self.concomitant_reviewed is None:
            object.__setattr__(self, "concomitant_reviewed", False)


@dataclass(frozen=True, slots=True)
class DoseInput(InputType):
    """The dose given: mg always; esketamine devices; IV mg/kg and infusion settings (mL/h, minutes, mg/mL)."""

    dosed_at: dt.datetime | None = spec(_now_or("First device / infusion start"))
    dose_mg: Decimal = spec(Number("Dose", low=Decimal("0.01"), high=Decimal(1000), unit="mg", places=2,
                                   help="more than 0 to 1000 mg (platform-defined plausibility range)"))  # fmt: skip
    lot_number: str = spec(Text("Lot number", max_length=40))
    devices_used: int | None = spec(Number("SPRAVATO devices", False, help="esketamine: 1 to 3 devices",
                                           low=Decimal(1), high=Decimal(3), unit="devices"))  # fmt: skip
    mg_per_kg: Decimal | None = spec(Number("Dose per kg", False, low=Decimal("0.01"), high=Decimal(5),
                                            unit="mg/kg", places=3))  # fmt: skip
    infusion_rate_ml_per_h: Decimal | None = spec(Number("Infusion rate", False, low=Decimal("0.1"),
                                                         high=Decimal(2000), unit="mL/h", places=2))  # fmt: skip
    infusion_duration_min: int | None = spec(Number("Infusion duration", False, low=Decimal(1),
                                                    high=Decimal(600), unit="minutes"))  # fmt: skip
    concentration_mg_per_ml: Decimal | None = spec(Number("Concentration", False, low=Decimal("0.01"),
                                                          high=Decimal(100), unit="mg/mL", places=2))  # fmt: skip
    infusion_ended_at: dt.datetime | None = spec(_when("Infusion ended", False))
    override_reason: str = spec(Text(
        "Reason for a dose outside the checks (prescriber)", False, max_length=2000, multiline=True,
        help=reason_hint("only when the dose is refused as off the plan, the label or the studied range, or the "
                         "pre-dose checks say hold"),
    ), "")  # fmt: skip

    def _check(self) -> None:
        if self.infusion_ended_at is not None and self.dosed_at is not None and self.infusion_ended_at < self.dosed_at:
            raise InputError("infusion_ended_at", self.infusion_ended_at.isoformat(),
                             "at or after the first device / infusion start")


@dataclass(frozen=True, slots=True)
class VitalsInput(InputType):
    """One timed set of vital signs; blood pressure required, the rest optional; diastolic below systolic."""

    taken_at: dt.datetime | None = spec(_now_or("Taken at"))
    systolic_mmhg: int = spec(_vital("systolic_mmhg"))
    diastolic_mmhg: int = spec(_vital("diastolic_mmhg"))
    heart_rate_bpm: int | None = spec(_vital("heart_rate_bpm", False))
    spo2_percent: int | None = spec(_vital("spo2_percent", False))
    respiratory_rate_per_min: int | None = spec(_vital("respiratory_rate_per_min", False))
    timepoint: str = spec(Choice("Time point", False, options=tuple(t for t, _ in VITALS_TIMEPOINTS),
                                 labels=tuple(label for _, label in VITALS_TIMEPOINTS)), "other")  # fmt: skip

    def _check(self) -> None:
        # the one rule for diastolic below systolic (and the ranges) is the core's VitalSigns; a blank time is
        # checked once stamped (stamped() runs this again)
        VitalSigns(self.taken_at or EARLIEST_RECORD, self.systolic_mmhg, self.diastolic_mmhg, self.heart_rate_bpm,
                   self.spo2_percent, self.respiratory_rate_per_min)  # fmt: skip
        if not self.timepoint:
            object.__setattr__(self, "timepoint", "other")


@dataclass(frozen=True, slots=True)
class RatingInput(InputType):
    """A MOAA/S rating (0-5) or a CADSS total (CADSS-23 0-92, CADSS-6 0-24) at ``rated_at``."""

    instrument_id: str = spec(Choice("Rating", options=tuple(i for i, _ in RATING_INSTRUMENTS),
                                     labels=tuple(label for _, label in RATING_INSTRUMENTS),
                                     unknown_term=True))  # fmt: skip
    value: int = spec(Number("Score", low=Decimal(0), high=Decimal(max(CADSS_MAX.values())), unit="points",
                             help="MOAA/S 0 to 5; CADSS 0 to 92; CADSS-6 0 to 24"))  # fmt: skip
    rated_at: dt.datetime | None = spec(_now_or("Rated at"))

    def _check(self) -> None:
        at = self.rated_at or EARLIEST_RECORD  # a blank time is checked once stamped
        try:
            if self.instrument_id == "moaas":
                SedationRating(at, self.value)
            else:
                DissociationRating(at, self.value, self.instrument_id)
        except InputError as error:
            raise InputError("value", self.value, error.allowed) from None


@dataclass(frozen=True, slots=True)
class EventInput(InputType):
    """An adverse event of a known kind (``other`` needs details), noted and perhaps resolved."""

    kind: str = spec(Choice("Event", options=tuple(sorted(ADVERSE_EVENT_KINDS)), unknown_term=True))
    noted_at: dt.datetime | None = spec(_now_or("Noted at"))
    resolved_at: dt.datetime | None = spec(_when("Resolved at", False))
    details: str = spec(Text("Details", False, max_length=1000, multiline=True), "")
    severity: str = spec(Choice("Severity", False, options=tuple(s for s, _ in ADVERSE_EVENT_SEVERITIES),
                                labels=tuple(label for _, label in ADVERSE_EVENT_SEVERITIES)), "")  # fmt: skip
    serious: bool = spec(Flag("Serious", False), False)

    def _check(self) -> None:
        if self.serious is None:
            object.__setattr__(self, "serious", False)
        # resolved at or after noted: checked once a blank noted time is stamped
        noted = self.noted_at
        AdverseEvent(noted or EARLIEST_RECORD, self.kind, self.resolved_at if noted else None, self.details)


@dataclass(frozen=True, slots=True)
class ResolveEventInput(InputType):
    """When a charted adverse event of the session, still open, resolved (the form offers the open events)."""

    event_id: int = spec(Number("Adverse event", low=Decimal(1), high=Decimal(2**31 - 1),
                                help="an adverse event of this session that has not resolved"))  # fmt: skip
    resolved_at: dt.datetime | None = spec(_now_or("Resolved at"))


@dataclass(frozen=True, slots=True)
class DischargeInput(InputType):
    """The end of monitoring and the REMS patient monitoring form's answers (S8, S9)."""

    monitoring_completed_at: dt.datetime | None = spec(_now_or("Monitoring completed at"))
    ready_to_leave_minutes: int | None = spec(Number(
        "REMS: minutes after the first device the patient would have been ready to leave", False,
        low=Decimal(0), high=Decimal(1440), unit="minutes"))  # fmt: skip
    vitals_ok_before_administration: bool | None = spec(_optional_flag("Vital signs acceptable before administration"))
    vitals_ok_before_completion: bool | None = spec(_optional_flag("Vital signs acceptable before completion"))
    sedation_observed: bool | None = spec(_optional_flag("Sedation"))
    dissociation_observed: bool | None = spec(_optional_flag("Dissociation"))
    respiratory_depression_observed: bool | None = spec(_optional_flag("Respiratory depression"))
    clinically_stable: bool | None = spec(_optional_flag("Clinically stable"))
    safe_departure_arranged: bool | None = spec(_optional_flag("Ride home confirmed"))
    monitoring_hcp_id: int | None = spec(Number(
        "Healthcare provider who monitored (name, phone and e-mail on the REMS form)", False,
        low=Decimal(1), high=Decimal(2**31 - 1), help="a nurse or prescriber of this clinic"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class SignInput(InputType):
    """Signing a session; a prescriber's reason lets a session not ready for discharge be signed."""

    override_reason: str = spec(Text(
        "Reason to sign although the patient is not ready for discharge (prescriber)", False, max_length=2000,
        multiline=True, help=reason_hint("only to sign a session that is not ready for discharge"),
    ), "")  # fmt: skip


_ESKETAMINE = frozenset({Product.ESKETAMINE_NASAL})
_IV = frozenset({Product.KETAMINE_IV})

#: Fields of the chair-side inputs that only some products take; every other field is asked for every product.
#: Esketamine: the SPRAVATO devices (S2), REMS patient enrolment (S6), a nasal corticosteroid or decongestant
#: before the spray (S2), and the REMS form's evaluation question (S8). IV ketamine: the weight-based dose (mg/kg),
#: the infusion settings and its end. The chart asks only these for the session's product, and the services refuse
#: a value given for a field of another product (a dose per kg on a nasal spray is a charting error).
PRODUCT_ONLY: Mapping[tuple[str, str], frozenset[Product]] = MappingProxyType({
    ("ChecklistInput", "rems_enrolled"): _ESKETAMINE,
    ("ChecklistInput", "nasal_medicine_at"): _ESKETAMINE,
    ("DoseInput", "devices_used"): _ESKETAMINE,
    ("DoseInput", "mg_per_kg"): _IV,
    ("DoseInput", "infusion_rate_ml_per_h"): _IV,
    ("DoseInput", "infusion_duration_min"): _IV,
    ("DoseInput", "concentration_mg_per_ml"): _IV,
    ("DoseInput", "infusion_ended_at"): _IV,
    ("DischargeInput", "ready_to_leave_minutes"): _ESKETAMINE,
})  # fmt: skip


def fields_for(input_type: type[Any], product: str) -> tuple[str, ...]:
    """The fields of ``input_type`` that are asked for ``product`` (in field order).

    >>> asked = fields_for(DoseInput, "esketamine-nasal")
    >>> "devices_used" in asked, "mg_per_kg" in asked
    (True, False)
    >>> [n for n in fields_for(DoseInput, "ketamine-iv") if n.startswith("infusion")]
    ['infusion_rate_ml_per_h', 'infusion_duration_min', 'infusion_ended_at']
    """
    key = Product.parse(product)
    name = input_type.__name__
    return tuple(f.name for f in fields(input_type) if key in PRODUCT_ONLY.get((name, f.name), frozenset(Product)))


def refuse_other_products(value: Any, product: str) -> None:
    """An ``InputError`` naming the first field given a value although ``product`` does not take it.

    A field left at its default (``None``) is not a value given.

    >>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> try:
    ...     refuse_other_products(DoseInput(t0, "56", "L1", devices_used=2, mg_per_kg="0.8"), "esketamine-nasal")
    ... except InputError as error:
    ...     print(error.field, "|", error.allowed)
    mg_per_kg | nothing: not recorded for Esketamine nasal spray (SPRAVATO)
    """
    key = Product.parse(product)
    asked = set(fields_for(type(value), key))
    for f in fields(value):
        given = getattr(value, f.name)
        if f.name not in asked and given is not None and given != f.default:
            raise InputError(f.name, given, f"nothing: not recorded for {label('product', key)}",
                             reason="does not belong to this product")  # fmt: skip
