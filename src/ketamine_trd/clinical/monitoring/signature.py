"""Whether a session may be signed now: nothing missing, discharge ready, no critical alert unacknowledged.

Judged at one moment (the service's ``now``), from the same values the chair page shows:

- every :class:`~ketamine_trd.clinical.monitoring.signoff.MissingField` of ``missing_for_signature`` blocks;
- ``sign-discharge-not-ready``: discharge readiness (:mod:`.discharge`) says "not ready"; a prescriber may sign
  anyway with a written reason (the patient left against advice, was transferred), which is recorded;
- ``sign-critical-alert-open``: a critical alert of the session is not acknowledged (acknowledge it first; no
  override: platform-defined);
- ``sign-dosed-under-hold``: the dose was charted while the pre-dose checks said "hold" and no prescriber's reason
  for giving it was recorded with the dose (a record from before the dose step enforced the hold): it is not
  signed as if the checks had passed; a prescriber may sign with a written reason, which is recorded
  (platform-defined).

>>> from ketamine_trd.clinical.monitoring.discharge import Criterion
>>> import datetime as dt
>>> at = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
>>> not_ready = DischargeReadiness(False, at, None, (Criterion("moaas", False, "Last MOAA/S 3.", "S1"),), "p@1")
>>> [b.field for b in signature_blockers(SignatureInput((), not_ready, ()))]
['discharge']
>>> signature_blockers(SignatureInput((), not_ready, (), override_reason="left against medical advice")) == ()
True
>>> [b.field for b in signature_blockers(SignatureInput((), None, (), dosed_under_hold=("BP 190/112 mmHg.",)))]
['predose']
"""

from __future__ import annotations

from dataclasses import dataclass

from ketamine_trd.clinical.monitoring.discharge import DischargeReadiness
from ketamine_trd.clinical.monitoring.signoff import MissingField
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS
from ketamine_trd.clinical.sources import cite

__all__ = ["SignatureInput", "discharge_override_used", "signature_blockers"]


@dataclass(frozen=True, slots=True)
class SignatureInput:
    """What the chair page shows at one moment: missing fields, discharge readiness, open critical alerts' texts."""

    missing: tuple[MissingField, ...]
    discharge: DischargeReadiness | None
    open_critical_alerts: tuple[str, ...]
    override_reason: str = ""
    #: the pre-dose "hold" findings of a dose charted without a prescriber's reason for the hold
    dosed_under_hold: tuple[str, ...] = ()


def discharge_override_used(value: SignatureInput) -> bool:
    """True when the session is not ready for discharge and a reason long enough was given."""
    not_ready = value.discharge is not None and not value.discharge.ready
    return not_ready and len(value.override_reason.strip()) >= MIN_OVERRIDE_REASON_CHARS


def signature_blockers(value: SignatureInput) -> tuple[MissingField, ...]:
    """Everything that stops the signature now (empty: the session may be signed)."""
    out = list(value.missing)
    if value.discharge is not None and not value.discharge.ready and not discharge_override_used(value):
        unmet = value.discharge.unmet
        reasons = " ".join(c.message for c in unmet) or "see the discharge section"
        out.append(MissingField(
            "discharge", f"Discharge readiness is 'not ready': {reasons} A prescriber may sign with a written reason.",
            unmet[0].source if unmet else cite("S1"),
        ))  # fmt: skip
    if value.dosed_under_hold and len(value.override_reason.strip()) < MIN_OVERRIDE_REASON_CHARS:
        out.append(MissingField(
            "predose", "The dose was charted while the pre-dose checks said 'hold' and no prescriber's reason was "
            f"recorded: {' '.join(value.dosed_under_hold)} A prescriber may sign with a written reason.",
            cite("platform-defined"),
        ))  # fmt: skip
    for message in value.open_critical_alerts:
        out.append(MissingField("alerts", f"Critical alert not acknowledged: {message}", cite("platform-defined")))
    return tuple(out)
