"""Registering a patient: the one description of the demographics a clinic records.

The form, the API and FHIR import all build ``PatientInput`` and then call ``check_dates(today)``, so an MRN
with markup or ``../``, a birth date in 2999 or 1800, a NUL in a name or a weight of 25 kg is refused the same
way everywhere. Weight and height ranges are the dosing module's (``clinical.dosing.weights``): a weight the
clinic registers can always be dosed from.

>>> p = PatientInput(mrn="DEMO-1", given_name="Kim", family_name="Lee", date_of_birth="1990-01-01",
...                  weight_kg="72.5")
>>> p.weight_kg, p.date_of_birth.year
(Decimal('72.5'), 1990)
>>> try:
...     PatientInput(mrn="../x", given_name="Kim", family_name="Lee", date_of_birth="1990-01-01")
... except InputError as error:
...     print(error.field)
mrn
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketamine_trd.clinical.dosing.weights import GUARD_SOURCE, HEIGHT_RANGE_CM, WEIGHT_RANGE_KG
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Choice, Day, Number, Text
from ketamine_trd.errors import InputError

__all__ = ["MRN_PATTERN", "OLDEST_YEARS", "SEXES", "PatientInput", "PatientSearchInput"]

MRN_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}"
#: the oldest age the platform registers (platform-defined plausibility range)
OLDEST_YEARS = 120
SEXES: tuple[tuple[str, str], ...] = (("female", "Female"), ("male", "Male"), ("other", "Other"),
                                      ("unknown", "Unknown"))  # fmt: skip


def _decimal(value: float) -> Decimal:
    return Decimal(int(value)) if value == int(value) else Decimal(str(value))


_WEIGHT = Number("Weight", False, low=_decimal(WEIGHT_RANGE_KG[0]), high=_decimal(WEIGHT_RANGE_KG[1]),
                 unit="kg", places=1, source=GUARD_SOURCE,
                 help=f"{WEIGHT_RANGE_KG[0]:g} to {WEIGHT_RANGE_KG[1]:g} kg (platform-defined plausibility range, "
                      "the dosing module's)")  # fmt: skip
_HEIGHT = Number("Height", False, low=_decimal(HEIGHT_RANGE_CM[0]), high=_decimal(HEIGHT_RANGE_CM[1]),
                 unit="cm", places=1, source=GUARD_SOURCE,
                 help=f"{HEIGHT_RANGE_CM[0]:g} to {HEIGHT_RANGE_CM[1]:g} cm (platform-defined plausibility range, "
                      "the dosing module's)")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PatientInput(InputType):
    """Demographics; weight in kg and height in cm (other units are converted before, never guessed)."""

    mrn: str = spec(
        Text(
            "MRN",
            max_length=40,
            pattern=MRN_PATTERN,
            pattern_words="1 to 40 letters, digits or . _ / - (starting with a letter or digit)",
        )
    )
    given_name: str = spec(Text("Given name", max_length=100))
    family_name: str = spec(Text("Family name", max_length=100))
    date_of_birth: dt.date = spec(Day("Date of birth", help="a date (YYYY-MM-DD) in the past 120 years"))
    sex: str = spec(Choice("Sex", False, options=tuple(s for s, _ in SEXES), labels=tuple(w for _, w in SEXES)),
                    "unknown")  # fmt: skip
    weight_kg: Decimal | None = spec(_WEIGHT)
    height_cm: Decimal | None = spec(_HEIGHT)
    phone: str = spec(Text("Phone", False, max_length=40), "")
    email: str = spec(Text("E-mail", False, max_length=254, pattern=r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+",
                           pattern_words="an e-mail address (name@example.org)"), "")  # fmt: skip

    def _check(self) -> None:
        if not self.sex:
            object.__setattr__(self, "sex", "unknown")

    def check_dates(self, today: dt.date) -> None:
        """The date of birth is not after ``today`` and within a human lifetime (``OLDEST_YEARS``)."""
        if self.date_of_birth > today:
            raise InputError("date_of_birth", self.date_of_birth.isoformat(),
                             f"a date not after today ({today.isoformat()})")  # fmt: skip
        if self.date_of_birth.year < today.year - OLDEST_YEARS:
            raise InputError("date_of_birth", self.date_of_birth.isoformat(),
                             f"a date after {today.year - OLDEST_YEARS}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PatientSearchInput(InputType):
    """Finding patients: MRN or name starting with ``q``; one page of ``limit`` rows from ``offset``."""

    q: str = spec(Text("MRN or name starts with", False, max_length=100), "")
    limit: int = spec(Number("Rows", False, low=Decimal(1), high=Decimal(200), unit="rows"), 50)
    offset: int = spec(Number("From row", False, low=Decimal(0), high=Decimal(10**6), unit="rows"), 0)

    def _check(self) -> None:
        if self.limit is None:
            object.__setattr__(self, "limit", 50)
        if self.offset is None:
            object.__setattr__(self, "offset", 0)
