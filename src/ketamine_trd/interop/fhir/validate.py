"""Validation of FHIR JSON against the R4B models of ``fhir.resources``.

``fhir.resources`` (8.x) defaults to R5; its ``R4B`` package is used here. R4B (4.3.0) keeps the R4
(4.0.1) structure of every resource type this project exchanges (Patient, Questionnaire,
QuestionnaireResponse, Observation, MedicationAdministration, Encounter, AdverseEvent, CarePlan,
Bundle), so a resource valid here is valid R4 JSON. The package is an optional extra (``interop``):
without it, :func:`validate_resource` raises ``DependencyMissing``.

The models check structure, types, cardinality and choice types but not the codes of required
bindings; :data:`REQUIRED_CODES` adds those for the status-like fields of the exchanged resources
(value sets of the R4 specification, ``hl7-fhir-r4``).

>>> problems({"resourceType": "Patient", "gender": "female"})
()
>>> problems({"resourceType": "Patient", "gender": "woman"})
("gender: 'woman' is not a code of its required value set",)
>>> problems({"resourceType": "Observation", "status": "final"})
('code: Field required',)
"""

from __future__ import annotations

from typing import Any

from ketamine_trd.errors import DependencyMissing, InputError

__all__ = ["REQUIRED_CODES", "problems", "validate_bundle", "validate_resource"]

#: (resource type, element) -> the codes of its required binding in FHIR R4 (4.0.1).
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Patient", "gender"): frozenset({"male", "female", "other", "unknown"}),
    ("Observation", "status"): frozenset(
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
    ),
    ("QuestionnaireResponse", "status"): frozenset(
        {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
    ),
    ("Questionnaire", "status"): frozenset({"draft", "active", "retired", "unknown"}),
    ("Flag", "status"): frozenset({"active", "inactive", "entered-in-error"}),
    ("MedicationAdministration", "status"): frozenset(
        {"in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"}
    ),
    ("Encounter", "status"): frozenset(
        {
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    ),
    ("AdverseEvent", "actuality"): frozenset({"actual", "potential"}),
    ("CarePlan", "status"): frozenset(
        {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
    ),
    ("CarePlan", "intent"): frozenset({"proposal", "plan", "order", "option"}),
    ("Bundle", "type"): frozenset(
        {
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        }
    ),
}


def _model_class(resource_type: str) -> Any:
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError:
        raise DependencyMissing("fhir.resources", "interop") from None
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        raise InputError("resourceType", resource_type, "a FHIR R4 resource type") from None


def _code_problems(resource: dict[str, Any]) -> tuple[str, ...]:
    """Codes outside the required value sets of :data:`REQUIRED_CODES` (top level of ``resource``)."""
    resource_type = resource.get("resourceType")
    return tuple(
        f"{name}: {resource[name]!r} is not a code of its required value set"
        for (kind, name), allowed in REQUIRED_CODES.items()
        if kind == resource_type
        and name in resource
        and not (isinstance(resource[name], str) and resource[name] in allowed)
    )


def problems(resource: dict[str, Any]) -> tuple[str, ...]:
    """What is wrong with ``resource`` as FHIR R4 (an empty tuple when it validates)."""
    from pydantic import ValidationError

    resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(resource_type, str):
        return ("resourceType: missing",)
    model = _model_class(resource_type)
    found = list(_code_problems(resource))
    try:
        model.model_validate(resource)
    except (TypeError, ValueError) as error:  # pydantic's ValidationError is a ValueError
        if not isinstance(error, ValidationError):
            return (*found, f"{resource_type}: {error}")
        found += [f"{'.'.join(str(p) for p in e['loc']) or resource_type}: {e['msg']}" for e in error.errors()[:10]]
    return tuple(found)


def validate_resource(resource: dict[str, Any]) -> None:
    """Raise ``InputError`` naming the first problem when ``resource`` is not valid FHIR R4."""
    found = problems(resource)
    if found:
        raise InputError(
            str(resource.get("resourceType", "resource")),
            resource.get("id", ""),
            "valid FHIR R4",
            reason=f"fails validation: {found[0]}",
        )


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate the Bundle as a whole (the models validate every entry's resource in it), then the
    required-binding codes of every entry; ``InputError`` names the first problem found."""
    validate_resource(bundle)
    for index, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise InputError(f"entry[{index}].resource", "", "a FHIR resource")
        found = _code_problems(resource)
        if found:
            raise InputError(
                f"entry[{index}].resource",
                resource.get("id", ""),
                "valid FHIR R4",
                reason=f"fails validation: {found[0]}",
            )
