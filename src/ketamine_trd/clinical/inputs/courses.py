"""Planning a course and moving it to its next phase: the one description of what a prescriber chooses.

The course form and the API's course schema are generated from ``CourseInput`` and ``PhaseInput``
(``clinic/inputs.py``), so both refuse the same values with the same message. Ranges and options are the course
rules' own (``clinical.courses_esketamine``, ``clinical.courses_iv``, ``clinical.dosing``); the monitoring profile is
one of the shipped profiles (``clinical.monitoring_profiles``) and must cover the product, so a course never stores
an id that charting cannot read. Whether a dose is right for the patient is judged by the course rules when the
plan is made, not here.

>>> course = CourseInput(product="ketamine-iv", start_date="2026-03-02", monitoring_profile="iv-ketamine-site-default")
>>> course.mg_per_kg, course.infusions
(Decimal('0.5'), 6)
>>> try:
...     CourseInput(product="esketamine-nasal", start_date="2026-03-02", monitoring_profile="iv-ketamine-site-default")
... except InputError as error:
...     print(error.field)
monitoring_profile
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketamine_trd.clinical.courses_esketamine import FROM_WEEK9, TOTAL_WEEKS_RANGE
from ketamine_trd.clinical.courses_iv import (
    INFUSIONS_RANGE,
    MAINTENANCE_OPTIONS,
    MAINTENANCE_SESSIONS_RANGE,
    PER_WEEK_OPTIONS,
)
from ketamine_trd.clinical.dosing.esketamine import DEVICE_MG, INDICATIONS
from ketamine_trd.clinical.dosing.iv import RANGE_SOURCE, STUDIED_MG_PER_KG
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import EARLIEST_RECORD, Choice, Day, Number, Text
from ketamine_trd.clinical.monitoring_profiles import profiles
from ketamine_trd.clinical.overrides import reason_hint
from ketamine_trd.errors import InputError

__all__ = ["COURSE_PHASES", "COURSE_PRODUCTS", "MONITORING_PROFILES", "CourseInput", "PhaseInput"]

#: the products the course rules plan, with the words the clinic shows
COURSE_PRODUCTS: tuple[tuple[str, str], ...] = (
    ("esketamine-nasal", "Esketamine nasal spray (SPRAVATO)"),
    ("ketamine-iv", "Racemic ketamine IV"),
)
#: the phases of a course (platform-defined workflow: evaluation -> induction -> maintenance, ended at any point)
COURSE_PHASES: tuple[tuple[str, str], ...] = (
    ("evaluation", "Evaluation"),
    ("induction", "Induction"),
    ("maintenance", "Maintenance"),
    ("ended", "Ended"),
)
#: the shipped monitoring profiles a course may name (withdrawn versions only explain stored results), id -> title
MONITORING_PROFILES: dict[str, str] = {p.id: p.title for p in sorted(profiles(), key=lambda p: (p.id, p.version))
                                       if not p.withdrawn}  # fmt: skip
_PROFILE_PRODUCTS: dict[str, frozenset[str]] = {p.id: p.products for p in profiles() if not p.withdrawn}
#: the most devices one esketamine session uses (84 mg, spravato-hcp-dosing)
_MAX_DEVICES = 3
_REASON = "Reason to go ahead although eligibility is not established"


def _choice(label: str, pairs: tuple[tuple[str, str], ...], required: bool = False, *, unknown_term: bool = False
            ) -> Choice:  # fmt: skip
    return Choice(label, required, options=tuple(i for i, _ in pairs), labels=tuple(w for _, w in pairs),
                  unknown_term=unknown_term)  # fmt: skip


def _words(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.replace("-", " ")) for v in values)


def _whole(label: str, bounds: tuple[int, int], unit: str, source: str = "platform-defined") -> Number:
    return Number(label, False, low=Decimal(bounds[0]), high=Decimal(bounds[1]), unit=unit, source=source)


@dataclass(frozen=True, slots=True)
class CourseInput(InputType):
    """A course plan: the product, the start date, the monitoring profile and the product's plan choices.

    Fields marked esketamine or IV apply to that product only; unset ones take the course rules' defaults.
    """

    product: str = spec(_choice("Product", COURSE_PRODUCTS, True, unknown_term=True))
    start_date: dt.date = spec(Day("Start date", earliest=EARLIEST_RECORD.date()))
    monitoring_profile: str = spec(_choice("Monitoring profile (empty: the product's default)",
                                          tuple(MONITORING_PROFILES.items())), "")  # fmt: skip
    indication: str = spec(_choice("Indication (esketamine)", _words(INDICATIONS)), "trd")
    total_weeks: int = spec(_whole("Weeks planned (esketamine)", TOTAL_WEEKS_RANGE, "weeks"), 16)
    from_week9: str = spec(_choice("From week 9 (esketamine)", _words(FROM_WEEK9)), "every-2-weeks")
    oral_antidepressant: str = spec(Text("Oral antidepressant (esketamine; empty: monotherapy)", False,
                                         max_length=80), "")  # fmt: skip
    dose_mg: int | None = spec(Number(
        "Dose after session 1 (esketamine; empty: the label's)", False, low=Decimal(DEVICE_MG),
        high=Decimal(DEVICE_MG * _MAX_DEVICES), unit="mg", source="spravato-hcp-dosing",
        help=f"{DEVICE_MG} to {DEVICE_MG * _MAX_DEVICES} mg in {DEVICE_MG}-mg devices; the course rules check the "
             "label's doses",
    ))  # fmt: skip
    mg_per_kg: Decimal = spec(Number("Dose per kg (IV)", False, low=Decimal(str(STUDIED_MG_PER_KG[0])),
                                     high=Decimal(str(STUDIED_MG_PER_KG[1])), unit="mg/kg", places=2,
                                     source=RANGE_SOURCE), Decimal("0.5"))  # fmt: skip
    infusions: int = spec(_whole("Induction infusions (IV)", INFUSIONS_RANGE, "infusions", "S27"), 6)
    per_week: int = spec(_whole("Infusions a week (IV)", (min(PER_WEEK_OPTIONS), max(PER_WEEK_OPTIONS)),
                                "a week"), 2)  # fmt: skip
    maintenance: str = spec(_choice("Maintenance (IV)", _words(MAINTENANCE_OPTIONS)), "none")
    maintenance_sessions: int = spec(_whole("Maintenance sessions (IV)", MAINTENANCE_SESSIONS_RANGE, "sessions"), 0)
    override_reason: str = spec(Text(_REASON, False, max_length=2000, multiline=True,
                                     help=reason_hint("only when the eligibility check is not passed")),
                                "")  # fmt: skip

    def _check(self) -> None:
        defaults = {"indication": "trd", "total_weeks": 16, "from_week9": "every-2-weeks", "mg_per_kg": Decimal("0.5"),
                    "infusions": 6, "per_week": 2, "maintenance": "none", "maintenance_sessions": 0}  # fmt: skip
        for name, default in defaults.items():
            if getattr(self, name) in (None, ""):
                object.__setattr__(self, name, default)
        covered = _PROFILE_PRODUCTS.get(self.monitoring_profile)
        if covered is not None and self.product not in covered:
            fitting = ", ".join(i for i, products in _PROFILE_PRODUCTS.items() if self.product in products)
            raise InputError("monitoring_profile", self.monitoring_profile, f"a profile for {self.product}: {fitting}")


@dataclass(frozen=True, slots=True)
class PhaseInput(InputType):
    """Moving a course on: the next phase; ending needs a reason; induction may need an eligibility override."""

    phase: str = spec(_choice("Next phase", COURSE_PHASES, True))
    end_reason: str = spec(Text("Reason to end the course", False, max_length=500,
                                help="required to end a course: at least 5 characters"), "")  # fmt: skip
    override_reason: str = spec(Text(_REASON, False, max_length=2000, multiline=True,
                                     help="to start induction although eligibility is not established"),
                                "")  # fmt: skip
