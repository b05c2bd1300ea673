"""Rating instruments: one declarative definition each, one registry, one scoring path.

>>> r = score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
>>> (r.total, r.severity, r.alerts)
(8, 'mild', ())
>>> r = score("phq9", {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 1})
>>> [a.code for a in r.alerts], r.followups
(['phq9.item9_positive'], ('cssrs-screener',))
>>> score("qids-sr16", [3, 0, 0, 0, 1, 0, 2, 0, 0, 1, 1, 0, 1, 1, 0, 2]).total
12
>>> score("cssrs-screener", [1, 0, 0]).risk
'low'
>>> get("madrs").text_shareable
False

Instrument ids: ``phq9``, ``phq2``, ``qids-sr16``, ``qids-c16``, ``madrs``, ``hamd17``, ``gad7``,
``cssrs-screener``, ``cadss``, ``cadss6``, ``bprs-positive`` (1-7 coding), ``bprs-positive-0-6``,
``moaas``, ``cgi-s``, ``cgi-i``, ``sds``, ``icsi``, ``icpi``, ``moca``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from ketamine_trd.clinical.instruments._model import (
    Alert,
    AlertRule,
    Band,
    Classification,
    Gate,
    Instrument,
    Item,
    Licence,
    MissingRule,
    ScoreResult,
    Scoring,
)
from ketamine_trd.clinical.instruments._scoring import score_instrument
from ketamine_trd.clinical.instruments.depression import HAMD17, MADRS, PHQ2, PHQ9, QIDS_C16, QIDS_SR16
from ketamine_trd.clinical.instruments.general import CGI_I, CGI_S, GAD7, SDS
from ketamine_trd.clinical.instruments.screens import ICPI, ICSI, MOCA
from ketamine_trd.clinical.instruments.session import (
    BPRS_POSITIVE,
    BPRS_POSITIVE_0_6,
    CADSS,
    CADSS6,
    CADSS6_ITEMS,
    MOAAS,
)
from ketamine_trd.clinical.instruments.suicide import CSSRS_SCREENER
from ketamine_trd.errors import UnknownTermError

__all__ = [
    "Alert",
    "AlertRule",
    "Band",
    "Classification",
    "Gate",
    "Instrument",
    "Item",
    "Licence",
    "MissingRule",
    "ScoreResult",
    "Scoring",
    "all_instruments",
    "cadss6_from_cadss",
    "get",
    "score",
]

_ALL: tuple[Instrument, ...] = (
    PHQ9,
    PHQ2,
    QIDS_SR16,
    QIDS_C16,
    MADRS,
    HAMD17,
    GAD7,
    CSSRS_SCREENER,
    CADSS,
    CADSS6,
    BPRS_POSITIVE,
    BPRS_POSITIVE_0_6,
    MOAAS,
    CGI_S,
    CGI_I,
    SDS,
    ICSI,
    ICPI,
    MOCA,
)
_REGISTRY: Mapping[str, Instrument] = MappingProxyType({i.id: i for i in _ALL})


def all_instruments() -> tuple[Instrument, ...]:
    """Every instrument definition, in a stable order.

    >>> len(all_instruments()) >= 18
    True
    """
    return _ALL


def get(instrument_id: str) -> Instrument:
    """The instrument with this id; an unknown id raises ``UnknownTermError``.

    >>> get("hamd17").total_range
    (0, 52)
    """
    try:
        return _REGISTRY[instrument_id]
    except KeyError:
        raise UnknownTermError("instrument", instrument_id, ", ".join(_REGISTRY)) from None


def score(instrument_id: str, answers: Sequence[int | None] | Mapping[str, int | None]) -> ScoreResult:
    """Score answers (a list in item order, or a mapping by item id) for one instrument.

    Out-of-range answers and missing items (unless the published rule allows proration) raise
    ``InputError`` naming ``<instrument>.<item>`` and the allowed values.

    >>> score("moca", [5, 3, 6, 3, 2, 4, 6, 1]).total
    30
    """
    return score_instrument(get(instrument_id), answers)


def cadss6_from_cadss(answers: Sequence[int | None] | Mapping[str, int | None]) -> ScoreResult:
    """Score the CADSS-6 (items 1, 2, 6, 7, 15, 22) from a full 23-item CADSS answer set.

    >>> cadss6_from_cadss([1] * 23).total
    6
    """
    full = score("cadss", answers)
    return score("cadss6", {k: full.item_values[k] for k in CADSS6_ITEMS})
