"""The consent gate before a course's first dose: a current consent for the product, or a prescriber's reason.

Rules (rule id, source):

- ``gate-consent-missing``: the clinic has a consent document for the product and the patient has accepted none of
  its versions; ``gate-consent-outdated``: the patient accepted an earlier version than the current one. Informed
  consent before treatment is platform-defined here (the clinic's own document and text); the SPRAVATO REMS
  enrols the patient before the first session (S6), which this gate does not replace.
- Only a course's first dose is gated (the course "starts" with it); a prescriber's written reason of at least
  ``MIN_OVERRIDE_REASON_CHARS`` characters (``clinical.overrides``) lifts it.
- A clinic with no consent document for the product is not gated: ``consent_gate`` returns nothing and
  :func:`consent_notes` says so (the clinic sets its documents in the site settings).

>>> state = ConsentState("ketamine-iv", current_version=2, accepted_version=1, first_dose=True)
>>> [f.rule_id for f in consent_gate(state)]
['gate-consent-outdated']
>>> consent_gate(ConsentState("ketamine-iv", 2, 1, True, override_reason="verbal consent, form signed tomorrow"))
()
"""

from __future__ import annotations

from dataclasses import dataclass

from ketamine_trd.clinical.monitoring_profiles import parse_product
from ketamine_trd.clinical.overrides import is_written_reason
from ketamine_trd.clinical.sources import cite
from ketamine_trd.clinical.treatment_gate import GateFinding

__all__ = ["ConsentState", "consent_gate", "consent_notes"]


@dataclass(frozen=True, slots=True)
class ConsentState:
    """The product's current consent version (``None``: no document), the patient's newest accepted version."""

    product: str
    current_version: int | None
    accepted_version: int | None
    first_dose: bool
    override_reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "product", parse_product(self.product))

    @property
    def current(self) -> bool:
        """True when the patient accepted the current version (or later)."""
        return self.current_version is not None and (self.accepted_version or 0) >= self.current_version


def consent_gate(state: ConsentState) -> tuple[GateFinding, ...]:
    """What refuses the first dose for want of consent (empty: nothing; a later dose is never gated here).

    >>> [f.rule_id for f in consent_gate(ConsentState("esketamine-nasal", 1, None, True))]
    ['gate-consent-missing']
    >>> consent_gate(ConsentState("esketamine-nasal", 1, None, False))
    ()
    """
    if not state.first_dose or state.current_version is None or state.current:
        return ()
    if is_written_reason(state.override_reason):
        return ()
    source = cite("platform-defined")
    if state.accepted_version is None:
        return (GateFinding("gate-consent-missing", f"No consent recorded for the clinic's consent document "
                            f"(version {state.current_version}) for this product: record the patient's acceptance, "
                            "or a prescriber may start with a written reason.", source),)  # fmt: skip
    return (GateFinding("gate-consent-outdated", f"The patient accepted consent version {state.accepted_version}; "
                        f"the current version is {state.current_version}: record acceptance of the current version, "
                        "or a prescriber may start with a written reason.", source),)  # fmt: skip


def consent_notes(state: ConsentState) -> tuple[str, ...]:
    """Sentences shown with the gate: no document configured, or the override that lifted it.

    >>> consent_notes(ConsentState("ketamine-iv", None, None, True))
    ('The clinic has no consent document for this product: consent is not checked.',)
    """
    if state.current_version is None:
        return ("The clinic has no consent document for this product: consent is not checked.",)
    if not state.current and is_written_reason(state.override_reason):
        return (f"Started without a current consent, by a prescriber's reason: {state.override_reason.strip()}",)
    return ()
