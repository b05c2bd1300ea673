"""Reading codes and answers of incoming FHIR: which instrument, which item, which score.

An instrument is found from a Questionnaire canonical URL (this project's, or one ending in the
instrument's LOINC panel code) or from an Observation code (LOINC panel, total, risk or item codes;
local instrument codes). An answer's score comes from its ``itemWeight`` (or older ``ordinalValue``)
extension, an integer, a boolean, a PHQ LOINC answer code, or a local answer code.

>>> instrument_for_questionnaire("http://loinc.org/q/44249-1").id
'phq9'
>>> instrument_for_questionnaire("https://ketamine-trd.org/fhir/Questionnaire/madrs|2").id
'madrs'
>>> answer_value("phq9", {"valueCoding": {"system": "http://loinc.org", "code": "LA6570-1"}})
2
>>> answer_value("cssrs-screener", {"valueBoolean": True})
1
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.instruments import Instrument
from ketamine_trd.interop.fhir.codes import (
    ANSWER_SYSTEM,
    INSTRUMENT_SYSTEM,
    ITEM_WEIGHT,
    LOINC,
    ORDINAL_VALUE,
    PHQ_ANSWER_CODES,
    PHQ_ANSWER_INSTRUMENTS,
    questionnaire_url,
)

__all__ = ["answer_value", "instrument_for_code", "instrument_for_questionnaire", "item_for"]

_WEIGHT_URLS = (ITEM_WEIGHT, ORDINAL_VALUE, "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value")


@cache
def _loinc_table() -> dict[str, tuple[Instrument, str]]:
    """LOINC code -> (instrument, part) for panel, total and risk codes; PHQ-9 wins shared item codes."""
    table: dict[str, tuple[Instrument, str]] = {}
    for instrument in instruments.all_instruments():
        for part, code in instrument.loinc.items():
            table.setdefault(code, (instrument, part))
    return table


def instrument_for_questionnaire(canonical: str) -> Instrument | None:
    """The instrument a Questionnaire canonical URL names (``|version`` ignored), or None."""
    url = canonical.split("|", 1)[0].rstrip("/")
    prefix = questionnaire_url("")
    if url.startswith(prefix):
        tail = url[len(prefix) :]
        return next((i for i in instruments.all_instruments() if i.id == tail), None)
    last = url.rsplit("/", 1)[-1]
    hit = _loinc_table().get(last)
    if hit is not None and hit[1] == "panel":
        return hit[0]
    return None


def instrument_for_code(codings: list[dict[str, Any]]) -> tuple[Instrument, str] | None:
    """(instrument, part) for an Observation code: part is ``panel``, ``total``, ``risk_level`` or an item id."""
    for c in codings:
        system, code = c.get("system"), str(c.get("code", ""))
        if system == INSTRUMENT_SYSTEM:
            head, _, part = code.partition(".")
            found = next((i for i in instruments.all_instruments() if i.id == head), None)
            if found is not None:
                return found, part or "panel"
        if system == LOINC and code in _loinc_table():
            return _loinc_table()[code]
    return None


def item_for(instrument: Instrument, link_id: str, codings: Sequence[dict[str, Any]] = ()) -> str | None:
    """The item id of ``instrument`` named by a linkId or a coding (item id, LOINC item code, local code)."""
    ids = {i.id for i in instrument.items}
    if link_id in ids:
        return link_id
    by_loinc = {i.loinc: i.id for i in instrument.items if i.loinc}
    if link_id in by_loinc:
        return by_loinc[link_id]
    for c in codings:
        code = str(c.get("code", ""))
        if c.get("system") == LOINC and code in by_loinc:
            return by_loinc[code]
        if c.get("system") == INSTRUMENT_SYSTEM and code.startswith(f"{instrument.id}."):
            tail = code[len(instrument.id) + 1 :]
            if tail in ids:
                return tail
    return None


def _integral(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def _from_coding(instrument_id: str, c: dict[str, Any]) -> int | None:
    for ext in c.get("extension", []) or []:
        if ext.get("url") in _WEIGHT_URLS:
            for key in ("valueDecimal", "valueInteger"):
                if key in ext:
                    return _integral(ext[key])
    code = str(c.get("code", ""))
    if c.get("system") == LOINC and instrument_id in PHQ_ANSWER_INSTRUMENTS:
        return next((v for v, a in PHQ_ANSWER_CODES.items() if a.code == code), None)
    if c.get("system") == ANSWER_SYSTEM:
        return _integral(code)
    return None


def answer_value(instrument_id: str, answer: dict[str, Any]) -> int | None:
    """The item score carried by one answer (or Observation value); None when it carries none."""
    if "valueBoolean" in answer:
        return 1 if answer["valueBoolean"] is True else 0
    for key in ("valueInteger", "valueDecimal"):
        if key in answer:
            return _integral(answer[key])
    if "valueQuantity" in answer:
        return _integral((answer["valueQuantity"] or {}).get("value"))
    if "valueCoding" in answer:
        return _from_coding(instrument_id, answer["valueCoding"] or {})
    if "valueCodeableConcept" in answer:
        for c in (answer["valueCodeableConcept"] or {}).get("coding", []):
            found = _from_coding(instrument_id, c)
            if found is not None:
                return found
    return None
