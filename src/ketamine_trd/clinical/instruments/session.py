"""Session ratings: CADSS (23 items), CADSS-6, BPRS positive subscale (both codings), MOAA/S.

No severity bands are encoded for the CADSS or the BPRS+: none was verified (the often
quoted CADSS "clinically relevant dissociation" cut-off is unverified and left out).
CADSS-6 item ids match the CADSS-23 ids, so a full CADSS answer set re-scores as CADSS-6.
"""

from __future__ import annotations

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.instruments._model import AlertRule, Band, Instrument, Item, Licence, Scoring

__all__ = ["BPRS_POSITIVE", "BPRS_POSITIVE_0_6", "CADSS", "CADSS6", "CADSS6_ITEMS", "MOAAS"]

_0_4 = (0, 1, 2, 3, 4)
_NO_TERMS = Licence("unknown", "No licence terms found (NF)", source="platform-defined")
CADSS6_ITEMS = ("q1", "q2", "q6", "q7", "q15", "q22")

CADSS = Instrument(
    id="cadss",
    name="CADSS (23-item)",
    version="23-item ketamine-trial version",
    items=tuple(Item(f"q{n}", f"item {n}", _0_4) for n in range(1, 24)),
    scoring=Scoring("sum", source="nct04226963"),
    cdisc_prefix="CADS01",
    licence=_NO_TERMS,
    text_shareable=False,
    recall_period="right now (state; 40 min to 2 h post-dose)",
    rater="clinician interview",
    source="nct04226963",
    notes=("The original 1998 CADSS has 27-28 items; this is the 23-item version used in ketamine trials.",),
)

CADSS6 = Instrument(
    id="cadss6",
    name="CADSS-6",
    version="2021",
    items=tuple(Item(k, f"CADSS item {k[1:]}", _0_4) for k in CADSS6_ITEMS),
    scoring=Scoring("sum", source="rodrigues-2021"),
    licence=_NO_TERMS,
    text_shareable=False,
    recall_period="right now (state)",
    rater="clinician",
    source="rodrigues-2021",
    notes=("Derived from IV racemic ketamine data; unvalidated as a stand-alone instrument.",),
)

_BPRS_ITEMS = ("suspiciousness", "hallucinatory_behaviour", "unusual_thought_content", "conceptual_disorganisation")
_BPRS_LICENCE = Licence("public-domain", "BPRS public domain (CamCOPS bprs.rst)", source="camcops-licences")


def _bprs(instrument_id: str, allowed: tuple[int, ...], coding: str, source: str) -> Instrument:
    return Instrument(
        id=instrument_id,
        name=f"BPRS positive-symptom subscale ({coding} coding)",
        version=f"4-item, {coding}",
        items=tuple(Item(k, k.replace("_", " "), allowed) for k in _BPRS_ITEMS),
        scoring=Scoring("sum", source=source),
        licence=_BPRS_LICENCE,
        text_shareable=True,
        recall_period="state (40-230 min post-infusion in NIMH studies)",
        rater="clinician",
        source="bprs-positive-nimh",
        notes=(f"Items coded {coding}; the other coding has its own instrument id.",),
    )


BPRS_POSITIVE = _bprs("bprs-positive", (1, 2, 3, 4, 5, 6, 7), "1-7", "bprs-positive-nimh")
BPRS_POSITIVE_0_6 = _bprs("bprs-positive-0-6", (0, 1, 2, 3, 4, 5, 6), "0-6", "nct04226963")

MOAAS = Instrument(
    id="moaas",
    name="MOAA/S",
    version="1990",
    items=(Item("level", "responsiveness level", (0, 1, 2, 3, 4, 5)),),
    scoring=Scoring("sum", source="chernik-1990"),
    bands=(
        Band(0, 0, "no response to painful stimulus (loss of consciousness)", source="jnj-sedation"),
        Band(1, 3, "moderate or greater sedation", source="jnj-sedation"),
        Band(4, 4, "mild sedation", source="jnj-sedation"),
        Band(5, 5, "alert", source="chernik-1990"),
    ),
    alert_rules=(
        AlertRule(
            "moaas.moderate_sedation",
            AlertLevel.WARNING,
            "MOAA/S 3 or lower: moderate or greater sedation; keep monitoring and check vital signs.",
            source="jnj-sedation",
            total_at_most=3,
            kind=AlertKind.MONITORING,
        ),
        AlertRule(
            "moaas.unresponsive",
            AlertLevel.CRITICAL,
            "MOAA/S 0: no response to a painful stimulus (loss of consciousness).",
            source="jnj-sedation",
            total_at_most=0,
            kind=AlertKind.MONITORING,
        ),
    ),
    cdisc_prefix="MOAA01",
    licence=_NO_TERMS,
    text_shareable=True,
    recall_period="point in time",
    rater="clinician or nurse",
    higher_is_worse=False,
    source="chernik-1990",
)
