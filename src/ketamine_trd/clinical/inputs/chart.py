"""The chart's lists and notes: medications, allergies, problems, session and visit notes, addenda.

Each free-text field has a documented limit (platform-defined): a name or a substance 200 characters, a reaction
or a problem 500, each heading of a note (Subjective, Objective, Assessment, Plan) and an addendum
``NOTE_SECTION_MAX_CHARS`` (20,000: about eight pages of text). NUL and other control characters are refused,
naming the field, like every other text of the platform.

>>> MedicationInput(name="Lorazepam 1 mg", dose_text="1 mg at night").name
'Lorazepam 1 mg'
>>> try:
...     NoteInput(kind="visit", subjective="a\\x00b")
... except InputError as error:
...     print(error.field)
subjective
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Choice, Day, Text
from ketamine_trd.errors import InputError

__all__ = [
    "ALLERGY_SEVERITIES",
    "NOTE_KINDS",
    "NOTE_SECTIONS",
    "NOTE_SECTION_MAX_CHARS",
    "AddendumInput",
    "AllergyInput",
    "MedicationInput",
    "NoteInput",
    "ProblemInput",
]

#: the longest text of one note heading or one addendum (platform-defined limit)
NOTE_SECTION_MAX_CHARS = 20_000
NOTE_KINDS: tuple[tuple[str, str], ...] = (("visit", "Visit note"), ("session", "Session note"))
#: the structured headings of a note, in the order shown (SOAP)
NOTE_SECTIONS: tuple[tuple[str, str], ...] = (("subjective", "Subjective"), ("objective", "Objective"),
                                              ("assessment", "Assessment"), ("plan", "Plan"))  # fmt: skip
ALLERGY_SEVERITIES: tuple[tuple[str, str], ...] = (("unknown", "Not known"), ("mild", "Mild"),
                                                   ("moderate", "Moderate"), ("severe", "Severe"))  # fmt: skip
_LIMIT = f"up to {NOTE_SECTION_MAX_CHARS:,} characters (platform-defined limit)"


def _section(label: str) -> Text:
    return Text(label, False, max_length=NOTE_SECTION_MAX_CHARS, multiline=True, help=_LIMIT)


def _dates(start: dt.date | None, stop: dt.date | None, start_name: str, stop_name: str) -> None:
    if start is not None and stop is not None and stop < start:
        raise InputError(stop_name, stop.isoformat(), f"a date on or after the {start_name.replace('_', ' ')}")


@dataclass(frozen=True, slots=True)
class MedicationInput(InputType):
    """A current or past medication; its class is read from the name by ``clinical.medication_classes``."""

    name: str = spec(Text("Medication", max_length=200, help="1 to 200 characters: generic or brand name"))
    dose_text: str = spec(Text("Dose and frequency", False, max_length=200), "")
    started_on: dt.date | None = spec(Day("Started", False))
    stopped_on: dt.date | None = spec(Day("Stopped", False, help="blank while the patient still takes it"))

    def _check(self) -> None:
        _dates(self.started_on, self.stopped_on, "started_on", "stopped_on")


@dataclass(frozen=True, slots=True)
class AllergyInput(InputType):
    """An allergy or intolerance: the substance, the reaction, its severity."""

    substance: str = spec(Text("Substance", max_length=200))
    reaction: str = spec(Text("Reaction", False, max_length=500), "")
    severity: str = spec(Choice("Severity", False, options=tuple(s for s, _ in ALLERGY_SEVERITIES),
                                labels=tuple(w for _, w in ALLERGY_SEVERITIES)), "unknown")  # fmt: skip

    def _check(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", "unknown")


@dataclass(frozen=True, slots=True)
class ProblemInput(InputType):
    """A problem of the problem list, active until a resolution date is given."""

    description: str = spec(Text("Problem", max_length=500))
    onset_on: dt.date | None = spec(Day("Onset", False))
    resolved_on: dt.date | None = spec(Day("Resolved", False, help="blank while the problem is active"))

    def _check(self) -> None:
        _dates(self.onset_on, self.resolved_on, "onset_on", "resolved_on")


@dataclass(frozen=True, slots=True)
class NoteInput(InputType):
    """A visit or session note: free text under the four SOAP headings; at least one heading is written."""

    kind: str = spec(Choice("Kind of note", options=tuple(k for k, _ in NOTE_KINDS),
                            labels=tuple(w for _, w in NOTE_KINDS)))  # fmt: skip
    subjective: str = spec(_section("Subjective"), "")
    objective: str = spec(_section("Objective"), "")
    assessment: str = spec(_section("Assessment"), "")
    plan: str = spec(_section("Plan"), "")

    def _check(self) -> None:
        if not any((self.subjective, self.objective, self.assessment, self.plan)):
            raise InputError("subjective", None, "text under at least one heading", reason="is missing")


@dataclass(frozen=True, slots=True)
class AddendumInput(InputType):
    """Text added to a signed note (the note itself never changes)."""

    text: str = spec(Text("Addendum", max_length=NOTE_SECTION_MAX_CHARS, multiline=True, help=_LIMIT))
