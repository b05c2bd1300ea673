"""The SPRAVATO REMS Patient Monitoring Form (PMF) record and its submission clock.

Outpatient settings submit a PMF after every treatment session, within the window of the REMS
version in effect (7 days in the 12/31/2024 version, S6, S8); inpatient settings do not (S6, S7).
The record holds every PMF field (S8; opioids in the newer form, S9); :func:`rems_problems` lists
what is missing or out of rule; :func:`rems_status` and :func:`rems_worklist` run the clock.

>>> import datetime as dt
>>> done = dt.datetime(2026, 3, 2, 11, 5, tzinfo=dt.UTC)
>>> record = _example_record(done)
>>> record.due_at.isoformat(), rems_status(record, done + dt.timedelta(days=6)).value
('2026-03-09T11:05:00+00:00', 'due_soon')
>>> rems_status(record, done + dt.timedelta(days=8)).value
'overdue'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from ketamine_trd.clinical.monitoring.signoff import MissingField, SessionRecord
from ketamine_trd.clinical.monitoring.vitals import VitalSigns, vitals_schedule
from ketamine_trd.clinical.monitoring.vocabulary import require_aware
from ketamine_trd.clinical.monitoring_profiles import ESKETAMINE, MonitoringProfile, RemsProfile, default_profile
from ketamine_trd.clinical.monitoring_profiles import rems_profile as rems_profile_on
from ketamine_trd.errors import ConflictError, InputError, UnknownTermError

__all__ = [
    "BloodPressure",
    "PmfContact",
    "PmfPatient",
    "RemsPatientMonitoringRecord",
    "RemsStatus",
    "RemsWorkItem",
    "build_rems_record",
    "mark_submitted",
    "rems_problems",
    "rems_status",
    "rems_worklist",
]

SEXES = ("female", "male", "other", "unknown")  # "unknown" is accepted and listed as a PMF problem
STANDARD_DOSES_MG = (56, 84)  # the PMF's dose boxes: 56 mg, 84 mg, Other (S8)


@dataclass(frozen=True, slots=True)
class PmfPatient:
    """The PMF's patient block (S8): name, date of birth, sex."""

    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str

    def __post_init__(self) -> None:
        if self.sex not in SEXES:
            raise UnknownTermError("sex", self.sex, ", ".join(SEXES))
        for name in ("first_name", "last_name"):
            if not getattr(self, name).strip():
                raise InputError(name, getattr(self, name), "a non-empty name")


@dataclass(frozen=True, slots=True)
class PmfContact:
    """The healthcare provider conducting monitoring and the healthcare setting (S8)."""

    hcp_name: str
    hcp_phone: str
    hcp_email: str
    setting_name: str
    setting_address: str


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """A BP reading as the PMF records it (mmHg)."""

    systolic_mmhg: int
    diastolic_mmhg: int
    taken_at: dt.datetime


class RemsStatus(StrEnum):
    """Where a PMF stands on the submission clock."""

    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUBMITTED = "submitted"


@dataclass(frozen=True, slots=True)
class RemsPatientMonitoringRecord:
    """Every field of the SPRAVATO REMS Patient Monitoring Form, plus its clock.

    ``opioids`` is ``None`` when the REMS version's form does not ask about opioids.
    ``due_at`` is the completion of monitoring plus the REMS window; ``due_soon_from`` starts the
    due-soon warning (platform-defined lead time).
    """

    session_id: str
    rems_profile: str
    patient: PmfPatient
    first_treatment: bool | None
    patient_enrolled: bool | None
    benzodiazepines: bool | None
    non_benzodiazepine_sedative_hypnotics: bool | None
    psychostimulants: bool | None
    maois: bool | None
    opioids: bool | None
    contact: PmfContact
    session_date: dt.date
    dose_administered: str
    dose_mg: Decimal | float | None
    lot_number: str | None
    treatment_duration_minutes: int | None
    ready_to_leave_minutes: int | None
    vitals_acceptable_before_administration: bool | None
    vitals_acceptable_before_completion: bool | None
    bp_predose: BloodPressure | None
    bp_post_40_min: BloodPressure | None
    bp_before_completion: BloodPressure | None
    sedation: bool | None
    dissociation: bool | None
    respiratory_depression: bool | None
    adverse_event_details: str
    min_monitoring_minutes: int
    due_at: dt.datetime
    due_soon_from: dt.datetime
    submitted_at: dt.datetime | None = None
    opioids_asked: bool = True


def _bp(reading: VitalSigns | None) -> BloodPressure | None:
    return None if reading is None else BloodPressure(reading.systolic_mmhg, reading.diastolic_mmhg, reading.taken_at)


def _dose_box(dose_mg: Decimal | float | None) -> str:
    if dose_mg is None:
        return ""
    return f"{int(dose_mg)} mg" if float(dose_mg) in STANDARD_DOSES_MG else "other"


def build_rems_record(
    session: SessionRecord,
    patient: PmfPatient,
    contact: PmfContact,
    *,
    rems: RemsProfile | None = None,
    monitoring_profile: MonitoringProfile | None = None,
    adverse_event_details: str = "",
    zone: dt.tzinfo = dt.UTC,
) -> RemsPatientMonitoringRecord:
    """The PMF record for a signed outpatient esketamine session (refused otherwise).

    ``rems`` defaults to the REMS version in effect on the session date; a version that does
    not record a PMF requirement and window (NF) is refused rather than guessed. ``zone`` is the
    setting's time zone: the session date on the form is the local calendar day of dosing there
    (an evening session in New York is dated that evening, not by UTC's next day).

    >>> from ketamine_trd.clinical.monitoring import SessionObservations, SessionRecord
    >>> example = _example_record(dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC))
    >>> unsigned = SessionRecord("s-2", "esketamine-nasal", SessionObservations(None))
    >>> build_rems_record(unsigned, example.patient, example.contact)
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.ConflictError: session s-2: only a signed session with dosing and completion times
    """
    if session.product != ESKETAMINE:
        raise InputError("product", session.product, "esketamine-nasal (the PMF is a SPRAVATO REMS form)")
    if session.setting != "outpatient":
        raise InputError("setting", session.setting, "outpatient (inpatient settings submit no PMF, S6)")
    if not session.is_signed or session.monitoring_completed_at is None or session.observations.dosed_at is None:
        raise ConflictError(f"session {session.session_id}: only a signed session with dosing and completion times")
    completed, dosed = session.monitoring_completed_at, session.observations.dosed_at
    session_date = dosed.astimezone(zone).date()
    chosen = rems or rems_profile_on(on=session_date)
    if chosen.pmf_required is None or chosen.submission_window_days is None or not chosen.pmf_required.value:
        raise InputError("rems", f"{chosen.id}@{chosen.version}", "a REMS version that records the PMF and its window")
    window = chosen.submission_window_days.value
    due_at = completed + dt.timedelta(days=window)
    profile = monitoring_profile or default_profile(ESKETAMINE, on=session_date)
    checks = {
        c.time_point: c.reading
        for c in vitals_schedule(session.observations.vitals, ESKETAMINE, profile, completed, dosed_at=dosed)
    }
    post_40 = checks.get("post-40")
    after = post_40.taken_at if post_40 is not None else dosed
    final = [v for v in session.observations.vitals if after < v.taken_at <= completed]
    predose = session.predose
    meds = predose.concomitant if predose is not None and predose.concomitant_reviewed else None
    asks_opioids = chosen.opioids_on_form is not None and chosen.opioids_on_form.value

    def taking(cls: str) -> bool | None:
        return None if meds is None else cls in meds

    minutes = session.monitoring_minutes
    return RemsPatientMonitoringRecord(
        session_id=session.session_id,
        rems_profile=f"{chosen.id}@{chosen.version}",
        patient=patient,
        first_treatment=predose.first_treatment if predose is not None else None,
        patient_enrolled=predose.rems_enrolled if predose is not None else None,
        benzodiazepines=taking("benzodiazepine"),
        non_benzodiazepine_sedative_hypnotics=taking("non_benzodiazepine_hypnotic"),
        psychostimulants=taking("psychostimulant"),
        maois=taking("maoi"),
        opioids=taking("opioid") if asks_opioids else None,
        contact=contact,
        session_date=session_date,
        dose_administered=_dose_box(session.dose_mg),
        dose_mg=session.dose_mg,
        lot_number=session.lot_number,
        treatment_duration_minutes=int(minutes) if minutes is not None else None,
        ready_to_leave_minutes=session.ready_to_leave_minutes,
        vitals_acceptable_before_administration=session.vitals_acceptable_before_administration,
        vitals_acceptable_before_completion=session.vitals_acceptable_before_completion,
        bp_predose=_bp(checks.get("predose")),
        bp_post_40_min=_bp(checks.get("post-40")),
        bp_before_completion=_bp(max(final, key=lambda v: v.taken_at) if final else None),
        sedation=session.sedation_observed,
        dissociation=session.dissociation_observed,
        respiratory_depression=session.respiratory_depression_observed,
        adverse_event_details=adverse_event_details,
        min_monitoring_minutes=chosen.min_monitoring_minutes.value,
        due_at=due_at,
        due_soon_from=due_at - dt.timedelta(days=chosen.due_soon_days.value),
        opioids_asked=asks_opioids,
    )


def _problems(r: RemsPatientMonitoringRecord) -> Iterator[MissingField]:
    answers = [
        "first_treatment",
        "benzodiazepines",
        "non_benzodiazepine_sedative_hypnotics",
        "psychostimulants",
        "maois",
        "lot_number",
        "treatment_duration_minutes",
        "ready_to_leave_minutes",
        "vitals_acceptable_before_administration",
        "vitals_acceptable_before_completion",
        "bp_predose",
        "bp_post_40_min",
        "bp_before_completion",
        "sedation",
        "dissociation",
        "respiratory_depression",
    ]
    if r.opioids_asked:
        answers.insert(5, "opioids")
    for name in answers:
        if getattr(r, name) in (None, ""):
            yield MissingField(name, "Required by the Patient Monitoring Form.", "S9" if name == "opioids" else "S8")
    if r.patient.sex == "unknown":
        yield MissingField("patient.sex", "Required by the Patient Monitoring Form.", "S8")
    for name in ("hcp_name", "hcp_phone", "hcp_email", "setting_name", "setting_address"):
        if not getattr(r.contact, name).strip():
            yield MissingField(f"contact.{name}", "Required by the Patient Monitoring Form.", "S8")
    if r.dose_mg is None:
        yield MissingField("dose_mg", "Dose administered not recorded.", "S8")
    if r.first_treatment and r.patient_enrolled is not True:
        yield MissingField("patient_enrolled", "First treatment: the patient must be enrolled before treatment.", "S6")
    minutes = r.treatment_duration_minutes
    if minutes is not None and minutes < r.min_monitoring_minutes:
        yield MissingField(
            "treatment_duration_minutes",
            f"{minutes} min from the first device to completion; at least {r.min_monitoring_minutes} min required.",
            "S8",
        )


def rems_problems(record: RemsPatientMonitoringRecord) -> tuple[MissingField, ...]:
    """Each PMF field that is missing or out of rule (empty when the form is complete).

    >>> record = _example_record(dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC))
    >>> [p.field for p in rems_problems(record)]
    ['bp_predose', 'bp_post_40_min', 'bp_before_completion']
    """
    return tuple(_problems(record))


def rems_status(record: RemsPatientMonitoringRecord, now: dt.datetime) -> RemsStatus:
    """``submitted`` once submitted by ``now``; else ``overdue`` after ``due_at``, ``due_soon`` near it, or ``due``.

    >>> done = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    >>> [rems_status(_example_record(done), done + dt.timedelta(days=d)).value for d in (1, 6, 8)]
    ['due', 'due_soon', 'overdue']
    """
    require_aware("now", now)
    if record.submitted_at is not None and record.submitted_at <= now:
        return RemsStatus.SUBMITTED
    if now > record.due_at:
        return RemsStatus.OVERDUE
    if now >= record.due_soon_from:
        return RemsStatus.DUE_SOON
    return RemsStatus.DUE


def mark_submitted(record: RemsPatientMonitoringRecord, submitted_at: dt.datetime) -> RemsPatientMonitoringRecord:
    """A copy marked as submitted at ``submitted_at``; refused while the form has problems.

    >>> done = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    >>> mark_submitted(_example_record(done), done)
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.InputError: bp_predose: None is missing (allowed: a complete PMF before submission)
    """
    require_aware("submitted_at", submitted_at)
    problems = rems_problems(record)
    if problems:
        raise InputError(problems[0].field, None, "a complete PMF before submission", reason="is missing")
    return replace(record, submitted_at=submitted_at)


@dataclass(frozen=True, slots=True)
class RemsWorkItem:
    """One PMF on the worklist: its status, due time, hours left (negative when late) and problems."""

    session_id: str
    status: RemsStatus
    due_at: dt.datetime
    hours_left: float
    problems: tuple[MissingField, ...]


def rems_worklist(
    records: Iterable[RemsPatientMonitoringRecord], now: dt.datetime, *, include_submitted: bool = False
) -> tuple[RemsWorkItem, ...]:
    """Unsubmitted PMFs at ``now``: overdue first, then due soon, then due; earliest due first within each.

    >>> done = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    >>> [(i.session_id, i.status.value) for i in rems_worklist([_example_record(done)], done + dt.timedelta(days=8))]
    [('s-1', 'overdue')]
    """
    require_aware("now", now)
    rank = {RemsStatus.OVERDUE: 0, RemsStatus.DUE_SOON: 1, RemsStatus.DUE: 2, RemsStatus.SUBMITTED: 3}
    items = [
        RemsWorkItem(r.session_id, s, r.due_at, (r.due_at - now).total_seconds() / 3600, rems_problems(r))
        for r in records
        if (s := rems_status(r, now)) is not RemsStatus.SUBMITTED or include_submitted
    ]
    return tuple(sorted(items, key=lambda i: (rank[i.status], i.due_at, i.session_id)))


def _example_record(completed: dt.datetime) -> RemsPatientMonitoringRecord:
    """A minimal record for the module example (not public)."""
    return RemsPatientMonitoringRecord(
        session_id="s-1",
        rems_profile="spravato-rems@2024-12",
        patient=PmfPatient("Ann", "Example", dt.date(1980, 1, 1), "female"),
        first_treatment=False,
        patient_enrolled=True,
        benzodiazepines=False,
        non_benzodiazepine_sedative_hypnotics=False,
        psychostimulants=False,
        maois=False,
        opioids=False,
        contact=PmfContact("N. Nurse", "555-0100", "n@example.org", "Clinic", "1 Main St"),
        session_date=completed.date(),
        dose_administered="56 mg",
        dose_mg=56,
        lot_number="L1",
        treatment_duration_minutes=125,
        ready_to_leave_minutes=90,
        vitals_acceptable_before_administration=True,
        vitals_acceptable_before_completion=True,
        bp_predose=None,
        bp_post_40_min=None,
        bp_before_completion=None,
        sedation=False,
        dissociation=True,
        respiratory_depression=False,
        adverse_event_details="",
        min_monitoring_minutes=120,
        due_at=completed + dt.timedelta(days=7),
        due_soon_from=completed + dt.timedelta(days=5),
    )
