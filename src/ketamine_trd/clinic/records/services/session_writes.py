"""Charting a session: checklist, dose, vitals, ratings, adverse events, discharge; then signing.

Each write validates by building the core's value first (``VitalSigns(300, 20)`` is refused naming the
field), stamps it with the save time (a reading's time left blank is ``now``, the server's clock; a time in the
future is refused, naming the field), refuses times out of order and changes to a signed session, saves explicit
fields, writes the audit event and raises the core's live monitoring alerts on the worklist, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from ketamine_trd.clinic import access
from ketamine_trd.clinic.access import Actor, authorize, user_of
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.controlled.interface import draw_for_dose
from ketamine_trd.clinic.measurement.interface import raise_alert
from ketamine_trd.clinic.records.models import AdverseEvent, Session, SessionRating, SessionStatus, VitalSign
from ketamine_trd.clinic.records.services import charting, gates
from ketamine_trd.clinic.records.services._scope import session_for
from ketamine_trd.clinic.records.services.sessions import (
    assess,
    hold_findings,
    load_rows,
    monitoring_providers,
    predose_checks,
)
from ketamine_trd.clinic.site import settings_service as site_settings
from ketamine_trd.clinic.site.consent_service import consent_findings
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical.checklist import PredoseChecklist
from ketamine_trd.clinical.dose_check import ChartedDose, DoseVerdict, judge_charted_dose
from ketamine_trd.clinical.inputs.charting import (
    ChecklistInput,
    DischargeInput,
    DoseInput,
    EventInput,
    RatingInput,
    ResolveEventInput,
    VitalsInput,
    refuse_other_products,
)
from ketamine_trd.clinical.monitoring.observations import AdverseEvent as CoreEvent
from ketamine_trd.clinical.monitoring.signoff import SessionRecord
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS
from ketamine_trd.clinical.treatment_gate import dosing_gate, screening_holds
from ketamine_trd.errors import CheckRefused, ConflictError, InputError, StaleVersion

__all__ = [
    "ChecklistInput",
    "DischargeInput",
    "DoseInput",
    "EventInput",
    "RatingInput",
    "ResolveEventInput",
    "VitalsInput",
    "add_adverse_event",
    "add_rating",
    "add_vitals",
    "record_checklist",
    "record_discharge",
    "record_dose",
    "resolve_adverse_event",
]

Writer = Callable[[Session], list[str]]
#: rules shown live at the chair but not put on the worklist (they clear themselves once the reading is charted)
LIVE_ONLY_RULES = frozenset({"vitals-overdue"})


def raise_monitoring_alerts(actor: Actor, session: Session, now: dt.datetime) -> int:
    """Put the core's warning and critical monitoring alerts for ``session`` on the worklist (idempotent)."""
    judged = assess(session, load_rows(session), now)
    raised = 0
    for alert in judged["alerts"]:
        if alert.level.value == "info" or alert.rule_id in LIVE_ONLY_RULES:
            continue
        moment = alert.observed_at.isoformat() if alert.observed_at else "-".join(str(d.value) for d in alert.data)
        _, created = raise_alert(
            session.patient,
            kind=alert.kind,
            level=alert.level,
            rule=alert.rule_id,
            source=alert.source,
            message=alert.message,
            object_key=f"session:{session.pk}:{moment}"[:120],
            now=now,
            course=session.course,
            session=session,
            data={"profile": alert.profile, **{d.name: d.value for d in alert.data}},
            actor=actor,
        )
        raised += int(created)
    return raised


def _chart(
    actor: Actor,
    session_id: int,
    now: dt.datetime,
    write: Writer,
    *,
    action: str = "session.chart",
    expected_version: int | None = None,
) -> Session:
    """One charted change: session locked (after the chain head), state checked, written, audited, alerts raised.

    ``expected_version`` (the API's ``If-Match``), when given, must be the stored version (else ``StaleVersion``,
    409): appending vitals at the chair from two devices needs no version, overwriting a dose from an old copy
    does. Every change raises the session's ``version`` by one.
    """
    user = authorize(actor, action)
    with writing():
        session = session_for(user, session_id, lock=True)
        if expected_version is not None and expected_version != session.version:
            raise StaleVersion(f"session {session_id}", expected_version, session.version)
        if session.status == SessionStatus.SIGNED:
            raise ConflictError(f"session {session_id} is signed: it can no longer change")
        if session.status == SessionStatus.CANCELLED:
            raise ConflictError(f"session {session_id} was cancelled")
        changed = write(session)
        if session.status == SessionStatus.PLANNED:
            session.status = SessionStatus.IN_PROGRESS
            changed.append("status")
        session.updated_at = now
        session.version += 1
        fields_saved = {*changed, "updated_at", "version"} & {f.name for f in Session._meta.concrete_fields}
        session.save(update_fields=sorted(fields_saved))
        record(actor, "update", obj=session, changed_fields=changed, now=now)
        raise_monitoring_alerts(actor, session, now)
    return session


def record_checklist(
    actor: Actor, session_id: int, data: ChecklistInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Store the pre-dose checklist (validated as the core's ``PredoseChecklist``)."""
    data = data.stamped(now)
    values = {f.name: getattr(data, f.name) for f in fields(data)}

    def write(session: Session) -> list[str]:
        refuse_other_products(data, session.course.product)  # no REMS or nasal-medicine answers on IV
        PredoseChecklist(setting=session.setting, **values)  # validation by the core
        session.checklist = charting.checklist_json(values)
        return ["checklist"]

    return _chart(actor, session_id, now, write, expected_version=expected_version)


def judge_dose(session: Session, data: DoseInput) -> DoseVerdict:
    """The core's verdict on ``data`` charted for ``session``: plan, product rules, arithmetic, window, screening."""
    course = session.course
    plan = gates.planned_dose(session)
    held = screening_holds(gates.course_screening(course), gates.standing_override(course))
    unresolved = tuple((n.message, n.source) for n in held)
    esketamine = course.product == "esketamine-nasal"
    charted = ChartedDose(
        product=course.product, dosed_at=data.dosed_at, scheduled_at=session.scheduled_at, dose_mg=data.dose_mg,
        session_number=plan["number"], planned_dose_mg=plan["dose_mg"], planned_mg_per_kg=plan["mg_per_kg"],
        dosing_weight_kg=plan["weight_kg"], mg_per_kg=data.mg_per_kg, devices_used=data.devices_used,
        infusion_rate_ml_per_h=data.infusion_rate_ml_per_h, infusion_duration_min=data.infusion_duration_min,
        concentration_mg_per_ml=data.concentration_mg_per_ml,
        indication=str((course.plan_data or {}).get("indication") or "trd"),
        esketamine_profile=(course.plan_data or {}).get("profile") if esketamine else None,
        contraindications=unresolved, override_reason=data.override_reason,
        previous_dose_mg=gates.previous_dose_mg(session) if esketamine else None,
    )  # fmt: skip
    return judge_charted_dose(charted, site_settings.dose_rules(session.patient.clinic_id))


def _enforce_dosing_gate(session: Session, data: DoseInput) -> None:
    """Refuse a dose on a course that has not passed its eligibility gate (or whose gate no longer holds)."""
    blocked = dosing_gate(session.course.phase, gates.standing_gate(session.course))
    blocked += consent_findings(session)  # the first dose needs a current consent (clinic.site)
    if blocked:
        why = " ".join(f"{f.message} (source: {f.source})" for f in blocked)
        raise CheckRefused("dose_mg", data.dose_mg, f"Eligibility is not established for this course. {why}",
                           reason="cannot be given yet")  # fmt: skip


def _enforce_predose_hold(
    user: Any, session: Session, data: DoseInput, dosed_at: dt.datetime, now: dt.datetime
) -> tuple[tuple[str, ...], str]:
    """Refuse a dose while the pre-dose checks say "hold" (no checklist, no blood pressure in the window, a
    crisis reading, REMS enrolment not confirmed...), judged by the core at the time of dosing, exactly as the
    chair page shows it; a prescriber may give it with a written reason. Returns the hold findings lifted and
    the reason (both empty when nothing held)."""
    on = dosed_at.date()
    profile = charting.profile_for(session, on)
    obs = charting.observations(session, *load_rows(session), on=on)
    checks = predose_checks(charting.session_record(session, obs, on), dosed_at, now, session.course.product, profile)
    holds = hold_findings(checks)
    if not holds:
        return (), ""
    reason = data.override_reason.strip()
    _prescriber_reason(user, data, "The pre-dose checks say 'hold': " + " ".join(holds),
                       given=len(reason) >= MIN_OVERRIDE_REASON_CHARS, refusal="is on hold",
                       what="while the pre-dose checks say 'hold'")  # fmt: skip
    return holds, reason


def _prescriber_reason(user: Any, data: DoseInput, problems: str, *, given: bool, refusal: str, what: str) -> None:
    """A dose outside the checks (``problems``) needs a prescriber's written reason (``given``): refused naming
    ``dose_mg`` without one, and naming ``override_reason`` when the reason comes from another role."""
    if not given:
        raise CheckRefused("dose_mg", data.dose_mg, f"{problems} A prescriber may give this dose with a written reason "
                           f"(at least {MIN_OVERRIDE_REASON_CHARS} characters) in 'Reason for a dose outside the "
                           "checks'.", reason=refusal)  # fmt: skip
    if not access.can(user, "dose.override"):
        raise CheckRefused("override_reason", data.override_reason, f"Only a prescriber can give a reason for a dose "
                           f"{what}: ask the prescriber to chart or confirm this dose.",
                           reason="cannot come from your role")  # fmt: skip


def _enforce_dose_verdict(user: Any, data: DoseInput, verdict: DoseVerdict) -> None:
    """Refuse what the core refuses; what needs an override needs a prescriber's written reason."""
    if verdict.refused:
        first = verdict.refused[0]
        raise CheckRefused(first.fields[0], getattr(data, first.fields[0], data.dose_mg),
                         " ".join(f.message for f in verdict.refused), reason="was refused")  # fmt: skip
    if not verdict.needs_override:
        return
    _prescriber_reason(user, data, " ".join(f.message for f in verdict.needs_override), given=verdict.overridden,
                       refusal="needs a prescriber's reason", what="outside the checks")  # fmt: skip


def record_dose(
    actor: Actor, session_id: int, data: DoseInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Store the dose given (esketamine: devices and lot; IV: infusion settings), judged by the core first.

    A dose the core refuses is not saved; one outside the plan, the label's doses for the session or the studied
    range, or given despite a contraindication, is saved only with a prescriber's reason (stored and audited).
    """
    data = data.stamped(now)
    dosed_at = _stamped(data.dosed_at)

    def write(session: Session) -> list[str]:
        refuse_other_products(data, session.course.product)  # no mg/kg or infusion on a spray, no devices on IV
        esketamine = session.course.product == "esketamine-nasal"
        if esketamine and data.devices_used is None:
            raise InputError("devices_used", None, "1 to 3 SPRAVATO devices", reason="is missing")
        obs = charting.observations(session, [], [], [], on=dosed_at.date())
        SessionRecord(
            str(session.pk),
            session.course.product,
            obs,
            dose_mg=data.dose_mg,
            devices_used=data.devices_used,
            lot_number=data.lot_number,
        )  # fmt: skip  (core validation)
        _enforce_dosing_gate(session, data)
        verdict = judge_dose(session, data)
        _enforce_dose_verdict(user_of(actor), data, verdict)
        holds, hold_reason = _enforce_predose_hold(user_of(actor), session, data, dosed_at, now)
        session.dose_check = verdict.to_dict()
        site_settings.stamp(session, "dose", now)  # the settings version this dose was judged under
        if holds:  # kept with the dose: the chair page, the signature and the audit show what was lifted, and why
            session.dose_check["predose_hold"] = {"findings": list(holds), "reason": hold_reason}
        reason = verdict.override_reason if verdict.overridden else hold_reason
        session.dose_override_reason = reason
        session.dose_overridden_by = user_of(actor) if reason else None
        session.dosed_at, session.dose_mg, session.lot_number = (
            data.dosed_at,
            data.dose_mg,
            data.lot_number.strip(),
        )
        session.devices_used, session.mg_per_kg = data.devices_used, data.mg_per_kg
        session.phase = session.course.phase  # the phase the dose is given in, kept when the course moves on
        session.infusion_rate_ml_per_h, session.infusion_duration_min = (
            data.infusion_rate_ml_per_h,
            data.infusion_duration_min,
        )
        session.concentration_mg_per_ml, session.infusion_ended_at = (
            data.concentration_mg_per_ml,
            data.infusion_ended_at,
        )
        return ["dosed_at", "dose_mg", "lot_number", "devices_used", "mg_per_kg", "infusion_rate_ml_per_h",
                "infusion_duration_min", "concentration_mg_per_ml", "infusion_ended_at", "phase", "dose_check",
                "dose_override_reason", "dose_overridden_by"]  # fmt: skip

    def write_and_draw(session: Session) -> list[str]:
        changed = write(session)
        draw_for_dose(actor, session, now)  # the controlled-substance log's administration entry, same transaction
        return changed

    return _chart(actor, session_id, now, write_and_draw, expected_version=expected_version)


def add_vitals(
    actor: Actor, session_id: int, data: VitalsInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Add one timed set of vital signs (BP 300/20 and the like are refused by the core, naming the field).

    A reading "before dosing" cannot be taken after the dose, nor one after dosing (40 minutes, discharge) before it.
    """
    data = data.stamped(now)

    def write(session: Session) -> list[str]:
        _in_order_with_dose(session, "taken_at", _stamped(data.taken_at), data.timepoint)
        VitalSign.objects.create(
            session=session, taken_at=data.taken_at, timepoint=data.timepoint, systolic_mmhg=data.systolic_mmhg,
            diastolic_mmhg=data.diastolic_mmhg, heart_rate_bpm=data.heart_rate_bpm, spo2_percent=data.spo2_percent,
            respiratory_rate_per_min=data.respiratory_rate_per_min, recorded_by=user_of(actor),
        )  # fmt: skip
        return ["vitals"]

    return _chart(actor, session_id, now, write, expected_version=expected_version)


def add_rating(
    actor: Actor, session_id: int, data: RatingInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Add a MOAA/S (0-5) or CADSS total (CADSS-23 0-92, CADSS-6 0-24), checked by the core."""
    data = data.stamped(now)

    def write(session: Session) -> list[str]:
        SessionRating.objects.create(session=session, instrument_id=data.instrument_id, value=data.value,
                                     taken_at=data.rated_at, recorded_by=user_of(actor))  # fmt: skip
        return ["ratings"]

    return _chart(actor, session_id, now, write, expected_version=expected_version)


def add_adverse_event(
    actor: Actor, session_id: int, data: EventInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Add an adverse event (kinds of the monitoring core; ``other`` needs details)."""
    data = data.stamped(now)

    def write(session: Session) -> list[str]:
        AdverseEvent.objects.create(session=session, kind=data.kind, severity=data.severity, serious=data.serious,
                                    noted_at=data.noted_at, resolved_at=data.resolved_at, details=data.details,
                                    recorded_by=user_of(actor))  # fmt: skip
        return ["adverse_events"]

    return _chart(actor, session_id, now, write, expected_version=expected_version)


def resolve_adverse_event(
    actor: Actor, session_id: int, data: ResolveEventInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Record when an open adverse event of this session resolved (another session's or clinic's event, or one
    already resolved, is refused naming ``event_id``)."""
    data = data.stamped(now)
    resolved_at = _stamped(data.resolved_at)

    def write(session: Session) -> list[str]:
        event = AdverseEvent.objects.filter(pk=data.event_id, session=session).first()
        if event is None or event.resolved_at is not None:
            raise InputError("event_id", data.event_id, "an adverse event of this session that has not resolved")
        CoreEvent(event.noted_at, event.kind, resolved_at, event.details)
        event.resolved_at = resolved_at
        event.save(update_fields=["resolved_at"])
        return ["adverse_events"]

    return _chart(actor, session_id, now, write, expected_version=expected_version)


def _stamped(value: dt.datetime | None) -> dt.datetime:
    """A reading's time after ``stamped(now)`` (never blank then)."""
    if value is None:  # pragma: no cover - stamped() sets every blank "now" time
        raise ValueError("a reading's time was not stamped")
    return value


#: vital-sign time points taken before the dose, and after it
#: (the ids of models.Timepoint and of the monitoring profiles; test_true_times charts each of them)
_BEFORE_DOSE, _AFTER_DOSE = frozenset({"predose"}), frozenset({"post-40", "discharge"})


def _in_order_with_dose(session: Session, field: str, at: dt.datetime, timepoint: str) -> None:
    """Refuse a "before dosing" reading after the dose and an "after dosing" one before it (once dosed)."""
    dosed = session.dosed_at
    if dosed is None:
        return
    when = at.isoformat(timespec="minutes")
    if timepoint in _BEFORE_DOSE and at > dosed:
        raise InputError(field, when, f"at or before the time of dosing ({dosed:%Y-%m-%d %H:%M} UTC) for a reading "
                         "before dosing")  # fmt: skip
    if timepoint in _AFTER_DOSE and at < dosed:
        raise InputError(field, when, f"at or after the time of dosing ({dosed:%Y-%m-%d %H:%M} UTC) for a reading "
                         "after dosing")  # fmt: skip


def monitoring_provider(clinic_id: int, user_id: int | None) -> Any:
    """The chosen provider (a clinical user of the clinic), ``None`` when none was chosen; else ``InputError``."""
    if user_id is None:
        return None
    found = next((u for u in monitoring_providers(clinic_id) if u.pk == user_id), None)
    if found is None:
        raise InputError("monitoring_hcp_id", user_id, "a nurse or prescriber of this clinic")
    return found


def record_discharge(
    actor: Actor, session_id: int, data: DischargeInput, *, now: dt.datetime, expected_version: int | None = None
) -> Session:
    """Store the end of monitoring and the REMS form answers."""
    data = data.stamped(now)
    completed_at = _stamped(data.monitoring_completed_at)

    def write(session: Session) -> list[str]:
        if session.dosed_at is not None and completed_at < session.dosed_at:
            raise InputError("monitoring_completed_at", completed_at.isoformat(timespec="minutes"),
                             "at or after the time of dosing")  # fmt: skip
        refuse_other_products(data, session.course.product)  # the REMS evaluation question is esketamine's
        names = [f.name for f in fields(data) if f.name != "monitoring_hcp_id"]
        for name in names:
            setattr(session, name, getattr(data, name))
        hcp = monitoring_provider(session.patient.clinic_id, data.monitoring_hcp_id)
        session.monitoring_hcp = hcp
        session.monitoring_hcp_name = hcp.get_full_name() if hcp is not None else ""
        return [*names, "monitoring_hcp", "monitoring_hcp_name"]

    return _chart(actor, session_id, now, write, expected_version=expected_version)
