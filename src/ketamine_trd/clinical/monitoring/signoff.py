"""The session record and what it still lacks before a prescriber can sign it.

The required fields follow the REMS Patient Monitoring Form for esketamine (S8, S9): dose, lot,
monitoring duration of at least 2 hours from the first device (S8), BP before dosing, at about
40 min and before completion, vital signs acceptable before administration and before completion,
the sedation / dissociation / respiratory-depression answers and the REMS evaluation question.
IV ketamine sessions need the same core (dose, lot, BP before and after, the infusion end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ketamine_trd.clinical.monitoring.observations import SessionObservations
from ketamine_trd.clinical.monitoring.vitals import CheckStatus, vitals_schedule
from ketamine_trd.clinical.monitoring.vocabulary import SETTINGS, minutes_between, require_aware
from ketamine_trd.clinical.monitoring_profiles import (
    ESKETAMINE,
    Cited,
    MonitoringProfile,
    default_profile,
    parse_product,
)
from ketamine_trd.errors import InputError, UnknownTermError

if TYPE_CHECKING:  # the checklist module imports this package; only the type is needed here
    from ketamine_trd.clinical.checklist import PredoseChecklist

__all__ = ["DEVICE_MG", "MissingField", "SessionRecord", "missing_for_signature"]

#: One SPRAVATO device delivers 28 mg; 56 mg = 2 devices, 84 mg = 3 devices.
DEVICE_MG = Cited(28, source="spravato-pi-administration")


@dataclass(frozen=True, slots=True)
class MissingField:
    """A field the session needs before signature: dotted name, why, and the source that asks for it."""

    field: str
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One treatment session as charted. ``None`` means not entered yet.

    ``observations.dosed_at`` is the first device (esketamine) or the infusion start;
    ``ready_to_leave_minutes`` answers the REMS evaluation question (minutes from the start of
    administration at which the patient would have been ready without the 2-hour minimum).
    """

    session_id: str
    product: str
    observations: SessionObservations
    setting: str = "outpatient"
    predose: PredoseChecklist | None = None
    dose_mg: Decimal | float | None = None
    lot_number: str | None = None
    devices_used: int | None = None
    infusion_ended_at: dt.datetime | None = None
    monitoring_completed_at: dt.datetime | None = None
    ready_to_leave_minutes: int | None = None
    vitals_acceptable_before_administration: bool | None = None
    vitals_acceptable_before_completion: bool | None = None
    sedation_observed: bool | None = None
    dissociation_observed: bool | None = None
    respiratory_depression_observed: bool | None = None
    clinically_stable: bool | None = None
    safe_departure_arranged: bool | None = None
    monitoring_hcp_name: str | None = None
    signed_by: str | None = None
    signed_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "product", parse_product(self.product))
        if self.setting not in SETTINGS:
            raise UnknownTermError("setting", self.setting, ", ".join(SETTINGS))
        for name in ("infusion_ended_at", "monitoring_completed_at", "signed_at"):
            if getattr(self, name) is not None:
                require_aware(name, getattr(self, name))
        if self.dose_mg is not None and not 0 < float(self.dose_mg) <= 1000:
            raise InputError("dose_mg", self.dose_mg, "more than 0 and at most 1000 mg")
        if self.devices_used is not None and not 1 <= self.devices_used <= 3:
            raise InputError("devices_used", self.devices_used, "1 to 3 SPRAVATO devices")
        if self.ready_to_leave_minutes is not None and not 0 <= self.ready_to_leave_minutes <= 24 * 60:
            raise InputError("ready_to_leave_minutes", self.ready_to_leave_minutes, "0 to 1440 minutes")
        if (self.signed_by is None) != (self.signed_at is None):
            raise InputError("signed_at", self.signed_at, "set together with signed_by")

    @property
    def is_signed(self) -> bool:
        """True once a prescriber has signed (the record is then locked)."""
        return self.signed_at is not None

    @property
    def session_date(self) -> dt.date | None:
        """The date of dosing (or of the pre-dose check when not dosed); ``None`` when neither is known."""
        when = self.observations.dosed_at or (self.predose.checked_at if self.predose is not None else None)
        return when.date() if when is not None else None

    @property
    def monitoring_minutes(self) -> float | None:
        """Minutes from the first device (or infusion start) to the completion of monitoring."""
        start, end = self.observations.dosed_at, self.monitoring_completed_at
        return minutes_between(start, end) if start is not None and end is not None else None


def _common(r: SessionRecord, profile: MonitoringProfile, at: dt.datetime | None) -> Iterator[MissingField]:
    obs = r.observations
    if obs.dosed_at is None:
        yield MissingField("observations.dosed_at", "Time of dosing not recorded.", "S8")
    if r.dose_mg is None:
        yield MissingField("dose_mg", "Dose administered not recorded.", "S8")
    if not r.lot_number:
        yield MissingField("lot_number", "Lot number not recorded.", "S8")
    if r.predose is None:
        yield MissingField("predose", "Pre-dose checklist not completed.", "S1")
    now = at or r.monitoring_completed_at or obs.dosed_at
    if now is not None:
        for check in vitals_schedule(obs.vitals, r.product, profile, now, dosed_at=obs.dosed_at):
            if check.status is not CheckStatus.DONE:
                yield MissingField(f"vitals.{check.time_point}", f"No reading for '{check.label}'.", check.source)
    if r.monitoring_completed_at is None:
        yield MissingField("monitoring_completed_at", "Time monitoring was completed not recorded.", "S8")
    elif (minutes := r.monitoring_minutes) is not None and profile.minimum_observation_minutes is not None:
        minimum = profile.minimum_observation_minutes
        if minutes < minimum.value:
            yield MissingField(
                "monitoring_completed_at",
                f"Monitoring lasted {minutes:.0f} min; at least {minimum.value} min are required.",
                minimum.source,
            )
    for i, event in enumerate(obs.adverse_events):
        if event.resolved_at is None:
            yield MissingField(f"observations.adverse_events[{i}].resolved_at", f"{event.kind}: not resolved.", "S6")
    if r.clinically_stable is not True:
        yield MissingField("clinically_stable", "Clinical stability before leaving not confirmed.", "S1")
    if not r.monitoring_hcp_name:
        yield MissingField("monitoring_hcp_name", "Healthcare provider conducting monitoring not named.", "S8")


def _esketamine(r: SessionRecord) -> Iterator[MissingField]:
    if r.devices_used is None:
        yield MissingField("devices_used", "Number of devices not recorded.", "spravato-pi-administration")
    elif r.dose_mg is not None and float(r.dose_mg) != r.devices_used * DEVICE_MG.value:
        yield MissingField(
            "devices_used",
            f"{r.devices_used} device(s) deliver {r.devices_used * DEVICE_MG.value} mg, not {r.dose_mg} mg.",
            DEVICE_MG.source,
        )
    answers = {
        "vitals_acceptable_before_administration": "Vital signs acceptable before administration?",
        "vitals_acceptable_before_completion": "Vital signs acceptable before completion?",
        "sedation_observed": "Did the patient experience sedation?",
        "dissociation_observed": "Did the patient experience dissociation?",
        "respiratory_depression_observed": "Did the patient experience respiratory depression?",
    }
    for name, question in answers.items():
        if getattr(r, name) is None:
            yield MissingField(name, f"Not answered: {question}", "S8")
    if r.setting == "outpatient" and r.ready_to_leave_minutes is None:
        yield MissingField("ready_to_leave_minutes", "REMS evaluation question not answered.", "S8")
    if r.predose is not None and r.predose.first_treatment is None:
        yield MissingField("predose.first_treatment", "First treatment? not answered.", "S8")
    if r.predose is not None and not r.predose.concomitant_reviewed:
        yield MissingField("predose.concomitant", "Concomitant medicines not reviewed.", "S8")
    if r.setting == "outpatient" and r.predose is not None and r.predose.rems_enrolled is not True:
        yield MissingField("predose.rems_enrolled", "REMS patient enrolment not confirmed.", "S6")


def missing_for_signature(
    session_record: SessionRecord,
    product: str,
    profile: MonitoringProfile | None = None,
    *,
    at: dt.datetime | None = None,
) -> tuple[MissingField, ...]:
    """Each field the session still needs before signature (empty when it can be signed).

    ``profile`` defaults to the product's default monitoring profile on the session date. ``at`` is the moment the
    signature is judged (the service's one ``now``): the timed vital signs are checked as of then; without it, as
    of the completion of monitoring (else the time of dosing).

    >>> from ketamine_trd.clinical.monitoring.observations import SessionObservations
    >>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> record = SessionRecord("s-1", "esketamine-nasal", SessionObservations(t0), dose_mg=56, devices_used=2)
    >>> [m.field for m in missing_for_signature(record, "esketamine-nasal")][:4]
    ['lot_number', 'predose', 'vitals.predose', 'vitals.post-40']
    """
    key = parse_product(product)
    if key != session_record.product:
        raise InputError("product", key, f"the session's product ({session_record.product})")
    on = session_record.session_date
    if profile is not None:
        chosen = profile
    elif on is not None:
        chosen = default_profile(key, on=on)
    else:
        raise InputError("observations.dosed_at", None, "a dosing or check-in time, or an explicit profile")
    chosen.require_product(key)
    if at is not None:
        require_aware("at", at)
    missing = list(_common(session_record, chosen, at))
    if key == ESKETAMINE:
        missing.extend(_esketamine(session_record))
    elif key == "ketamine-iv" and session_record.infusion_ended_at is None:
        missing.append(MissingField("infusion_ended_at", "End of the infusion not recorded.", "site-configuration"))
    return tuple(missing)
