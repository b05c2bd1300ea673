"""One input type per use case: a frozen dataclass whose fields each carry their ``Spec``.

Constructing the dataclass parses every field through its spec (so ``DoseInput(dose_mg="1e10", ...)``
is refused naming ``dose_mg``) and then runs the use case's cross-field checks (``_check``). The form, the
API schema, FHIR import and the CLI build the same dataclass, so they refuse the same values with the same
message.

>>> from dataclasses import dataclass
>>> from decimal import Decimal
>>> from ketamine_trd.clinical.inputs.fields import Number
>>> @dataclass(frozen=True, slots=True)
... class Example(InputType):
...     dose_mg: Decimal = spec(Number("Dose", low=Decimal(1), high=Decimal(10), unit="mg", places=1))
>>> Example(dose_mg="2.5").dose_mg
Decimal('2.5')
>>> [name for name, _ in specs_of(Example)]
['dose_mg']
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any

from ketamine_trd.clinical.inputs.fields import Spec

__all__ = ["InputType", "spec", "specs_of"]

_SPEC = "ketamine_trd.spec"


def spec(field_spec: Spec, default: Any = MISSING) -> Any:
    """A dataclass field carrying ``field_spec``; optional fields default to ``None`` unless told otherwise."""
    from dataclasses import field

    if default is MISSING and not field_spec.required:
        default = None
    if default is MISSING:
        return field(metadata={_SPEC: field_spec})
    if isinstance(default, (list, dict, set)):
        raise TypeError("mutable defaults are not allowed")
    return field(default=default, metadata={_SPEC: field_spec})


def specs_of(cls: type[Any]) -> list[tuple[str, Spec]]:
    """The ``(name, spec)`` pairs of an input type, in field order (fields without a spec are skipped)."""
    return [(f.name, f.metadata[_SPEC]) for f in fields(cls) if _SPEC in f.metadata]


@dataclass(frozen=True, slots=True)
class InputType:
    """Base of every core input type: parse each field through its spec, then ``_check`` across fields."""

    def __post_init__(self) -> None:
        for name, field_spec in specs_of(type(self)):
            object.__setattr__(self, name, field_spec.parse(name, getattr(self, name)))
        self._check()

    def _check(self) -> None:
        """Checks across fields (``diastolic below systolic``); raise ``InputError`` naming the field."""
