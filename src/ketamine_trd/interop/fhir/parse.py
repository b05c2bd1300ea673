"""Reading an import Bundle: Patients, QuestionnaireResponses and survey Observations become candidates.

Each entry becomes exactly one outcome: a :class:`PatientCandidate`, an :class:`AssessmentCandidate`
(answers scored by the measurement engine, ``clinical.instruments.score``), a :class:`Rejection`
with its reasons, or a :class:`Skipped` entry (a resource type this import does not take, or an
Observation consumed by the assessment it belongs to). Matching candidates to the clinic's patients
and saving them is the clinic's job (``clinic/fhir_bridge.py``).

Rules (``docs/fhir.md``): a QuestionnaireResponse must be ``completed`` (or ``amended``), name a known
instrument, have an ``authored`` time with a zone, a patient (a Bundle Patient with an MRN, or a
subject identifier), and answers the engine accepts; score Observations ``derivedFrom`` it must
agree with the engine's total. A panel Observation with ``hasMember`` item Observations is an
assessment too. A total alone (no item answers) is refused: the engine cannot validate it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.instruments import Instrument, ScoreResult
from ketamine_trd.errors import InputError
from ketamine_trd.interop.fhir.codes import SESSION_RATING_TAG
from ketamine_trd.interop.fhir.lookup import answer_value, instrument_for_code, instrument_for_questionnaire, item_for
from ketamine_trd.interop.fhir.reader import (
    Reader,
    Refused,
    codings,
    dicts,
    mrn_of,
    parse_time,
    quantity_value,
    refs,
)

__all__ = ["AssessmentCandidate", "ParsedBundle", "PatientCandidate", "Rejection", "Skipped", "parse_bundle"]

_DONE = ("completed", "amended")


@dataclass(frozen=True, slots=True)
class PatientCandidate:
    """A Patient of the Bundle with its MRN (and the demographics needed to register it)."""

    index: int
    resource_id: str
    mrn: str
    given_name: str
    family_name: str
    birth_date: dt.date | None
    sex: str


@dataclass(frozen=True, slots=True)
class AssessmentCandidate:
    """An assessment to import: whose (MRN), which instrument, when, the engine's result, the import key."""

    index: int
    resource_type: str
    resource_id: str
    key: str | None
    mrn: str
    instrument: Instrument
    administered_at: dt.datetime
    result: ScoreResult
    consumed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejection:
    """An entry refused as a whole, with every reason found."""

    index: int
    resource_type: str
    resource_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry not imported on purpose (another resource type, or part of an assessment)."""

    index: int
    resource_type: str
    resource_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedBundle:
    """Everything found in a Bundle, by outcome."""

    source: str
    patients: tuple[PatientCandidate, ...] = ()
    assessments: tuple[AssessmentCandidate, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    skipped: tuple[Skipped, ...] = ()


def _score(instrument: Instrument, answers: dict[str, int | None]) -> ScoreResult:
    try:
        return instruments.score(instrument.id, answers)
    except InputError as error:
        raise Refused(f"measurement engine: {error}") from None


def _check_total(result: ScoreResult, declared: list[Decimal]) -> None:
    for total in declared:
        if result.total is None or Decimal(result.total) != total:
            raise Refused(f"declared total {total} differs from the measurement engine's total {result.total}")


def _flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items or []:
        out.append(item)
        out.extend(_flatten(item.get("item", [])))
        for answer in item.get("answer", []) or []:
            out.extend(_flatten(answer.get("item", [])))
    return out


def _answers(instrument: Instrument, items: list[dict[str, Any]]) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    reasons = []
    for item in _flatten(items):
        given = item.get("answer") or []
        if not given and item.get("item"):
            continue  # a group
        item_id = item_for(instrument, str(item.get("linkId", "")))
        if item_id is None:
            reasons.append(f"linkId {item.get('linkId')!r} is not an item of {instrument.name}")
            continue
        if len(given) > 1:
            reasons.append(f"{instrument.id}.{item_id}: more than one answer")
            continue
        value = answer_value(instrument.id, given[0]) if given else None
        if given and value is None:
            reasons.append(
                f"{instrument.id}.{item_id}: the answer carries no score (no itemWeight, integer or known code)"
            )
        answers[item_id] = value
    if reasons:
        raise Refused(*reasons)
    return answers


def _declared_totals(reader: Reader, ref: str) -> tuple[list[Decimal], list[int]]:
    totals, consumed = [], []
    for index in reader.derived_by.get(ref, []):
        resource = reader.entries[index]
        consumed.append(index)
        found = instrument_for_code(codings(resource))
        if found and found[1] == "total" and "valueQuantity" in resource:
            total = quantity_value(resource)
            if total is None:
                raise Refused(f"the total Observation at entry {index} has no numeric value")
            totals.append(total)
    return totals, consumed


def _response(reader: Reader, index: int, resource: dict[str, Any], full_url: str) -> AssessmentCandidate:
    reasons = []
    if resource.get("status") not in _DONE:
        reasons.append(f"status {resource.get('status')!r} is not completed")
    instrument = instrument_for_questionnaire(str(resource.get("questionnaire", "")))
    if instrument is None:
        reasons.append(f"questionnaire {resource.get('questionnaire')!r} is not a known instrument")
    if reasons or instrument is None:
        raise Refused(*reasons)
    mrn = reader.mrn(resource.get("subject"))
    when = parse_time(resource.get("authored"), "authored")
    result = _score(instrument, _answers(instrument, resource.get("item", [])))
    totals, consumed = _declared_totals(reader, full_url)
    if resource.get("id"):
        more, extra = _declared_totals(reader, f"QuestionnaireResponse/{resource['id']}")
        totals, consumed = totals + more, consumed + extra
    _check_total(result, totals)
    key = reader.key(resource)
    return AssessmentCandidate(
        index, "QuestionnaireResponse", str(resource.get("id", "")), key, mrn, instrument, when, result, tuple(consumed)
    )


def _panel(reader: Reader, index: int, resource: dict[str, Any], instrument: Instrument) -> AssessmentCandidate:
    answers: dict[str, int | None] = {}
    totals, consumed, reasons = [], [], []
    for member in resource.get("hasMember", []) or []:
        hit = reader.resolve(member)
        if hit is None:
            reasons.append(f"hasMember {member.get('reference')!r} is not in the Bundle")
            continue
        member_index, obs = hit
        consumed.append(member_index)
        member_codings = codings(obs)
        found = instrument_for_code(member_codings)
        if found and found[0].id == instrument.id and found[1] == "total":
            total = quantity_value(obs)
            if total is None:
                reasons.append(f"the total Observation at entry {member_index} has no numeric value")
            else:
                totals.append(total)
            continue
        item_id = item_for(instrument, "", member_codings)
        if item_id is None:
            reasons.append(f"member {member.get('reference')!r} is not an item of {instrument.name}")
            continue
        value = answer_value(instrument.id, obs)
        if value is None:
            reasons.append(f"{instrument.id}.{item_id}: the Observation carries no score")
        answers[item_id] = value
    if reasons:
        raise Refused(*reasons)
    if not answers:
        raise Refused(f"missing answers: the {instrument.name} panel has no item Observations")
    mrn = reader.mrn(resource.get("subject"))
    when = parse_time(
        resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start"), "effectiveDateTime"
    )
    result = _score(instrument, answers)
    _check_total(result, totals)
    return AssessmentCandidate(
        index,
        "Observation",
        str(resource.get("id", "")),
        reader.key(resource),
        mrn,
        instrument,
        when,
        result,
        tuple(consumed),
    )


_TAKEN = ("Patient", "QuestionnaireResponse", "Observation")


def _patient(reader: Reader, index: int, resource: dict[str, Any]) -> PatientCandidate:
    mrn = mrn_of(resource, reader.mrn_system)
    if mrn is None:
        raise Refused("the Patient has no MRN identifier (identifier.type MR, or the MRN system)")
    name = (resource.get("name") or [{}])[0]
    birth = resource.get("birthDate")
    try:
        birth_date = dt.date.fromisoformat(birth) if isinstance(birth, str) and len(birth) == 10 else None
    except ValueError:
        birth_date = None
    return PatientCandidate(
        index,
        str(resource.get("id", "")),
        mrn,
        " ".join(name.get("given", []) or []),
        str(name.get("family", "")),
        birth_date,
        str(resource.get("gender") or "unknown"),
    )


def _owners(reader: Reader) -> dict[int, int]:
    """Observation entry -> the entry (QuestionnaireResponse or panel) it belongs to."""
    owners: dict[int, int] = {}
    for index, resource in enumerate(reader.entries):
        kind = resource.get("resourceType")
        if kind == "QuestionnaireResponse":
            own = {f"QuestionnaireResponse/{resource.get('id')}", *reader.urls_of.get(index, [])}
            for ref in sorted(own):
                for other in reader.derived_by.get(ref, []):
                    owners.setdefault(other, index)
        elif kind == "Observation":
            for member in refs(resource.get("hasMember")):
                if member in reader.by_ref:
                    owners.setdefault(reader.by_ref[member], index)
    return owners


def _skip_reason(resource: dict[str, Any]) -> str | None:
    """Why an Observation is skipped without further checks (read defensively: not yet validated)."""
    meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
    tags = dicts((meta or {}).get("tag"))
    if any(
        t.get("system") == SESSION_RATING_TAG["system"] and t.get("code") == SESSION_RATING_TAG["code"] for t in tags
    ):
        return "a chair-side session rating (exported, not imported)"
    categories = {c.get("code") for cat in dicts(resource.get("category")) for c in dicts(cat.get("coding"))}
    if instrument_for_code(codings(resource)) is None and "survey" not in categories:
        return "not an instrument score (vital signs and others are not imported)"
    return None


def _observation_outcome(reader: Reader, index: int, resource: dict[str, Any]) -> AssessmentCandidate:
    resource_codings = codings(resource)
    found = instrument_for_code(resource_codings)
    if found is None:
        shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in resource_codings) or "none"
        raise Refused(f"wrong code: {shown} is not a code of a known instrument")
    instrument, part = found
    if part == "panel":
        return _panel(reader, index, resource, instrument)
    raise Refused(
        f"missing answers: a {instrument.name} {part} without item answers cannot be validated "
        "by the measurement engine"
    )


def parse_bundle(bundle: Any, *, mrn_system: str | None = None) -> ParsedBundle:
    """Sort a Bundle's entries into candidates, rejections and skipped entries (see the module docstring).

    ``mrn_system``, when given, is the only identifier system read as an MRN; otherwise an identifier
    typed ``MR`` (or whose system ends in ``/mrn``) is. A value that is not a Bundle raises ``InputError``.

    >>> parse_bundle({"resourceType": "Bundle", "type": "collection"}).assessments
    ()
    """
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        shown = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise InputError("resourceType", str(shown), "Bundle")
    if not isinstance(bundle.get("entry", []), list):
        raise InputError("Bundle.entry", "", "a list of entries")
    reader = Reader(bundle, mrn_system)
    owners = _owners(reader)
    owned: dict[int, list[int]] = {}
    for member, owner in sorted(owners.items()):
        owned.setdefault(owner, []).append(member)
    patients: list[PatientCandidate] = []
    found: list[AssessmentCandidate] = []
    rejected: list[Rejection] = []
    skipped: list[Skipped] = []
    full_urls = {i: u for u, i in reader.by_ref.items() if not u.startswith(("QuestionnaireResponse/", "Patient/"))}
    for index, resource in enumerate(reader.entries):
        kind, rid = str(resource.get("resourceType", "")), str(resource.get("id", ""))
        if kind not in _TAKEN:
            skipped.append(
                Skipped(index, kind or "(none)", rid, f"{kind or 'an entry without a resource'} is not imported")
            )
            continue
        if index in owners:
            skipped.append(
                Skipped(
                    index,
                    kind,
                    rid,
                    f"part of the {reader.entries[owners[index]].get('resourceType')} at entry {owners[index]}",
                )
            )
            continue
        reason = _skip_reason(resource) if kind == "Observation" else None
        if reason is not None:
            skipped.append(Skipped(index, kind, rid, reason))
            continue
        invalid = reader.problems(index)
        member_problems = [f"entry {i}: {reader.problems(i)[0]}" for i in owned.get(index, []) if reader.problems(i)]
        if invalid or member_problems:
            rejected.append(
                Rejection(index, kind, rid, tuple(f"not valid FHIR R4: {p}" for p in (*invalid, *member_problems)))
            )
            continue
        try:
            if kind == "Patient":
                patients.append(_patient(reader, index, resource))
            elif kind == "QuestionnaireResponse":
                found.append(_response(reader, index, resource, full_urls.get(index, "")))
            else:
                found.append(_observation_outcome(reader, index, resource))
        except Refused as refused:
            rejected.append(Rejection(index, kind, rid, refused.reasons))
    return ParsedBundle(reader.source, tuple(patients), tuple(found), tuple(rejected), tuple(skipped))
