"""Patient self-report inputs: staff issuing a questionnaire link for a patient.

The API's link schema is generated from this type (``clinic/inputs.py``). Which questionnaires a clinic may
send (built-in texts, or its licensed ones) is the clinic's and is checked by the service; this type only knows the
engine's instruments.

>>> ReportLinkInput(instrument_ids=["gad7", "phq9"]).ordered
('phq9', 'gad7')
>>> from ketamine_trd.errors import InputError
>>> try:
...     ReportLinkInput(instrument_ids=[])
... except InputError as error:
...     print(error.field)
instrument_ids
"""

from __future__ import annotations

from dataclasses import dataclass

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Many, Text
from ketamine_trd.errors import InputError

__all__ = ["ReportLinkInput"]

_ORDER = tuple(i.id for i in instruments.all_instruments())


@dataclass(frozen=True, slots=True)
class ReportLinkInput(InputType):
    """A link for one patient: which questionnaires, and optionally the e-mail address to send it to."""

    instrument_ids: frozenset[str] = spec(Many("Questionnaires", options=frozenset(_ORDER),
                                               help="instrument ids, e.g. phq9, gad7"))  # fmt: skip
    email: str = spec(Text("E-mail the link to", False, max_length=254,
                           pattern=r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+",
                           pattern_words="an e-mail address (name@example.org)"), "")  # fmt: skip

    def _check(self) -> None:
        if not self.instrument_ids:
            raise InputError("instrument_ids", "", "at least one questionnaire")

    @property
    def ordered(self) -> tuple[str, ...]:
        """The questionnaires in the engine's order (the order the patient answers them)."""
        return tuple(i for i in _ORDER if i in self.instrument_ids)
