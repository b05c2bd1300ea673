"""Depression scales: PHQ-9, PHQ-2, QIDS-SR16, QIDS-C16, MADRS, HAM-D17.

Structure, bands and codes from ``shared/reference/instruments-and-outcomes.md`` §1a-1c;
each piece cites its source id. Item labels are short domain names, never item text.
"""

from __future__ import annotations

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.instruments._model import AlertRule, Band, Instrument, Item, Licence, Scoring

__all__ = ["HAMD17", "MADRS", "PHQ2", "PHQ9", "QIDS_C16", "QIDS_SR16"]

_0_3 = (0, 1, 2, 3)

_PHQ9_ITEMS = (
    ("interest", "44250-9"),
    ("depressed mood", "44255-8"),
    ("sleep", "44259-0"),
    ("tiredness", "44254-1"),
    ("appetite", "44251-7"),
    ("self-view", "44258-2"),
    ("concentration", "44252-5"),
    ("psychomotor", "44253-3"),
    ("thoughts of death or self-harm", "44260-8"),
)

_PHQ_LICENCE = Licence(
    "free", "Pfizer: no permission required to reproduce, translate, display or distribute", source="loinc"
)

PHQ9 = Instrument(
    id="phq9",
    name="PHQ-9",
    version="2001",
    items=tuple(Item(f"q{n}", label, _0_3, loinc=code) for n, (label, code) in enumerate(_PHQ9_ITEMS, 1)),
    scoring=Scoring("sum", source="kroenke-2001"),
    bands=(
        Band(0, 4, "none-minimal", source="kroenke-2001"),
        Band(5, 9, "mild", source="kroenke-2001"),
        Band(10, 14, "moderate", source="kroenke-2001"),
        Band(15, 19, "moderately severe", source="kroenke-2001"),
        Band(20, 27, "severe", source="kroenke-2001"),
    ),
    alert_rules=(
        AlertRule(
            "phq9.item9_positive",
            AlertLevel.CRITICAL,
            "PHQ-9 item 9 (thoughts of death or self-harm) is above 0: a clinician must review now and a "
            "C-SSRS screener is due, whatever the total score (suicide-attempt risk rises with this item; the "
            "workflow is the platform's safety rule).",
            source="simon-2013",
            items=("q9",),
            item_at_least=1,
            followups=("cssrs-screener",),
            kind=AlertKind.SUICIDE_ITEM,
        ),
    ),
    loinc={"panel": "44249-1", "total": "44261-6"},
    cdisc_prefix="PHQ01",
    licence=_PHQ_LICENCE,
    text_shareable=True,
    recall_period="last 2 weeks",
    rater="self",
    source="kroenke-2001",
    notes=("Item 9 = 0 does not rule out suicide risk; never use it as the only suicide screen.",),
)

PHQ2 = Instrument(
    id="phq2",
    name="PHQ-2",
    version="2003",
    items=(Item("q1", "interest", _0_3, loinc="44250-9"), Item("q2", "depressed mood", _0_3, loinc="44255-8")),
    scoring=Scoring("sum", source="kroenke-2003"),
    bands=(Band(0, 2, "negative", source="kroenke-2003"), Band(3, 6, "positive", source="kroenke-2003")),
    alert_rules=(
        AlertRule(
            "phq2.positive",
            AlertLevel.INFO,
            "PHQ-2 is 3 or more (positive screen): a PHQ-9 is due.",
            source="kroenke-2003",
            total_at_least=3,
            followups=("phq9",),
            kind=AlertKind.OTHER,  # the PHQ-9 it makes due is its own "assessment due" alert
        ),
    ),
    loinc={"panel": "55757-9", "total": "55758-7"},
    licence=_PHQ_LICENCE,
    text_shareable=True,
    recall_period="last 2 weeks",
    rater="self",
    source="kroenke-2003",
)

_QIDS_LABELS = (
    "sleep onset",
    "night waking",
    "early waking",
    "oversleeping",
    "sad mood",
    "decreased appetite",
    "increased appetite",
    "weight loss",
    "weight gain",
    "concentration",
    "self-view",
    "suicidal ideation",
    "interest",
    "energy",
    "psychomotor slowing",
    "psychomotor agitation",
)
_QIDS_GROUPS = (
    ("q1", "q2", "q3", "q4"),
    ("q5",),
    ("q6", "q7", "q8", "q9"),
    ("q10",),
    ("q11",),
    ("q12",),
    ("q13",),
    ("q14",),
    ("q15", "q16"),
)
_QIDS_BANDS = (
    Band(0, 5, "none", source="ids-qids"),
    Band(6, 10, "mild", source="ids-qids"),
    Band(11, 15, "moderate", source="ids-qids"),
    Band(16, 20, "severe", source="ids-qids"),
    Band(21, 27, "very severe", source="ids-qids"),
)
_QIDS_LICENCE = Licence(
    "free",
    "Paper versions free to clinicians and researchers; confirm electronic use with the copyright holder",
    source="ids-qids",
)


def _suicide_item_rule(code: str, name: str, item: str, item_label: str) -> AlertRule:
    return AlertRule(
        code,
        AlertLevel.WARNING,
        f"{name} {item_label} is above 0: a clinician should review; a C-SSRS screener is due (platform-defined rule).",
        source="platform-defined",
        items=(item,),
        item_at_least=1,
        followups=("cssrs-screener",),
        kind=AlertKind.SUICIDE_ITEM,
    )


def _qids(instrument_id: str, name: str, rater: str, prefix: str) -> Instrument:
    return Instrument(
        id=instrument_id,
        name=name,
        version="2003",
        items=tuple(Item(f"q{n}", label, _0_3) for n, label in enumerate(_QIDS_LABELS, 1)),
        scoring=Scoring("domain_max", source="rush-2003", groups=_QIDS_GROUPS),
        bands=_QIDS_BANDS,
        alert_rules=(
            _suicide_item_rule(f"{instrument_id}.item12_positive", name, "q12", "item 12 (suicidal ideation)"),
        ),
        cdisc_prefix=prefix,
        licence=_QIDS_LICENCE,
        text_shareable=False,
        recall_period="past 7 days",
        rater=rater,
        source="rush-2003",
    )


QIDS_SR16 = _qids("qids-sr16", "QIDS-SR16", "self", "QIDS02")
QIDS_C16 = _qids("qids-c16", "QIDS-C16", "clinician or trained rater", "QIDS01")

MADRS = Instrument(
    id="madrs",
    name="MADRS",
    version="1979",
    items=tuple(Item(f"q{n}", f"item {n}", tuple(range(7))) for n in range(1, 11)),
    scoring=Scoring("sum", source="montgomery-asberg-1979"),
    bands=(
        Band(0, 6, "normal", source="snaith-1986"),
        Band(7, 19, "mild", source="snaith-1986"),
        Band(20, 34, "moderate", source="snaith-1986"),
        Band(35, 60, "severe", source="snaith-1986"),
    ),
    alert_rules=(_suicide_item_rule("madrs.item10_positive", "MADRS", "q10", "item 10 (suicidal thoughts)"),),
    cdisc_prefix="MADR01",
    licence=Licence(
        "licence-required",
        "Royal College of Psychiatrists; permission refused to CamCOPS: store item scores and totals only",
        source="camcops-licences",
    ),
    text_shareable=False,
    recall_period="past week (a 24-hour version exists)",
    rater="clinician",
    source="montgomery-asberg-1979",
)

_HAMD = (
    ("depressed mood", 4),
    ("guilt", 4),
    ("suicide", 4),
    ("early insomnia", 2),
    ("middle insomnia", 2),
    ("late insomnia", 2),
    ("work and activities", 4),
    ("retardation", 4),
    ("agitation", 4),
    ("psychic anxiety", 4),
    ("somatic anxiety", 4),
    ("gastrointestinal somatic", 2),
    ("general somatic", 2),
    ("genital", 2),
    ("hypochondriasis", 4),
    ("weight loss", 2),
    ("insight", 2),
)

HAMD17 = Instrument(
    id="hamd17",
    name="HAM-D17",
    version="1960",
    items=tuple(Item(f"q{n}", label, tuple(range(top + 1))) for n, (label, top) in enumerate(_HAMD, 1)),
    scoring=Scoring("sum", source="nct04007367"),
    bands=(
        Band(0, 7, "no depression", source="zimmerman-2013"),
        Band(8, 16, "mild", source="zimmerman-2013"),
        Band(17, 23, "moderate", source="zimmerman-2013"),
        Band(24, 52, "severe", source="zimmerman-2013"),
    ),
    alert_rules=(_suicide_item_rule("hamd17.item3_positive", "HAM-D17", "q3", "item 3 (suicide)"),),
    cdisc_prefix="HAMD1",
    licence=Licence("public-domain", "Public domain (NINDS CDE, via CamCOPS)", source="camcops-licences"),
    text_shareable=True,
    recall_period="past week (by convention)",
    rater="clinician",
    source="hamilton-1960",
)
