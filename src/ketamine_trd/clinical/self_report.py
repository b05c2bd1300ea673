"""What a patient reads when they fill in a questionnaire themselves: item text, answer options, safety items.

Only instruments whose copyright holder lets anyone reproduce the text are built in: the PHQ-9, the PHQ-2 and
the GAD-7. Pfizer, the holder, states "No permission required to reproduce, translate, display or distribute"
(the LOINC copyright note and phqscreeners.com, transcribed in ``shared/reference/instruments-and-outcomes.md``
§ licences; Pfizer's 2010 announcement that the PHQ and GAD-7 are available "without copyright restriction and at
no charge", http://www.worldpharmanews.com/pfizer/1311-pfizer-to-offer-free-public-access-to-mental-health-assessment-tools).
Any other instrument is offered to patients only with text that the clinic supplies under its own licence
(:func:`patient_text` with ``licensed``); without it :func:`offered` leaves it out.

Scoring, bands, alerts and follow-ups stay in ``clinical.instruments``: this module holds words only.

>>> [t.instrument_id for t in BUILT_IN]
['phq9', 'phq2', 'gad7']
>>> patient_text("phq9").items[8].startswith("Thoughts that you would be better off dead")
True
>>> offered(("phq9", "madrs"), licensed={})
('phq9',)
>>> is_safety_positive("phq9", {"q9": 1}), is_safety_positive("phq9", {"q9": 0})
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "BUILT_IN",
    "FREQUENCY_OPTIONS",
    "SAFETY_ITEMS",
    "PatientText",
    "is_safety_positive",
    "offered",
    "patient_text",
]

#: the PHQ/GAD answer options, scored 0-3 (Kroenke 2001, Spitzer 2006; same words on both forms)
FREQUENCY_OPTIONS: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)


@dataclass(frozen=True, slots=True)
class PatientText:
    """The words of one instrument as a patient sees them: a stem, one text per item (in item order), options."""

    instrument_id: str
    title: str
    stem: str
    items: tuple[str, ...]
    options: tuple[tuple[int, str], ...]
    licence: str


_PFIZER = "PHQ-9, PHQ-2 and GAD-7 © Pfizer Inc.: no permission required to reproduce, translate, display or distribute."
_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

_PHQ9_TEXT = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or "
    "restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

_GAD7_TEXT = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

BUILT_IN: tuple[PatientText, ...] = (
    PatientText("phq9", "PHQ-9", _STEM, _PHQ9_TEXT, FREQUENCY_OPTIONS, _PFIZER),
    PatientText("phq2", "PHQ-2", _STEM, _PHQ9_TEXT[:2], FREQUENCY_OPTIONS, _PFIZER),
    PatientText("gad7", "GAD-7", _STEM, _GAD7_TEXT, FREQUENCY_OPTIONS, _PFIZER),
)
_BY_ID = {t.instrument_id: t for t in BUILT_IN}

#: items whose positive answer is a safety event: PHQ-9 item 9 above 0 (the engine's ``phq9.item9_positive``)
#: and any "yes" on the C-SSRS screener (when a clinic supplies its licensed text)
SAFETY_ITEMS: Mapping[str, tuple[str, ...]] = {
    "phq9": ("q9",),
    "cssrs-screener": ("q1", "q2", "q3", "q4", "q5", "q6"),
}


def patient_text(instrument_id: str, licensed: Mapping[str, PatientText] | None = None) -> PatientText:
    """The text of a built-in instrument, or the clinic's licensed text; ``KeyError`` when neither exists.

    >>> patient_text("gad7").items[0]
    'Feeling nervous, anxious or on edge'
    """
    if instrument_id in _BY_ID:
        return _BY_ID[instrument_id]
    return (licensed or {})[instrument_id]


def offered(instrument_ids: Sequence[str], licensed: Mapping[str, PatientText]) -> tuple[str, ...]:
    """The instruments of ``instrument_ids`` a patient may be sent: built in, or with the clinic's licensed text.

    >>> offered(("gad7", "qids-sr16"), licensed={"qids-sr16": BUILT_IN[0]})
    ('gad7', 'qids-sr16')
    """
    return tuple(i for i in instrument_ids if i in _BY_ID or i in licensed)


def is_safety_positive(instrument_id: str, answers: Mapping[str, int | None]) -> bool:
    """True when an answer to a safety item is above 0 (the patient must see the crisis text at once).

    >>> is_safety_positive("cssrs-screener", {"q1": 0, "q2": 1})
    True
    >>> is_safety_positive("gad7", {"q1": 3})
    False
    """
    return any((answers.get(item) or 0) > 0 for item in SAFETY_ITEMS.get(instrument_id, ()))
