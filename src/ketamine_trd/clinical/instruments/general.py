"""Anxiety, global and functional ratings: GAD-7, CGI-S, CGI-I, Sheehan Disability Scale."""

from __future__ import annotations

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.instruments._model import AlertRule, Band, Instrument, Item, Licence, Scoring

__all__ = ["CGI_I", "CGI_S", "GAD7", "SDS"]

_1_7 = (1, 2, 3, 4, 5, 6, 7)
_CGI_LICENCE = Licence("public-domain", "US federal government work (ECDEU)", source="camcops-licences")

GAD7 = Instrument(
    id="gad7",
    name="GAD-7",
    version="2006",
    items=tuple(Item(f"q{n}", f"item {n}", (0, 1, 2, 3)) for n in range(1, 8)),
    scoring=Scoring("sum", source="spitzer-2006"),
    bands=(
        Band(0, 4, "minimal", source="spitzer-2006"),
        Band(5, 9, "mild", source="spitzer-2006"),
        Band(10, 14, "moderate", source="spitzer-2006"),
        Band(15, 21, "severe", source="spitzer-2006"),
    ),
    loinc={"panel": "69737-5", "total": "70274-6"},
    cdisc_prefix="GAD01",
    licence=Licence("free", "Free (phqscreeners)", source="spitzer-2006"),
    text_shareable=True,
    recall_period="last 2 weeks",
    rater="self",
    source="spitzer-2006",
)

_CGI_S_LABELS = (
    "normal, not at all ill",
    "borderline mentally ill",
    "mildly ill",
    "moderately ill",
    "markedly ill",
    "severely ill",
    "among the most extremely ill",
)
_CGI_I_LABELS = (
    "very much improved",
    "much improved",
    "minimally improved",
    "no change",
    "minimally worse",
    "much worse",
    "very much worse",
)

CGI_S = Instrument(
    id="cgi-s",
    name="CGI-S",
    version="1976",
    items=(Item("severity", "severity of illness", _1_7),),
    scoring=Scoring("sum", source="guy-1976"),
    bands=tuple(Band(n, n, label, source="guy-1976") for n, label in enumerate(_CGI_S_LABELS, 1)),
    cdisc_prefix="CGI01",
    licence=_CGI_LICENCE,
    text_shareable=True,
    recall_period="current",
    rater="clinician",
    source="guy-1976",
)

CGI_I = Instrument(
    id="cgi-i",
    name="CGI-I",
    version="1976",
    items=(Item("improvement", "global improvement since baseline", _1_7),),
    scoring=Scoring("sum", source="guy-1976"),
    bands=tuple(Band(n, n, label, source="guy-1976") for n, label in enumerate(_CGI_I_LABELS, 1)),
    cdisc_prefix="CGI01",
    licence=_CGI_LICENCE,
    text_shareable=True,
    recall_period="change since baseline",
    rater="clinician",
    source="guy-1976",
    notes=("CGI-I 1 or 2 is commonly counted as response.",),
)

_0_10 = tuple(range(11))
_DAYS = tuple(range(8))

SDS = Instrument(
    id="sds",
    name="Sheehan Disability Scale",
    version="3-item",
    items=(
        Item("work", "work/school", _0_10, optional=True),
        Item("social", "social life/leisure", _0_10),
        Item("family", "family life/home responsibilities", _0_10),
        Item("days_lost", "days lost (past week)", _DAYS, scored=False, optional=True),
        Item("days_unproductive", "days unproductive (past week)", _DAYS, scored=False, optional=True),
    ),
    scoring=Scoring("sum", source="harm-research-sds"),
    alert_rules=(
        AlertRule(
            "sds.significant_impairment",
            AlertLevel.INFO,
            "An SDS item is 5 or more: significant functional impairment.",
            source="harm-research-sds",
            items=("work", "social", "family"),
            item_at_least=5,
            kind=AlertKind.OTHER,
        ),
    ),
    cdisc_prefix="SDS01",
    licence=Licence("licence-required", "D. V. Sheehan; licence required in any language", source="harm-research-sds"),
    text_shareable=False,
    recall_period="past week",
    rater="self",
    source="harm-research-sds",
    notes=("The work item may be left out as not applicable; the total is then not computed.",),
)
