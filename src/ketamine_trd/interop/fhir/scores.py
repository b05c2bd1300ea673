"""Assessments as FHIR: Questionnaire, QuestionnaireResponse and survey Observations.

Scores follow the US Core screening-assessment style (``us-core-screening-assessment``): category
``survey``, LOINC codes where they exist (the local instrument code system otherwise), the total
``derivedFrom`` the QuestionnaireResponse, and a panel Observation with ``hasMember`` for instruments
with a LOINC panel code. Answers carry their score as an SDC ``itemWeight`` (``hl7-sdc-itemweight``).
No item text is ever exported; Questionnaires are made only for instruments whose text may be shared.

>>> from ketamine_trd.clinical import instruments
>>> questionnaire(instruments.get("madrs")) is None
True
>>> q = questionnaire(instruments.get("phq9"))
>>> q["code"][0]["code"], len(q["item"])
('44249-1', 9)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.instruments import Instrument
from ketamine_trd.interop.fhir.codes import (
    ANSWER_SYSTEM,
    INSTRUMENT_SYSTEM,
    ITEM_WEIGHT,
    LOINC,
    PHQ_ANSWER_CODES,
    PHQ_ANSWER_INSTRUMENTS,
    SESSION_RATING_TAG,
    SURVEY,
    UCUM,
    coding,
    identifier_system,
    instrument_coding,
    questionnaire_url,
)
from ketamine_trd.interop.fhir.ids import Ids
from ketamine_trd.interop.fhir.values import instant, number
from ketamine_trd.interop.records import AssessmentRecord, RatingRecord

__all__ = ["answer_coding", "assessment_resources", "questionnaire", "session_rating", "shareable_questionnaires"]


def answer_coding(instrument_id: str, value: int) -> dict[str, Any]:
    """The answer ``Coding`` for an item value, its score in the ``itemWeight`` extension.

    >>> answer_coding("phq9", 2)["code"], answer_coding("madrs", 4)["code"]
    ('LA6570-1', '4')
    """
    if instrument_id in PHQ_ANSWER_INSTRUMENTS and value in PHQ_ANSWER_CODES:
        out = coding(PHQ_ANSWER_CODES[value])
    else:
        out = {"system": ANSWER_SYSTEM, "code": str(value)}
    return {"extension": [{"url": ITEM_WEIGHT, "valueDecimal": value}], **out}


def _code(instrument: Instrument, part: str) -> dict[str, Any]:
    codings = []
    loinc = instrument.loinc.get(part)
    if loinc:
        codings.append({"system": LOINC, "code": loinc})
    label = {"panel": instrument.name, "total": f"{instrument.name} total score"}.get(part, f"{instrument.name} {part}")
    codings.append(instrument_coding(instrument.id, part, label))
    return {"coding": codings, "text": label}


def questionnaire(instrument: Instrument) -> dict[str, Any] | None:
    """The Questionnaire of a text-shareable instrument (short item labels, answer weights); else None."""
    if not instrument.text_shareable:
        return None
    items = []
    for item in instrument.items:
        entry: dict[str, Any] = {
            "linkId": item.id,
            "text": item.label,
            "type": "choice",
            "required": not item.optional,
            "answerOption": [{"valueCoding": answer_coding(instrument.id, v)} for v in item.allowed],
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        items.append(entry)
    return {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": questionnaire_url(instrument.id),
        "version": instrument.version,
        "name": "".join(ch for ch in instrument.name if ch.isalnum()),
        "title": instrument.name,
        "status": "active",
        "code": _code(instrument, "panel")["coding"],
        "item": items,
    }


def shareable_questionnaires(instrument_ids: set[str]) -> list[dict[str, Any]]:
    """Questionnaires for the instruments used, where their text may be shared (sorted by id)."""
    found = (questionnaire(instruments.get(i)) for i in sorted(instrument_ids))
    return [q for q in found if q is not None]


def _quantity(total: Decimal | int) -> dict[str, Any]:
    return {"value": number(total), "unit": "{score}", "system": UCUM, "code": "{score}"}


def _response(rec: AssessmentRecord, ids: Ids, patient_ref: str, encounter_ref: str | None) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for item_id, value in rec.item_values.items():
        entry: dict[str, Any] = {"linkId": item_id}
        if value is not None:
            entry["answer"] = [{"valueCoding": answer_coding(rec.instrument_id, value)}]
        items.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": ids.id("assessment", rec.record_id),
        "identifier": {"system": identifier_system(ids.system, "assessment"), "value": rec.record_id},
        "questionnaire": questionnaire_url(rec.instrument_id),
        "status": "completed",
        "subject": {"reference": patient_ref},
        "authored": instant(rec.administered_at),
        "item": items,
    }
    if encounter_ref:
        resource["encounter"] = {"reference": encounter_ref}
    if rec.reported_via:  # the patient answered it (self-report link or tablet): the patient is the source
        resource["source"] = {"reference": patient_ref}
    return resource


def _observation(rec: AssessmentRecord, resource_id: str, code: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": [{"coding": [coding(SURVEY)]}],
        "code": code,
        "effectiveDateTime": instant(rec.administered_at),
        **fields,
    }


def assessment_resources(
    rec: AssessmentRecord, ids: Ids, patient_ref: str, encounter_ref: str | None = None
) -> list[dict[str, Any]]:
    """The QuestionnaireResponse, the score Observation, item Observations (LOINC items) and the panel.

    A patient-reported assessment (``rec.reported_via``) names the Patient as each Observation's ``performer``
    and as the QuestionnaireResponse's ``source``; a staff-entered one names neither.
    """
    instrument = instruments.get(rec.instrument_id)
    response = _response(rec, ids, patient_ref, encounter_ref)
    common: dict[str, Any] = {
        "subject": {"reference": patient_ref},
        "derivedFrom": [{"reference": ids.ref("assessment", rec.record_id)}],
    }
    if encounter_ref:
        common["encounter"] = {"reference": encounter_ref}
    if rec.reported_via:  # patient-reported: the patient is the performer of every Observation of it
        common["performer"] = [{"reference": patient_ref}]
    out = [response]
    members: list[str] = []
    for item in instrument.items:
        value = rec.item_values.get(item.id)
        if item.loinc and value is not None:
            code = {"coding": [{"system": LOINC, "code": item.loinc}, instrument_coding(instrument.id, item.id)]}
            key = f"{rec.record_id}/{item.id}"
            out.append(_observation(rec, ids.id("item", key), code, valueInteger=value, **common))
            members.append(ids.ref("item", key))
    if rec.total is not None:
        score = _observation(
            rec,
            ids.id("score", rec.record_id),
            _code(instrument, "total"),
            valueQuantity=_quantity(rec.total),
            **common,
        )
        if rec.severity:
            score["interpretation"] = [{"text": rec.severity}]
        if rec.prorated:
            score["note"] = [{"text": "Total prorated for unanswered items by the instrument's published rule."}]
        out.append(score)
        members.append(ids.ref("score", rec.record_id))
    elif rec.risk:
        risk = {"coding": [{"system": INSTRUMENT_SYSTEM, "code": f"{instrument.id}.risk.{rec.risk}"}], "text": rec.risk}
        out.append(
            _observation(
                rec,
                ids.id("score", rec.record_id),
                _code(instrument, "risk_level"),
                valueCodeableConcept=risk,
                **common,
            )
        )
        members.append(ids.ref("score", rec.record_id))
    if instrument.loinc.get("panel") and members:
        panel = _observation(rec, ids.id("panel", rec.record_id), _code(instrument, "panel"), **common)
        panel["hasMember"] = [{"reference": m} for m in members]
        out.append(panel)
    return out


def session_rating(rec: RatingRecord, ids: Ids, patient_ref: str, encounter_ref: str) -> dict[str, Any]:
    """A chair-side MOAA/S or CADSS total of a session (tagged ``session-rating``; no items, no panel)."""
    instrument = instruments.get(rec.instrument_id)
    return {
        "resourceType": "Observation",
        "id": ids.id("rating", rec.record_id),
        "meta": {"tag": [dict(SESSION_RATING_TAG)]},
        "status": "final",
        "category": [{"coding": [coding(SURVEY)]}],
        "code": _code(instrument, "total"),
        "subject": {"reference": patient_ref},
        "encounter": {"reference": encounter_ref},
        "effectiveDateTime": instant(rec.taken_at),
        "valueQuantity": _quantity(rec.value),
    }
