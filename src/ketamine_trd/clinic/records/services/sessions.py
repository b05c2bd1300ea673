"""Scheduling sessions, today's list, and the chair-side view computed by the monitoring core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ketamine_trd.clinic.access import ALLOWED, Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.chartnotes.interface import chart_summary
from ketamine_trd.clinic.controlled.interface import lots_in_stock_words
from ketamine_trd.clinic.measurement.interface import open_critical_alerts
from ketamine_trd.clinic.records.models import Course, Phase, RemsRecord, Session, SessionStatus
from ketamine_trd.clinic.records.services import charting, gates
from ketamine_trd.clinic.records.services._scope import course_for, session_for
from ketamine_trd.clinic.site.consent_service import consent_findings
from ketamine_trd.clinic.transactions import reading, writing
from ketamine_trd.clinical.checklist import Decision, PredoseResult, evaluate_predose
from ketamine_trd.clinical.inputs.charting import ScheduleInput
from ketamine_trd.clinical.monitoring.alerts import evaluate_monitoring
from ketamine_trd.clinical.monitoring.chart import READING_CELLS, ChartStep, current_step, steps_done
from ketamine_trd.clinical.monitoring.discharge import DischargeReadiness, discharge_readiness
from ketamine_trd.clinical.monitoring.signature import SignatureInput, signature_blockers
from ketamine_trd.clinical.monitoring.signoff import MissingField, SessionRecord, missing_for_signature
from ketamine_trd.clinical.monitoring.vitals import ScheduledCheck, vitals_schedule
from ketamine_trd.clinical.monitoring.vocabulary import Alert as CoreAlert
from ketamine_trd.clinical.treatment_gate import (
    GateFinding,
    IntakeSummary,
    ScreeningNote,
    dosing_gate,
    predose_with_screening,
    screening_holds,
)
from ketamine_trd.errors import ConflictError, InputError, KtrdError

if TYPE_CHECKING:
    from ketamine_trd.clinic.chartnotes.interface import ChartSummary

MAX_AHEAD = dt.timedelta(days=400)


def schedule_session(
    actor: Actor, course_id: int, *, scheduled_at: dt.datetime, chair: str, now: dt.datetime
) -> Session:
    """Book a session of a course that has not ended (past or future times, within about a year)."""
    user = authorize(actor, "session.schedule")
    booked = ScheduleInput(scheduled_at=scheduled_at, chair=chair)  # the core's checks (a time zone, 40 characters)
    scheduled_at, chair = booked.scheduled_at, booked.chair
    if scheduled_at > now + MAX_AHEAD or scheduled_at < now - MAX_AHEAD:
        raise InputError("scheduled_at", scheduled_at.isoformat(timespec="minutes"), "within 400 days of today")
    with writing():
        course = course_for(user, course_id, lock=True)
        if course.phase == Phase.ENDED:
            raise ConflictError(f"course {course_id} has ended: no new sessions")
        session = Session.objects.create(
            course=course,
            patient_id=course.patient_id,
            scheduled_at=scheduled_at,
            chair=chair,
            setting="outpatient",
            monitoring_profile=course.monitoring_profile,
            created_at=now,
            updated_at=now,
        )
        record(actor, "create", obj=session, changed_fields=["scheduled_at", "chair"], now=now)
    return session


#: the columns of the day's list (a row's other fields load on first use, one query each: the list never uses them)
_DAY_LIST_FIELDS = ("scheduled_at", "chair", "status", "patient__given_name", "patient__family_name", "patient__mrn",
                    "patient__clinic_id", "course__product", "course__phase", "course__patient_id")  # fmt: skip


def sessions_on(actor: Actor, day_start: dt.datetime, day_end: dt.datetime, *, now: dt.datetime) -> list[Session]:
    """The clinic's sessions scheduled in ``[day_start, day_end)``, cancelled ones left out, in one query.

    Clinic and time are both in the query (the join to the patient's clinic), so another clinic's sessions are
    never read, not even their ids.
    """
    user = authorize(actor, "session.list")
    rows = (
        Session.objects.filter(patient__clinic_id=user.clinic_id, scheduled_at__gte=day_start, scheduled_at__lt=day_end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("patient", "course")
        .only(*_DAY_LIST_FIELDS)  # what the list shows: no checklist, plan or notes decoded per row
    )
    with reading():
        found = list(rows.order_by("scheduled_at", "chair", "id"))
    record(actor, "read", object_type="records.session_list", detail=f"{len(found)} rows", now=now)
    return found


@dataclass(frozen=True, slots=True)
class ChartedVitals:
    """One row of the vital-signs table with the core's alerts about each of its columns (warning and above)."""

    row: Any
    bp: tuple[CoreAlert, ...] = ()
    hr: tuple[CoreAlert, ...] = ()
    spo2: tuple[CoreAlert, ...] = ()
    rr: tuple[CoreAlert, ...] = ()

    @property
    def flagged(self) -> bool:
        """True when a monitoring rule flags a value of this reading."""
        return bool(self.bp or self.hr or self.spo2 or self.rr)


@dataclass(frozen=True, slots=True)
class Due:
    """A time the chart counts down to (a scheduled reading, the earliest discharge), and whether it is done."""

    label: str
    due_at: dt.datetime
    status: str
    kind: str = "reading"


@dataclass(frozen=True, slots=True)
class ChairView:
    """The chair-side view of one session at ``now``: rows, and what the core says about them."""

    session: Session
    course: Course
    vitals: tuple[Any, ...]
    ratings: tuple[Any, ...]
    events: tuple[Any, ...]
    profile: str
    predose: PredoseResult | None
    schedule: tuple[ScheduledCheck, ...]
    alerts: tuple[CoreAlert, ...]
    missing: tuple[MissingField, ...]
    discharge: DischargeReadiness | None
    rems: RemsRecord | None
    problem: str = ""
    screening: IntakeSummary | None = None
    plan: dict[str, Any] | None = None
    open_critical: tuple[Any, ...] = ()
    providers: tuple[tuple[int, str], ...] = ()
    dosing_gate: tuple[GateFinding, ...] = ()
    screening_judged: tuple[ScreeningNote, ...] = ()
    screening_lifted_by: str = ""
    #: the chart's allergies and current medication classes (chartnotes): the safety header, the checklist
    chart: ChartSummary | None = None
    #: the controlled log's lots a dose may be drawn from now: (lot number, what is left), earliest expiry first
    lots_in_stock: tuple[tuple[str, str], ...] = ()

    @property
    def _state(self) -> dict[str, bool]:
        s = self.session
        predose_ready = self.predose is not None and self.predose.decision is not Decision.HOLD
        return {"signed": s.status == SessionStatus.SIGNED,
                "monitoring_completed": s.monitoring_completed_at is not None,
                "dosed": s.dosed_at is not None, "predose_ready": predose_ready,
                "readings_done": (self.discharge is not None and self.discharge.ready) or (
                    bool(self.schedule) and all(c.status.value == "done" for c in self.schedule))}  # fmt: skip

    @property
    def step(self) -> ChartStep:
        """The step the chart opens at, from what is charted (``clinical.monitoring.chart.current_step``)."""
        return current_step(**self._state)

    @property
    def done(self) -> frozenset[ChartStep]:
        """The steps whose work is charted."""
        return steps_done(**self._state)

    @property
    def last_vitals(self) -> Any:
        """The latest reading by time taken (``None`` before the first)."""
        return max(self.vitals, key=lambda v: (v.taken_at, v.pk)) if self.vitals else None

    @property
    def dosing_weight_kg(self) -> Any:
        """The dosing weight (kg) of the plan, else the patient's recorded weight."""
        weight = (self.plan or {}).get("weight_kg")
        return weight if weight is not None else self.session.patient.weight_kg

    @property
    def charted_vitals(self) -> tuple[ChartedVitals, ...]:
        """The vital-signs rows, each with the monitoring rules' alerts about its values (matched by time taken)."""
        rows = []
        for row in self.vitals:
            cells: dict[str, list[CoreAlert]] = {"bp": [], "hr": [], "spo2": [], "rr": []}
            for alert in self.alerts:
                if alert.observed_at != row.taken_at or alert.level.value == "info":
                    continue
                for cell in dict.fromkeys(READING_CELLS[d.name] for d in alert.data if d.name in READING_CELLS):
                    cells[cell].append(alert)
            rows.append(ChartedVitals(row, **{k: tuple(v) for k, v in cells.items()}))
        return tuple(rows)

    @property
    def charted_ratings(self) -> tuple[tuple[Any, tuple[CoreAlert, ...]], ...]:
        """Each MOAA/S or CADSS row with the monitoring rules' alerts about it (warning and above)."""
        names = {"moaas": "moaas_score"}
        return tuple((row, tuple(a for a in self.alerts if a.observed_at == row.taken_at and a.level.value != "info"
                                 and any(d.name == names.get(row.instrument_id, "cadss_total") for d in a.data)))
                     for row in self.ratings)  # fmt: skip

    @property
    def timers(self) -> tuple[Due, ...]:
        """The scheduled readings with a due time (40 minutes, before discharge) and the earliest discharge."""
        dosed = self.session.dosed_at
        found = [Due(c.label, c.due_at, c.status.value) for c in self.schedule
                 if c.due_at is not None and dosed is not None and c.due_at > dosed]  # fmt: skip
        if self.discharge is not None and self.discharge.earliest_at is not None:
            status = "done" if self.session.monitoring_completed_at else "upcoming"
            found.append(Due("Earliest discharge", self.discharge.earliest_at, status, kind="discharge"))
        return tuple(found)

    @property
    def can_sign(self) -> bool:
        """True when the page offers the signature: nothing blocks it now (the service judges again when signing)."""
        return not self.problem and not self.missing and self.session.status != SessionStatus.SIGNED

    @property
    def discharge_not_ready(self) -> bool:
        """True when only what a prescriber's reason can lift is left: discharge readiness "not ready", or a dose
        charted under a pre-dose hold that no reason lifted."""
        return bool(self.missing) and all(m.field in ("discharge", "predose") for m in self.missing)


def load_rows(session: Session) -> tuple[list[Any], list[Any], list[Any]]:
    """Vitals, ratings and adverse events of the session (three queries)."""
    return list(session.vitals.all()), list(session.ratings.all()), list(session.adverse_events.all())


def monitoring_providers(clinic_id: int) -> list[Any]:
    """The clinic's active clinical users, who may be named as the healthcare provider who monitored."""
    from django.contrib.auth import get_user_model

    roles = sorted(ALLOWED["session.chart"])
    rows = get_user_model().objects.filter(clinic_id=clinic_id, is_active=True, role__in=roles)
    return list(rows.order_by("last_name", "first_name", "id"))


def provider_choices(actor: Actor) -> tuple[tuple[int, str], ...]:
    """(id, name) of the monitoring providers the actor's clinic may name."""
    user = authorize(actor, "session.chart")
    return tuple((u.pk, u.get_full_name() or u.username) for u in monitoring_providers(user.clinic_id))


def adverse_events_of(actor: Actor, session_id: int) -> list[Any]:
    """The adverse events charted in the session (to offer the open ones to resolve)."""
    user = authorize(actor, "session.chart")
    with reading():
        return list(session_for(user, session_id).adverse_events.all())


def assess(
    session: Session, rows: tuple[list[Any], list[Any], list[Any]], now: dt.datetime, *, override_reason: str = ""
) -> dict[str, Any]:
    """Everything the core says about the session at ``now`` (used by the view and by signing, with the same
    ``now``): the pre-dose decision with the patient's screening, alerts, discharge readiness, and ``missing``,
    everything that stops the signature at ``now`` (``override_reason`` lifts "not ready for discharge")."""
    on = (session.dosed_at or session.scheduled_at).date()
    profile = charting.profile_for(session, on)
    product = session.course.product
    obs = charting.observations(session, *rows, on=on)
    record_value: SessionRecord = charting.session_record(session, obs, on)
    # judged against the actual time of dosing once dosed, else against now (dosing would happen now)
    predose = predose_checks(record_value, obs.dosed_at, now, product, profile)
    checks_alone = predose
    with gates.results_read_once():  # screening, override and gate from one read of the intake results
        screening = gates.course_screening(session.course)
        course_override = gates.standing_override(session.course)
        blocked = () if obs.dosed_at else dosing_gate(session.course.phase, gates.standing_gate(session.course))
    blocked += () if obs.dosed_at or not session.pk else consent_findings(session)  # first dose: consent
    held = screening_holds(screening, course_override)
    if predose is not None:
        predose = predose_with_screening(predose, screening, course_override, blocked)
    at = min(now, session.monitoring_completed_at) if session.monitoring_completed_at else now
    discharge = discharge_readiness(
        obs, product, profile, at, clinically_stable=session.clinically_stable,
        safe_departure_arranged=session.safe_departure_arranged,
    ) if obs.dosed_at else None  # fmt: skip
    critical = open_critical_alerts(session) if session.pk else []
    under_hold = held_without_reason(session, checks_alone) if obs.dosed_at else ()
    blockers = signature_blockers(SignatureInput(
        missing_for_signature(record_value, product, profile, at=now), discharge,
        tuple(a.message for a in critical), override_reason,
        dosed_under_hold=under_hold,
    ))  # fmt: skip
    return {
        "profile": f"{profile.id}@{profile.version}",
        "record": record_value,
        "predose": predose,
        "screening": screening,
        "dosing_gate": blocked,
        "screening_judged": tuple(n for n in held if screening is not None and n not in screening.notes),
        "screening_lifted_by": "" if held or screening is None else (course_override or screening.lifting_reason),
        "schedule": vitals_schedule(obs.vitals, product, profile, at, dosed_at=obs.dosed_at),
        "alerts": evaluate_monitoring(obs, product, profile, at),
        "missing": blockers,
        "dosed_under_hold": under_hold,
        "open_critical": tuple(critical),
        "discharge": discharge,
    }


def predose_checks(
    record_value: SessionRecord, dosed_at: dt.datetime | None, now: dt.datetime, product: str, profile: Any
) -> PredoseResult | None:
    """The core's pre-dose decision on the charted checklist and the last reading at or before the time of dosing
    (``dosed_at``; not yet dosed: ``now``, when dosing would happen), ``None`` when no checklist is charted. The
    patient's screening and the dosing gate are judged elsewhere."""
    if record_value.predose is None:
        return None
    checklist = record_value.predose
    checklist = replace(checklist, planned_dose_at=dosed_at or max(now, checklist.checked_at))
    before = [v for v in record_value.observations.vitals if v.taken_at <= checklist.dose_at]
    last = max(before, key=lambda v: v.taken_at) if before else None
    return evaluate_predose(checklist, last, product, profile)


def hold_findings(predose: PredoseResult | None) -> tuple[str, ...]:
    """The sentences that make the pre-dose decision "hold" (no checklist charted is itself a hold)."""
    if predose is None:
        return ("No pre-dose checklist has been charted: complete the checklist before dosing.",)
    if predose.decision != Decision.HOLD:
        return ()
    return tuple(f"{f.message} (source: {f.source})" for f in predose.findings if f.level.value == "hold")


def held_without_reason(session: Session, predose: PredoseResult | None) -> tuple[str, ...]:
    """Hold findings of a dosed session whose dose was not given with a prescriber's reason for the hold."""
    lifted = (session.dose_check or {}).get("predose_hold", {}).get("reason")
    return () if lifted else hold_findings(predose)


def chair_view(actor: Actor, session_id: int, *, now: dt.datetime) -> ChairView:
    """The session with the core's live checks, alerts, missing fields and discharge readiness (a ``read``)."""
    user = authorize(actor, "session.view")
    with reading():
        session = session_for(user, session_id)
        if session.course.patient_id == session.patient_id:  # the course's patient is loaded already
            session.course.patient = session.patient
        rows = load_rows(session)
        rems = RemsRecord.objects.filter(session=session).first()
        plan = gates.planned_dose(session)
        providers = tuple((u.pk, u.get_full_name() or u.username) for u in monitoring_providers(user.clinic_id))
        chart = chart_summary(session.patient_id, on=now.date())
        lots = tuple(lots_in_stock_words(user.clinic_id, session.course.product, now.date()))
    record(actor, "read", obj=session, now=now)
    empty: dict[str, Any] = {
        "profile": "",
        "predose": None,
        "schedule": (),
        "alerts": (),
        "missing": (),
        "discharge": None,
        "screening": None,
        "open_critical": (),
        "dosing_gate": (),
        "screening_judged": (),
        "screening_lifted_by": "",
    }
    problem = ""
    try:
        judged = assess(session, rows, now)
    except KtrdError as error:  # e.g. a route without a monitoring profile: shown, never guessed
        judged, problem = empty, str(error)
        # what does not depend on a monitoring profile still shows: critical alerts never vanish with the checks
        judged["open_critical"] = tuple(open_critical_alerts(session))
        if not session.dosed_at:
            judged["dosing_gate"] = dosing_gate(session.course.phase, gates.standing_gate(session.course))
            judged["dosing_gate"] += consent_findings(session)
    return ChairView(
        session=session,
        course=session.course,
        vitals=tuple(rows[0]),
        ratings=tuple(rows[1]),
        events=tuple(rows[2]),
        profile=judged["profile"],
        predose=judged["predose"],
        schedule=tuple(judged["schedule"]),
        alerts=tuple(judged["alerts"]),
        missing=tuple(judged["missing"]),
        discharge=judged["discharge"],
        rems=rems,
        problem=problem,
        screening=judged["screening"],
        plan=plan,
        open_critical=tuple(judged["open_critical"]),
        providers=providers,
        dosing_gate=tuple(judged["dosing_gate"]),
        screening_judged=tuple(judged["screening_judged"]),
        screening_lifted_by=judged["screening_lifted_by"],
        chart=chart,
        lots_in_stock=lots,
    )


def session_product(actor: Actor, session_id: int) -> str:
    """The product of the session's course (which fields its chart asks; the write that follows is audited)."""
    user = authorize(actor, "session.chart")
    with reading():
        return str(session_for(user, session_id).course.product)
