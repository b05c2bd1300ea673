"""Intake: treatment history -> TRD verdict and staging; medical profile -> screening decision.

Both results are computed by the core (``clinical.trd``, ``clinical.screening``) and stored with the
input, the rule version and the profile (name and version) that produced them. A prescriber signs a
result off; an override keeps the core's verdict and adds the clinician's verdict with a written reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.chartnotes.interface import chart_summary
from ketamine_trd.clinic.records.models import IntakeKind, IntakeResult, Patient
from ketamine_trd.clinic.records.services._scope import patient_for
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.history import TreatmentHistory
from ketamine_trd.clinical.medical_profile import MedicalProfile
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS, is_written_reason
from ketamine_trd.clinical.screening import screen
from ketamine_trd.clinical.trd import assess_trd
from ketamine_trd.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from ketamine_trd.clinic.chartnotes.interface import ChartSummary

#: verdicts a clinician may choose when overriding, per kind of result
OVERRIDE_VERDICTS: dict[str, tuple[str, ...]] = {
    IntakeKind.TRD: ("trd", "not_trd"),
    IntakeKind.SCREENING: ("eligible", "eligible_with_cautions", "not_eligible"),
}


def age_years(date_of_birth: dt.date, today: dt.date) -> int:
    """Completed years of age on ``today``.

    >>> age_years(dt.date(1980, 6, 15), dt.date(2026, 6, 14))
    45
    """
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - int(before_birthday)


@dataclass(frozen=True, slots=True)
class ScreeningStart:
    """What the screening form opens with: the patient and the chart's medication list (its classes pre-ticked)."""

    patient: Patient
    chart: ChartSummary


def screening_start(actor: Actor, patient_id: int, *, now: dt.datetime) -> ScreeningStart:
    """The patient and the chart's current medications, for the screening form (a ``read``)."""
    user = authorize(actor, "intake.record")
    with reading():
        patient = patient_for(user, patient_id)
        chart = chart_summary(patient.pk, on=now.date())
    record(actor, "read", obj=patient, now=now)
    return ScreeningStart(patient, chart)


def record_trd_intake(
    actor: Actor, patient_id: int, history: dict[str, Any], *, profile: str | None, now: dt.datetime
) -> IntakeResult:
    """Judge ``history`` (the JSON shape of ``clinical.history``) under ``profile`` and store the result."""
    user = authorize(actor, "intake.record")
    assessment = assess_trd(TreatmentHistory.from_dict(history), profile)
    with writing():
        patient = patient_for(user, patient_id)
        result = IntakeResult.objects.create(
            patient=patient,
            kind=IntakeKind.TRD,
            input_data=history,
            result_data=assessment.to_dict(),
            verdict="trd" if assessment.trd else "not_trd",
            summary=assessment.summary,
            rule_version=assessment.rule_version,
            profile_id=assessment.profile,
            profile_version=assessment.profile_version,
            created_at=now,
            created_by=user,
        )
        record(actor, "create", obj=result, changed_fields=["verdict", "result_data"], now=now)
    return result


def record_screening_intake(
    actor: Actor,
    patient_id: int,
    profile_data: dict[str, Any],
    *,
    product: str,
    bp_profile: str | None,
    now: dt.datetime,
) -> IntakeResult:
    """Screen the medical profile for ``product``; the age is computed from the date of birth."""
    user = authorize(actor, "intake.record")
    with writing():
        patient = patient_for(user, patient_id)
        data = {**profile_data, "age": age_years(patient.date_of_birth, now.date())}
        result_value = screen(MedicalProfile.from_dict(data), product, bp_profile)
        findings = result_value.findings
        summary = f"{result_value.decision.replace('_', ' ')}: " + (
            "; ".join(f.message for f in findings[:3]) if findings else "no findings"
        )
        result = IntakeResult.objects.create(
            patient=patient,
            kind=IntakeKind.SCREENING,
            input_data={**data, "product": result_value.product.value},
            result_data=result_value.to_dict(),
            verdict=result_value.decision,
            summary=summary[:2000],
            rule_version=result_value.rule_version,
            profile_id=result_value.bp_profile,
            profile_version=result_value.bp_profile_version,
            created_at=now,
            created_by=user,
        )
        record(actor, "create", obj=result, changed_fields=["verdict", "result_data"], now=now)
    return result


def _intake_for(user: Any, intake_id: int) -> IntakeResult:
    found = (
        IntakeResult.objects.select_for_update(of=("self",))
        .select_related("patient")
        .filter(pk=intake_id, patient__clinic_id=user.clinic_id)
        .first()
    )
    if found is None:
        raise NotFoundError(f"intake result {intake_id} not found")
    return found


def sign_off_intake(actor: Actor, intake_id: int, *, now: dt.datetime) -> IntakeResult:
    """A prescriber signs the result off (once)."""
    user = authorize(actor, "intake.sign_off")
    with writing():
        result = _intake_for(user, intake_id)
        if result.signed_off_at is not None:
            raise ConflictError(f"intake result {intake_id} was already signed off")
        result.signed_off_by, result.signed_off_at = user, now
        result.save(update_fields=["signed_off_by", "signed_off_at"])
        record(actor, "sign", obj=result, changed_fields=["signed_off_by", "signed_off_at"], now=now)
    return result


def intake_to_override(actor: Actor, intake_id: int, *, now: dt.datetime) -> IntakeResult:
    """The intake result of the user's clinic that an override would replace (a ``read``; else ``NotFoundError``)."""
    user = authorize(actor, "intake.override")
    with reading():
        result = _intake_for(user, intake_id)
    record(actor, "read", obj=result, now=now)
    return result


def override_intake(actor: Actor, intake_id: int, *, verdict: str, reason: str, now: dt.datetime) -> IntakeResult:
    """Replace the effective verdict with the clinician's, keeping the core's verdict and the written reason."""
    user = authorize(actor, "intake.override")
    text = (reason or "").strip()
    if not is_written_reason(text):
        raise InputError("override_reason", text, f"a written reason of at least {MIN_OVERRIDE_REASON_CHARS} "
                         "characters")  # fmt: skip
    with writing():
        result = _intake_for(user, intake_id)
        allowed = OVERRIDE_VERDICTS[result.kind]
        if verdict not in allowed:
            raise InputError("override_verdict", verdict, ", ".join(allowed))
        if verdict == result.verdict:
            raise InputError("override_verdict", verdict, f"a verdict other than the core's ({result.verdict})")
        result.override_verdict, result.override_reason = verdict, text
        result.overridden_by, result.overridden_at = user, now
        changed = ["override_verdict", "override_reason", "overridden_by", "overridden_at"]
        result.save(update_fields=changed)
        record(actor, "update", obj=result, changed_fields=changed, now=now)
    return result
