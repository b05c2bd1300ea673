"""Signing a session: refused, as a value listing what is missing, until the core finds nothing missing.

For an outpatient esketamine session the REMS Patient Monitoring Form record is generated in the same
transaction. A request actor must have re-authenticated recently when the ``authn`` app provides it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.records.models import RemsRecord, SessionStatus
from ketamine_trd.clinic.records.services import rems
from ketamine_trd.clinic.records.services._scope import session_for
from ketamine_trd.clinic.records.services.sessions import assess, load_rows
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical.monitoring.signoff import MissingField
from ketamine_trd.errors import ConflictError, InputError


@dataclass(frozen=True, slots=True)
class SignOutcome:
    """``signed`` with the REMS record made, or not signed with every missing field (field, reason, source)."""

    signed: bool
    missing: tuple[MissingField, ...]
    rems_record: RemsRecord | None = None


def _require_recent_auth(actor: Actor, now: dt.datetime) -> None:
    if not hasattr(actor, "META"):
        return
    from ketamine_trd.clinic.authn.reauth import require_recent_auth

    require_recent_auth(actor, now)


def sign_session(actor: Actor, session_id: int, *, now: dt.datetime) -> SignOutcome:
    """Sign the session if nothing is missing; otherwise save nothing and say what is missing."""
    user = authorize(actor, "session.sign")
    _require_recent_auth(actor, now)
    with writing():
        session = session_for(user, session_id, lock=True)
        if session.status == SessionStatus.SIGNED:
            raise ConflictError(f"session {session_id} is already signed")
        judged = assess(session, load_rows(session), now)
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
        session.save(update_fields=["status", "signed_by", "signed_at", "updated_at", "discharge_ready", "version"])
        record(actor, "sign", obj=session, changed_fields=["status", "signed_by", "signed_at"], now=now)
        row = None
        if esketamine_pmf:
            signed = replace(judged["record"], signed_by=str(user.pk), signed_at=now)
            row = rems.create_for_session(actor, session, signed, user, now=now)
    return SignOutcome(True, (), row)
