"""The local instrument code system as a FHIR ``CodeSystem`` (content ``fragment``: the codes used).

Receivers of an export can resolve every local instrument code inside the Bundle: the instrument
(panel), its total (or risk level) and its items, each with the instrument's name or the item's
short label (never item wording).

>>> cs = instrument_code_system({"madrs"})
>>> cs["url"] == INSTRUMENT_SYSTEM, cs["content"], [c["code"] for c in cs["concept"]][:3]
(True, 'fragment', ['madrs', 'madrs.total', 'madrs.q1'])
"""

from __future__ import annotations

from typing import Any

from ketamine_trd.clinical import instruments
from ketamine_trd.interop.fhir.codes import INSTRUMENT_SYSTEM

__all__ = ["instrument_code_system"]


def _concepts(instrument: instruments.Instrument) -> list[dict[str, Any]]:
    result = "total" if instrument.scoring.kind != "categorical" else "risk_level"
    head = [
        {"code": instrument.id, "display": instrument.name},
        {"code": f"{instrument.id}.{result}", "display": f"{instrument.name} {result.replace('_', ' ')}"},
    ]
    return head + [
        {"code": f"{instrument.id}.{i.id}", "display": f"{instrument.name} {i.label}"} for i in instrument.items
    ]


def instrument_code_system(instrument_ids: set[str]) -> dict[str, Any]:
    """The CodeSystem fragment with the codes of the instruments used (sorted by instrument id)."""
    concepts = [c for i in sorted(instrument_ids) for c in _concepts(instruments.get(i))]
    return {
        "resourceType": "CodeSystem",
        "id": "ketamine-trd-instrument",
        "url": INSTRUMENT_SYSTEM,
        "name": "KetamineTrdInstrument",
        "title": "ketamine-trd rating instruments, totals and items",
        "status": "active",
        "caseSensitive": True,
        "content": "fragment",
        "description": "Local codes for rating instruments and their totals and items, used where LOINC has no "
        "code (see docs/fhir.md). Displays are short labels, never item wording.",
        "concept": concepts,
    }
