"""Reading the entries of an incoming Bundle defensively: references, codes, quantities, patients.

Helpers of ``parse``: entries are plain JSON that may be malformed until validated, so every
accessor here tolerates wrong shapes. :class:`Refused` carries the reasons an entry is refused.

>>> refs([{"reference": "Patient/1"}, {"display": "x"}, 3])
['Patient/1']
>>> parse_time("2026-03-01T10:00:00Z", "authored").isoformat()
'2026-03-01T10:00:00+00:00'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ketamine_trd.interop.fhir.codes import IDENTIFIER_TYPE
from ketamine_trd.interop.fhir.validate import problems

__all__ = [
    "UNKNOWN_SOURCE",
    "Reader",
    "Refused",
    "codings",
    "decimal_value",
    "dicts",
    "mrn_of",
    "parse_time",
    "quantity_value",
    "refs",
]

UNKNOWN_SOURCE = "unknown-source"


class Refused(Exception):
    """An entry is refused as a whole; ``reasons`` are sentences for the import report."""

    def __init__(self, *reasons: str) -> None:
        self.reasons = reasons


def mrn_of(patient: dict[str, Any], mrn_system: str | None) -> str | None:
    """The Patient's MRN: the identifier in ``mrn_system``, else one typed ``MR`` (or a ``/mrn`` system)."""
    found = []
    for ident in patient.get("identifier", []) or []:
        if mrn_system is not None:
            if ident.get("system") == mrn_system and ident.get("value"):
                return str(ident["value"])
            continue
        codes = [(c.get("system"), c.get("code")) for c in (ident.get("type") or {}).get("coding", [])]
        if (IDENTIFIER_TYPE, "MR") in codes or str(ident.get("system", "")).endswith("/mrn"):
            found.append(str(ident.get("value", "")))
    return found[0] if found and found[0] else None


def parse_time(value: Any, field_name: str) -> dt.datetime:
    """A FHIR dateTime with a time and a zone, in UTC; anything less is refused."""
    if not isinstance(value, str) or "T" not in value:
        raise Refused(f"{field_name}: {value!r} is not a date-time with a time zone")
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(f"{field_name}: {value!r} is not an ISO 8601 date-time") from None
    if when.utcoffset() is None:
        raise Refused(f"{field_name}: {value!r} has no time zone")
    return when.astimezone(dt.UTC)


class Reader:
    """The entries of one Bundle with their reference maps (full URLs, ``Type/id``, ``derivedFrom``)."""

    def __init__(self, bundle: dict[str, Any], mrn_system: str | None) -> None:
        self.entries: list[dict[str, Any]] = [
            e["resource"] if isinstance(e, dict) and isinstance(e.get("resource"), dict) else {}
            for e in bundle.get("entry", []) or []
        ]
        self.by_ref: dict[str, int] = {}
        for index, entry in enumerate(bundle.get("entry", []) or []):
            resource = self.entries[index]
            if isinstance(entry, dict) and entry.get("fullUrl"):
                self.by_ref[str(entry["fullUrl"])] = index
            if resource.get("id"):
                self.by_ref[f"{resource.get('resourceType')}/{resource['id']}"] = index
        meta: dict[str, Any] = bundle["meta"] if isinstance(bundle.get("meta"), dict) else {}
        ident: dict[str, Any] = bundle["identifier"] if isinstance(bundle.get("identifier"), dict) else {}
        self.source = str(meta.get("source") or ident.get("system") or UNKNOWN_SOURCE)
        self.mrn_system = mrn_system
        self.derived_by: dict[str, list[int]] = {}  # reference -> Observations derivedFrom it
        for index, resource in enumerate(self.entries):
            if resource.get("resourceType") == "Observation":
                for ref in refs(resource.get("derivedFrom")):
                    self.derived_by.setdefault(ref, []).append(index)
        self.urls_of: dict[int, list[str]] = {}
        for url, index in self.by_ref.items():
            self.urls_of.setdefault(index, []).append(url)
        self._problems: dict[int, tuple[str, ...]] = {}

    def problems(self, index: int) -> tuple[str, ...]:
        """The validation problems of entry ``index`` (computed once)."""
        if index not in self._problems:
            self._problems[index] = problems(self.entries[index])
        return self._problems[index]

    def resolve(self, reference: Any) -> tuple[int, dict[str, Any]] | None:
        """(entry index, resource) of a Reference that points inside the Bundle, else None."""
        ref = (reference or {}).get("reference") if isinstance(reference, dict) else None
        if ref and ref in self.by_ref:
            return self.by_ref[ref], self.entries[self.by_ref[ref]]
        return None

    def mrn(self, subject: Any) -> str:
        """The MRN of a subject: its identifier, or the MRN of the Bundle Patient it references."""
        ident = (subject or {}).get("identifier") if isinstance(subject, dict) else None
        if ident and ident.get("value") and (self.mrn_system is None or ident.get("system") == self.mrn_system):
            return str(ident["value"])
        hit = self.resolve(subject)
        if hit is None or hit[1].get("resourceType") != "Patient":
            raise Refused("unknown patient: the subject is neither a Patient of this Bundle nor an MRN identifier")
        if self.problems(hit[0]):
            raise Refused(f"unknown patient: the subject Patient at entry {hit[0]} is not valid FHIR R4")
        mrn = mrn_of(hit[1], self.mrn_system)
        if mrn is None:
            raise Refused("unknown patient: the subject Patient has no MRN identifier")
        return mrn

    def key(self, resource: dict[str, Any]) -> str | None:
        """The import key: the identifier (system|value), else the known source and the resource id.

        None when the Bundle names no source and the resource has no identifier: a bare id of an
        anonymous Bundle is no stable identity (the import then matches on patient, instrument and time).
        """
        ident = resource.get("identifier")
        ident = ident[0] if isinstance(ident, list) and ident else ident
        if isinstance(ident, dict) and ident.get("value"):
            return f"{ident.get('system', self.source)}|{ident['value']}"
        if self.source == UNKNOWN_SOURCE or not resource.get("id"):
            return None
        return f"{self.source}|{resource.get('resourceType')}/{resource['id']}"


def refs(value: Any) -> list[str]:
    """The reference strings of a list of References, ignoring anything malformed."""
    if not isinstance(value, list):
        return []
    return [str(v["reference"]) for v in value if isinstance(v, dict) and isinstance(v.get("reference"), str)]


def codings(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The Codings of ``resource.code`` (malformed parts left out)."""
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    return [c for c in codings if isinstance(c, dict)] if isinstance(codings, list) else []


def quantity_value(resource: dict[str, Any]) -> Decimal | None:
    """The number of ``valueQuantity``, or None."""
    quantity = resource.get("valueQuantity")
    return decimal_value(quantity.get("value")) if isinstance(quantity, dict) else None


def decimal_value(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric text, or None."""
    try:
        number = Decimal(str(value)) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
    except ArithmeticError:
        return None
    return number if number is not None and number.is_finite() else None


def dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list (anything else left out)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
