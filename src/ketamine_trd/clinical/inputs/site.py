"""The site's own settings: one description of what a clinic admin may set, with the core's ranges.

Each number's range is the core's own: the blood-pressure range of ``eligibility_profiles.BpProfile`` (60 to 250
mmHg), the dose-check ranges of ``dose_check.DoseRules`` (tolerance 0 to 100 %, window 1 to 48 h), the rule that a
screen interval is at least one day (``surveillance.SurveillanceConfig``); upper bounds of intervals and margins are
platform-defined plausibility ranges that refuse typing errors. ``_check`` then builds the core's own values
(``DoseRules``, ``SurveillanceConfig``, ``ClosedDays``), so the core's checks run as well.

>>> s = SiteSettingsInput(**DEFAULT_VALUES)
>>> s.dose_plan_tolerance_percent, s.iv_predose_hold_systolic_mmhg
(Decimal('10'), 180)
>>> try:
...     SiteSettingsInput(**{**DEFAULT_VALUES, "dose_window_hours": "72"})
... except InputError as error:
...     print(error.field)
dose_window_hours
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from ketamine_trd.clinical.courses_iv import WEEKEND
from ketamine_trd.clinical.dose_check import DEFAULT_DOSE_RULES, DoseRules
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Choice, Many, Moment, Number, Text
from ketamine_trd.clinical.monitoring_profiles import Cited
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS, reason_hint
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.scheduling import ClosedDays
from ketamine_trd.clinical.surveillance import DEFAULT_SCREEN_OVERDUE_GRACE_DAYS, SurveillanceConfig
from ketamine_trd.errors import InputError

__all__ = [
    "DEFAULT_VALUES",
    "WEEKDAYS",
    "ConsentAcceptanceInput",
    "ConsentDocumentInput",
    "ConsentOverrideInput",
    "SiteSettingsInput",
]

#: weekday ids in ``datetime.date.weekday()`` order (0 = Monday)
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SURV = SurveillanceConfig()


def _bp(label: str) -> Number:
    """A blood-pressure limit: the range of ``eligibility_profiles.BpProfile`` (60 to 250 mmHg); blank: none."""
    return Number(label, False, low=Decimal(60), high=Decimal(250), unit="mmHg",
                  help="60 to 250 mmHg; blank for no limit")  # fmt: skip


def _days(label: str, low: int = 1) -> Number:
    """Days: at least ``low`` (SurveillanceConfig's rule), at most 3650 (platform-defined plausibility)."""
    return Number(label, low=Decimal(low), high=Decimal(3650), unit="days")


def _margin(label: str, unit: str, high: int) -> Number:
    """A positive margin (SurveillanceConfig's rule), at most ``high`` (platform-defined plausibility)."""
    return Number(label, low=Decimal("0.5"), high=Decimal(high), unit=unit, places=1)


#: the shipped defaults: the core's own values (their sources are listed in ``clinical.site_settings``)
DEFAULT_VALUES: dict[str, Any] = {
    "iv_predose_hold_systolic_mmhg": 180,
    "iv_predose_hold_diastolic_mmhg": 120,
    "iv_predose_caution_systolic_mmhg": None,
    "iv_predose_caution_diastolic_mmhg": None,
    "bladder_interval_days": _SURV.bladder_interval_days,
    "cognitive_interval_days": _SURV.cognitive_interval_days,
    "liver_enzymes_interval_days": _SURV.liver_enzymes_interval_days,
    "blood_pressure_review_interval_days": _SURV.blood_pressure_review_interval_days,
    "screen_overdue_grace_days": DEFAULT_SCREEN_OVERDUE_GRACE_DAYS,
    "bladder_rise_points": str(_SURV.bladder_rise_points),
    "cognitive_fall_points": str(_SURV.cognitive_fall_points),
    "bp_rise_mmhg": str(_SURV.bp_rise_mmhg),
    "dose_plan_tolerance_percent": str(DEFAULT_DOSE_RULES.plan_tolerance_percent.value),
    "dose_window_hours": str(DEFAULT_DOSE_RULES.window_hours.value),
    "closed_weekdays": [WEEKDAYS[d] for d in sorted(WEEKEND)],
    "closed_dates": "",
    "time_zone": "UTC",
    "crisis_text": "If you are thinking about harming yourself or feel unsafe, call your local emergency number now or "
    "go to the nearest emergency department. Do not wait for the clinic to contact you.",
    "clinic_phone": "",
    "after_hours_text": "",
}
_D = DEFAULT_VALUES


@dataclass(frozen=True, slots=True)
class SiteSettingsInput(InputType):
    """The values a clinic admin sets; a change is saved as a new version, never over the old one."""

    iv_predose_hold_systolic_mmhg: int | None = spec(_bp("IV ketamine: hold dosing above systolic"))
    iv_predose_hold_diastolic_mmhg: int | None = spec(_bp("IV ketamine: hold dosing above diastolic"))
    iv_predose_caution_systolic_mmhg: int | None = spec(_bp("IV ketamine: caution above systolic"))
    iv_predose_caution_diastolic_mmhg: int | None = spec(_bp("IV ketamine: caution above diastolic"))
    bladder_interval_days: int = spec(_days("Bladder screen every"), _D["bladder_interval_days"])
    cognitive_interval_days: int = spec(_days("Cognitive screen every"), _D["cognitive_interval_days"])
    liver_enzymes_interval_days: int = spec(_days("Liver enzymes every"), _D["liver_enzymes_interval_days"])
    blood_pressure_review_interval_days: int = spec(
        _days("Blood-pressure review every"), _D["blood_pressure_review_interval_days"]
    )
    screen_overdue_grace_days: int = spec(_days("Screen overdue grace", low=0), _D["screen_overdue_grace_days"])
    bladder_rise_points: Decimal = spec(
        _margin("Bladder index rise (ICSI/ICPI)", "points", 40), _D["bladder_rise_points"]
    )
    cognitive_fall_points: Decimal = spec(_margin("MoCA fall", "points", 30), _D["cognitive_fall_points"])
    bp_rise_mmhg: Decimal = spec(_margin("Pre-dose systolic trend rise", "mmHg", 100), _D["bp_rise_mmhg"])
    dose_plan_tolerance_percent: Decimal = spec(Number("Dose tolerance from the plan", low=Decimal(0),
                                                       high=Decimal(100), unit="%", places=1),
                                           _D["dose_plan_tolerance_percent"])  # fmt: skip
    dose_window_hours: Decimal = spec(Number("Dosing window around the booked time", low=Decimal(1),
                                             high=Decimal(48), unit="h", places=1),
                                      _D["dose_window_hours"])  # fmt: skip
    closed_weekdays: frozenset[str] = spec(Many("Closed weekdays", False, options=frozenset(WEEKDAYS),
                                                help="at most 6 of mon, tue, wed, thu, fri, sat, sun"))  # fmt: skip
    closed_dates: str = spec(
        Text(
            "Closed dates",
            False,
            max_length=2000,
            pattern=r"[0-9, \-]*",
            pattern_words="ISO dates separated by commas, e.g. 2026-12-25, 2027-01-01",
        )
    )
    time_zone: str = spec(Text("Time zone", max_length=64, pattern=r"[A-Za-z0-9_+\-/]+",
                               pattern_words="an IANA time-zone name, e.g. America/New_York"), "UTC")  # fmt: skip
    crisis_text: str = spec(
        Text("Crisis text (discharge instructions; patients' questionnaires)", max_length=600, multiline=True),
        _D["crisis_text"],
    )
    clinic_phone: str = spec(
        Text(
            "Clinic phone (on discharge instructions)",
            False,
            max_length=40,
            pattern=r"[0-9+() .\-]+",
            pattern_words="digits, spaces, + ( ) . -",
        )
    )
    after_hours_text: str = spec(Text("After-hours contact (on discharge instructions)", False, max_length=400,
                                      multiline=True))  # fmt: skip

    def _check(self) -> None:
        for low, high in (("iv_predose_caution_systolic_mmhg", "iv_predose_hold_systolic_mmhg"),
                          ("iv_predose_caution_diastolic_mmhg", "iv_predose_hold_diastolic_mmhg")):  # fmt: skip
            caution, hold = getattr(self, low), getattr(self, high)
            if caution is not None and hold is not None and caution > hold:
                raise InputError(low, caution, f"at most the hold limit ({hold} mmHg)")
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InputError("time_zone", self.time_zone, "an IANA time-zone name, e.g. America/New_York") from None
        self.closed_days()
        self.dose_rules()
        self.surveillance()

    def closed_dates_list(self) -> frozenset[dt.date]:
        """The closed dates as dates (each refused by name if it is not an ISO date)."""
        out = set()
        for item in (p.strip() for p in self.closed_dates.split(",")):
            if not item:
                continue
            try:
                out.add(dt.date.fromisoformat(item))
            except ValueError:
                raise InputError("closed_dates", item, "ISO dates separated by commas, e.g. 2026-12-25") from None
        return frozenset(out)

    def closed_days(self) -> ClosedDays:
        """The core's ``ClosedDays`` (which refuses seven closed weekdays, naming ``closed_weekdays``)."""
        return ClosedDays(frozenset(WEEKDAYS.index(d) for d in self.closed_weekdays), self.closed_dates_list())

    def dose_rules(self, source: str = "site-decision") -> DoseRules:
        """The core's ``DoseRules`` with this tolerance and window."""
        return DoseRules(Cited(self.dose_plan_tolerance_percent, source), Cited(self.dose_window_hours, source),
                         DEFAULT_DOSE_RULES.arithmetic_allowance_percent)  # fmt: skip

    def surveillance(self, name: str = "site", version: str = "1") -> SurveillanceConfig:
        """The core's ``SurveillanceConfig`` with these intervals and margins."""
        return SurveillanceConfig(
            name=name, version=version, bladder_interval_days=self.bladder_interval_days,
            cognitive_interval_days=self.cognitive_interval_days,
            liver_enzymes_interval_days=self.liver_enzymes_interval_days,
            blood_pressure_review_interval_days=self.blood_pressure_review_interval_days,
            screen_overdue_grace_days=self.screen_overdue_grace_days,
            bladder_rise_points=float(self.bladder_rise_points),
            cognitive_fall_points=float(self.cognitive_fall_points),
            bp_rise_mmhg=float(self.bp_rise_mmhg), placeholder=False,
        )  # fmt: skip

    def stored(self) -> dict[str, Any]:
        """The values as JSON-ready text and numbers (what a version row stores).

        >>> SiteSettingsInput(**DEFAULT_VALUES).stored()["closed_weekdays"]
        ['sat', 'sun']
        """
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, frozenset):
                value = sorted(value, key=WEEKDAYS.index)
            elif isinstance(value, Decimal):
                value = str(value)
            out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class ConsentDocumentInput(InputType):
    """A new version of the clinic's consent text for one product (the clinic's own words)."""

    product: str = spec(Choice("Product", options=tuple(p.value for p in Product)))
    title: str = spec(Text("Title", max_length=200))
    body: str = spec(Text("Consent text", max_length=20000, min_length=20, multiline=True))


@dataclass(frozen=True, slots=True)
class ConsentAcceptanceInput(InputType):
    """The patient's acceptance: the document version, the name the patient typed, the time, the witness."""

    document_id: int = spec(Number("Consent document", low=Decimal(1), high=Decimal(2**31 - 1)))
    typed_name: str = spec(Text("Name typed by the patient", max_length=200, min_length=2))
    witness_id: int = spec(Number("Witness (staff member)", low=Decimal(1), high=Decimal(2**31 - 1)))
    accepted_at: dt.datetime | None = spec(Moment("Accepted at", False, blank_is_now=True))


@dataclass(frozen=True, slots=True)
class ConsentOverrideInput(InputType):
    """A prescriber's reason to start a course without a current consent."""

    reason: str = spec(Text("Reason to start without a current consent", max_length=1000,
                            min_length=MIN_OVERRIDE_REASON_CHARS, multiline=True,
                            help=reason_hint("to give the first dose without a current consent")))  # fmt: skip
