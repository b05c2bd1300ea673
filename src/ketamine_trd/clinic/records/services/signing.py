"""Signing a session: refused, as a value listing what is missing, until the core finds nothing that blocks it.

Everything is judged as of one ``now`` (the moment of signing), by the same ``assess`` the chair page shows:
the missing fields, discharge readiness "not ready" (a prescriber may sign with a written reason, stored and
audited) and the session's critical alerts not yet acknowledged.

For an outpatient esketamine session the REMS Patient Monitoring Form record is generated in the same
transaction. A request actor must have re-authenticated recently when the ``authn`` app provides it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ketamine_trd.clinic import access
from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.authn.reauth import require_recent_auth_of
from ketamine_trd.clinic.records.models import RemsRecord, SessionStatus
from ketamine_trd.clinic.records.services import rems
from ketamine_trd.clinic.records.services._scope import session_for
from ketamine_trd.clinic.records.services.sessions import assess, load_rows
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical.monitoring.signoff import MissingField
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS
from ketamine_trd.errors import CheckRefused, ConflictError, InputError


@dataclass(frozen=True, slots=True)
class SignOutcome:
    """``signed`` with the REMS record made, or not signed with every missing field (field, reason, source)."""

    signed: bool
    missing: tuple[MissingField, ...]
    rems_record: RemsRecord | None = None


def _override_detail(discharge_ready: bool, dosed_under_hold: tuple[str, ...]) -> str:
    """What the signature's reason lifted, for the audit event."""
    lifted = ([] if discharge_ready else ["not ready for discharge"]) + (
        ["dosed under a pre-dose hold"] if dosed_under_hold else []
    )
    return "signed while " + " and ".join(lifted) + ", with a reason"


def sign_session(actor: Actor, session_id: int, *, now: dt.datetime, override_reason: str = "") -> SignOutcome:
    """Sign the session if nothing blocks it at ``now``; otherwise save nothing and say what blocks it.

    ``override_reason`` (a prescriber's, at least 15 characters) lets a session that is not ready for discharge be
    signed; it never lifts a missing field or an unacknowledged critical alert.
    """
    user = authorize(actor, "session.sign")
    reason = (override_reason or "").strip()
    if reason and len(reason) < MIN_OVERRIDE_REASON_CHARS:
        raise CheckRefused("override_reason", reason, f"a written reason of at least {MIN_OVERRIDE_REASON_CHARS} "
                         "characters")  # fmt: skip
    if reason and not access.can(user, "session.sign_override"):
        raise CheckRefused("override_reason", reason, "Only a prescriber can sign with a reason: ask the "
                           "prescriber to sign.",
                         reason="cannot come from your role")  # fmt: skip
    require_recent_auth_of(actor, now)
    with writing():
        session = session_for(user, session_id, lock=True)
        if session.status == SessionStatus.SIGNED:
            raise ConflictError(f"session {session_id} is already signed")
        judged = assess(session, load_rows(session), now, override_reason=reason)
        missing = list(judged["missing"])
        esketamine_pmf = session.course.product == "esketamine-nasal" and session.setting == "outpatient"
        if esketamine_pmf:
            try:
                rems.pmf_patient(session)
            except InputError as error:
                missing.append(MissingField(f"patient.{error.field}", str(error), "S8"))
        if missing:
            record(actor, "sign", obj=session, outcome="failure", detail=f"{len(missing)} missing fields", now=now)
            return SignOutcome(False, tuple(missing))
        session.status, session.signed_by, session.signed_at, session.updated_at = SessionStatus.SIGNED, user, now, now
        session.discharge_ready = bool(judged["discharge"] and judged["discharge"].ready)
        session.version += 1
        overridden = bool(reason) and (not session.discharge_ready or bool(judged["dosed_under_hold"]))
        session.sign_override_reason = reason if overridden else ""
        changed = ["status", "signed_by", "signed_at", "updated_at", "discharge_ready", "sign_override_reason",
                   "version"]  # fmt: skip
        session.save(update_fields=changed)
        audited = changed[:3] + (["sign_override_reason"] if overridden else [])
        record(actor, "sign", obj=session, changed_fields=audited,
               detail=_override_detail(session.discharge_ready, judged["dosed_under_hold"]) if overridden else "",
               now=now)  # fmt: skip
        row = None
        if esketamine_pmf:
            signed = replace(judged["record"], signed_by=str(user.pk), signed_at=now)
            row = rems.create_for_session(actor, session, signed, user, now=now)
    return SignOutcome(True, (), row)
