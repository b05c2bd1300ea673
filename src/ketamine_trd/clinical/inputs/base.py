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

A reading's time that the person leaves blank is the time it is saved: the service calls ``stamped(now)`` with the
server's clock, which sets each blank "now" time (``Moment(blank_is_now=True)``) and refuses any time later than
``now`` plus the allowed clock skew, naming the field; the checks across fields then run on the stamped times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any, Self

from ketamine_trd.clinical.inputs.fields import Moment, Spec

__all__ = ["InputType", "spec", "specs_of"]

_SPEC = "ketamine_trd.spec"


def spec(field_spec: Spec, default: Any = MISSING) -> Any:
    """A dataclass field carrying ``field_spec``; optional fields default to ``None`` unless told otherwise.

    The time of a reading (``Moment(blank_is_now=True)``) has no default: it keeps its place among the arguments,
    and a caller says the time or ``None`` (the moment it is saved).
    """
    from dataclasses import field

    if default is MISSING and not field_spec.required and not getattr(field_spec, "blank_is_now", False):
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
        """Checks across fields (``diastolic below systolic``); raise ``InputError`` naming the field.

        A blank "now" time is ``None`` here until :meth:`stamped`; a check that needs it waits for the stamp.
        """

    def stamped(self, now: dt.datetime) -> Self:
        """This value as saved at ``now`` (the server's clock): blank "now" times set to ``now``, none in the future.

        >>> from dataclasses import dataclass
        >>> from ketamine_trd.clinical.inputs.fields import Moment
        >>> @dataclass(frozen=True, slots=True)
        ... class Reading(InputType):
        ...     taken_at: dt.datetime | None = spec(Moment("Taken at", False, blank_is_now=True))
        >>> now = dt.datetime(2026, 3, 2, 9, 42, tzinfo=dt.UTC)
        >>> Reading(None).taken_at is None, Reading(None).stamped(now).taken_at == now
        (True, True)
        """
        times = {name: field_spec.at(name, getattr(self, name), now)
                 for name, field_spec in specs_of(type(self)) if isinstance(field_spec, Moment)}  # fmt: skip
        return replace(self, **times)
