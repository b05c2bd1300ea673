"""Long-term safety screens: ICSI and ICPI bladder indices (O'Leary-Sant), MoCA."""

from __future__ import annotations

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.instruments._model import AlertRule, Band, Instrument, Item, Licence, Scoring

__all__ = ["ICPI", "ICSI", "MOCA"]

_NO_TERMS = Licence("unknown", "Licence status not found (NF)", source="platform-defined")

ICSI = Instrument(
    id="icsi",
    name="ICSI (O'Leary-Sant symptom index)",
    version="1997",
    items=(
        Item("urgency", "urgency", (0, 1, 2, 3, 4, 5)),
        Item("frequency", "frequency", (0, 1, 2, 3, 4, 5)),
        Item("nocturia", "nocturia", (0, 1, 2, 3, 4, 5)),
        Item("pain", "bladder pain or burning", (0, 1, 2, 3, 4, 5)),
    ),
    scoring=Scoring("sum", source="oleary-1997"),
    licence=_NO_TERMS,
    text_shareable=False,
    recall_period="past month",
    rater="self",
    source="oleary-1997",
    notes=("No official severity bands; track change over time.",),
)

ICPI = Instrument(
    id="icpi",
    name="ICPI (O'Leary-Sant problem index)",
    version="1997",
    items=(
        Item("frequency", "daytime frequency problem", (0, 1, 2, 3, 4)),
        Item("nocturia", "nocturia problem", (0, 1, 2, 3, 4)),
        Item("urgency", "urgency problem", (0, 1, 2, 3, 4)),
        Item("pain", "pain problem", (0, 1, 2, 3, 4)),
    ),
    scoring=Scoring("sum", source="oleary-1997"),
    licence=_NO_TERMS,
    text_shareable=False,
    recall_period="past month",
    rater="self",
    source="oleary-1997",
    notes=("No official severity bands; track change over time.",),
)

_MOCA_SECTIONS = (
    ("visuospatial_executive", 5),
    ("naming", 3),
    ("attention", 6),
    ("language", 3),
    ("abstraction", 2),
    ("delayed_recall", 5),
    ("orientation", 6),
)

MOCA = Instrument(
    id="moca",
    name="MoCA",
    version="2005",
    items=(
        *(Item(k, k.replace("_", " "), tuple(range(top + 1))) for k, top in _MOCA_SECTIONS),
        Item("education_point", "1 if 12 years of education or fewer", (0, 1)),
    ),
    scoring=Scoring("capped_sum", source="nasreddine-2005", cap=30),
    bands=(
        Band(0, 25, "below the cut-off of 26", source="nasreddine-2005"),
        Band(26, 30, "normal (26 or more)", source="nasreddine-2005"),
    ),
    alert_rules=(
        AlertRule(
            "moca.below_cutoff",
            AlertLevel.INFO,
            "MoCA below 26: below the published cut-off; consider a fuller cognitive assessment.",
            source="nasreddine-2005",
            total_at_most=25,
            kind=AlertKind.OTHER,
        ),
    ),
    loinc={"panel": "72133-2", "total": "72172-0"},
    licence=Licence(
        "licence-required",
        "Certified raters only (since 2020); licence needed for app use",
        source="moca-certification",
    ),
    text_shareable=False,
    recall_period="point in time",
    rater="certified clinician",
    higher_is_worse=False,
    source="nasreddine-2005",
    notes=(
        "Section maxima follow the published 30-point form; the education point is added and the total capped at 30.",
        "The widely quoted 18-25 / 10-17 / <10 bands are unverified and not encoded.",
    ),
)
