"""Quantities typed by people: a number in the field's unit, or a number with an explicit, allowed unit.

Units are never guessed: "180 lb" typed where kilograms are expected is refused unless the person chose
pounds; pounds and inches are converted to kg and cm (exact definitions) and stored in kg and cm.
Plausibility ranges catch typing errors; they are platform-defined, not clinical limits.

>>> parse_quantity("weight_kg", "72.5", "kg")
Decimal('72.5')
>>> parse_quantity("weight_kg", "160", "lb")
Decimal('72.6')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ketamine_trd.clinical.inputs.base import specs_of
from ketamine_trd.clinical.inputs.fields import Number
from ketamine_trd.clinical.inputs.registration import PatientInput
from ketamine_trd.errors import InputError, UnitError

#: exact conversion factors to the stored unit (international pound and inch, 1959 definitions)
TO_STORED: dict[str, tuple[str, Decimal]] = {
    "kg": ("kg", Decimal(1)),
    "lb": ("kg", Decimal("0.45359237")),
    "cm": ("cm", Decimal(1)),
    "in": ("cm", Decimal("2.54")),
}
#: plausibility ranges in the stored unit: the registration input type's (one copy, in the core)
PLAUSIBLE: dict[str, tuple[Decimal, Decimal]] = {
    name: (field_spec.low, field_spec.high)
    for name, field_spec in specs_of(PatientInput)
    if isinstance(field_spec, Number)
}
_UNIT_WORDS = {
    "kg": "kg", "kgs": "kg", "kilograms": "kg", "kilogram": "kg",
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "cm": "cm", "centimetres": "cm", "centimeters": "cm",
    "in": "in", "inch": "in", "inches": "in", '"': "in",
}  # fmt: skip
_TYPED = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*([A-Za-z\"]*)\s*$")


def parse_quantity(field: str, raw: object, unit: str) -> Decimal:
    """Parse ``raw`` entered in ``unit`` (chosen by the person) into the stored unit, one decimal place.

    A unit typed inside the value must agree with ``unit``; otherwise ``UnitError``.
    """
    if unit not in TO_STORED:
        raise UnitError(f"{field}_unit", unit, ", ".join(TO_STORED))
    stored_unit, factor = TO_STORED[unit]
    allowed = _allowed(field, stored_unit)
    match = _TYPED.match(str(raw))
    if match is None or isinstance(raw, bool):
        raise InputError(field, raw, allowed, reason="is not a number")
    number, typed_unit = match.group(1).replace(",", "."), match.group(2).lower()
    if typed_unit:
        said = _UNIT_WORDS.get(typed_unit)
        if said != unit:
            raise UnitError(
                field, raw, f"a number in {unit} (choose the {said or typed_unit} unit to enter {typed_unit})"
            )
    try:
        value = Decimal(number) * factor
    except InvalidOperation:
        raise InputError(field, raw, allowed, reason="is not a number") from None
    value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    low, high = PLAUSIBLE.get(field, (Decimal(0), Decimal(10**6)))
    if not low <= value <= high:
        raise InputError(field, raw if not typed_unit and unit == stored_unit else f"{raw} {unit}", allowed)
    return value


def _allowed(field: str, stored_unit: str) -> str:
    low, high = PLAUSIBLE.get(field, (Decimal(0), Decimal(10**6)))
    return f"{low:f} to {high:f} {stored_unit} (platform-defined plausibility range)"
