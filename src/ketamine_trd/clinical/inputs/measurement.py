"""Measurement-based care inputs: recording an assessment and acknowledging an alert.

The API's assessment and acknowledgement schemas and the acknowledgement form are generated from these types
(``clinic/inputs.py``); the score-entry form builds ``AssessmentInput`` from its item fields. The instrument is one
of the engine's (``clinical.instruments``) and its answers are checked by that instrument's definition (allowed
values, gates, missing items), so the form, the API and FHIR import refuse the same answers with the same message.

>>> from ketamine_trd.errors import InputError
>>> at = "2026-03-02T09:00:00+00:00"
>>> AssessmentInput(instrument_id="phq9", answers={f"q{i}": 0 for i in range(1, 10)}, administered_at=at).course_id
>>> try:
...     AssessmentInput(instrument_id="phq9", answers={"q1": 7}, administered_at=at)
... except InputError as error:
...     print(error.field)
phq9.q1
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Answers, Choice, Moment, Number, Text

__all__ = ["ACKNOWLEDGEMENT_NOTE_CHARS", "AcknowledgeInput", "AssessmentInput"]

#: the longest acknowledgement note (platform-defined: a few paragraphs of what was done)
ACKNOWLEDGEMENT_NOTE_CHARS = 2000


def _row_id(label: str) -> Number:
    """A database row id (platform-defined: the 64-bit key range)."""
    return Number(label, False, low=Decimal(1), high=Decimal(2**63 - 1), unit="id")


@dataclass(frozen=True, slots=True)
class AssessmentInput(InputType):
    """One assessment: which instrument, the answers by item id, when it was given, and what it belongs to."""

    instrument_id: str = spec(Choice("Instrument", options=tuple(i.id for i in instruments.all_instruments()),
                                     labels=tuple(i.name for i in instruments.all_instruments()),
                                     unknown_term=True))  # fmt: skip
    answers: dict[str, int | None] = spec(Answers("Answers"))
    #: left blank (``None``): the moment it is saved (:meth:`stamped` with the server's clock)
    administered_at: dt.datetime | None = spec(Moment("Administered at", False, blank_is_now=True))
    course_id: int | None = spec(_row_id("Course"))
    session_id: int | None = spec(_row_id("Session"))

    def _check(self) -> None:
        instruments.score(self.instrument_id, self.answers)  # the instrument's items, values, gates and missing


@dataclass(frozen=True, slots=True)
class AcknowledgeInput(InputType):
    """Acknowledging an alert: what was done (a critical alert needs it; the alert's level is the service's)."""

    note: str = spec(Text("What was done", False, max_length=ACKNOWLEDGEMENT_NOTE_CHARS, multiline=True,
                          help=f"required for a critical alert; at most {ACKNOWLEDGEMENT_NOTE_CHARS} characters"),
                     "")  # fmt: skip
