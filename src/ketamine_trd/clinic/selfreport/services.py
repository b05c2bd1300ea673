"""Use cases of patient self-report: issue, send, revoke a link; a patient opens it, proves who they are, answers.

Staff functions authorize like score entry (``measurement.enter``). Patient functions take the request (an
anonymous actor: its address goes to the audit trail) and the token; they reach exactly one patient through the
link and nothing else of the record. Answers are scored by ``clinical.instruments`` and raise the same alerts
and follow-ups as staff-entered scores (``measurement.services``), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.measurement import services as measurement
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinic.records.interface import Course, Patient, patient_for
from ketamine_trd.clinic.selfreport import texts
from ketamine_trd.clinic.selfreport.models import Channel, PatientReport, ReportLink
from ketamine_trd.clinic.selfreport.tokens import new_token, token_hash, well_formed
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical import instruments, self_report
from ketamine_trd.clinical.inputs.measurement import AssessmentInput
from ketamine_trd.errors import ConflictError, InputError, NotFoundError

#: wrong dates of birth before a link locks (site decision; OWASP ASVS 4.0 V2.2.1 asks for a limit, not a number)
MAX_IDENTITY_CHECKS = 5
TABLET_MINUTES = 30  # a tablet unlock lasts this long (site decision)


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A new link and its token: the token exists only here and in the message sent; never stored."""

    link: ReportLink
    token: str


@dataclass(frozen=True, slots=True)
class LinkState:
    """What a patient's token opens: ``status`` ``ok`` or why not (``invalid``, ``used``, ``expired``, ...)."""

    status: str
    link: ReportLink | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    """What the patient sees after sending: crisis text when an answer raised a safety alert; when it is read."""

    safety_positive: bool
    crisis_text: str
    review_text: str
    assessments: tuple[Assessment, ...]


def _staff_patient(actor: Actor, patient_id: int) -> Any:
    return patient_for(authorize(actor, "measurement.enter"), patient_id)


def issue_link(
    actor: Actor,
    patient_id: int,
    instrument_ids: Sequence[str],
    *,
    now: dt.datetime,
    email: str = "",
    base_url: str = "",
    reason: str = "staff",
    course_id: int | None = None,
    channel: str = str(Channel.LINK),
) -> IssuedLink:
    """Create a single-use, expiring link for one patient and one questionnaire set; e-mail it when ``email``."""
    patient = _staff_patient(actor, patient_id)
    return create_link(actor, patient, instrument_ids, now=now, email=email, base_url=base_url, reason=reason,
                       course_id=course_id, channel=channel)  # fmt: skip


def create_link(
    actor: Actor | None,
    patient: Any,
    instrument_ids: Sequence[str],
    *,
    now: dt.datetime,
    email: str = "",
    base_url: str = "",
    reason: str = "staff",
    course_id: int | None = None,
    channel: str = str(Channel.LINK),
) -> IssuedLink:
    """:func:`issue_link` for a patient already authorized (or for the schedule: ``actor`` None, the system)."""
    settings = texts.settings_for(patient.clinic_id)
    wanted = tuple(dict.fromkeys(str(i) for i in instrument_ids))
    if not wanted:
        raise InputError("instrument_ids", "", "at least one questionnaire")
    for instrument_id in wanted:
        instruments.get(instrument_id)  # unknown -> UnknownTermError naming it
    offered = texts.offered_ids(settings, wanted)
    if offered != wanted:
        refused = ", ".join(sorted(set(wanted) - set(offered)))
        raise InputError(
            "instrument_ids", refused, "PHQ-9, PHQ-2, GAD-7, or an instrument with the clinic's licensed text"
        )
    course = Course.objects.filter(pk=course_id, patient=patient).first() if course_id else None
    if course_id and course is None:
        raise InputError("course_id", course_id, "a course of this patient")
    token = new_token()
    hours = TABLET_MINUTES / 60 if channel == Channel.TABLET else settings.link_hours
    with writing():
        link = ReportLink.objects.create(
            patient=patient,
            course=course,
            token_hash=token_hash(token),
            instrument_ids=list(wanted),
            channel=channel,
            reason=reason[:80],
            created_by=getattr(actor, "user", actor) if getattr(getattr(actor, "user", actor), "pk", None) else None,
            created_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        record(actor, "create", obj=link, patient_id=patient.pk, detail=f"self-report {channel} {','.join(wanted)}")
        if email:
            _send(actor, link, token, email, base_url=base_url, now=now)
    return IssuedLink(link, token)


def link_path(token: str) -> str:
    """The patient's address (no patient data in it: only the token)."""
    return f"/r/{token}/"


def _send(actor: Actor, link: ReportLink, token: str, email: str, *, base_url: str, now: dt.datetime) -> None:
    url = f"{base_url.rstrip('/')}{link_path(token)}"
    send_mail(
        subject="Your clinic asks you to fill in a short questionnaire",
        message=(
            "Your clinic asks you to answer a few questions before your next visit.\n\n"
            f"Open this link: {url}\n\nIt works once and until {link.expires_at:%Y-%m-%d %H:%M} UTC. "
            "You will be asked for your date of birth first.\n\n"
            + texts.settings_for(link.patient.clinic_id).review_text
        ),
        from_email=None,
        recipient_list=[email],
    )
    link.sent_to, link.sent_at = email, now
    link.save(update_fields=["sent_to", "sent_at"])
    record(
        actor,
        "update",
        obj=link,
        patient_id=link.patient_id,
        changed_fields=("sent_at",),
        detail="self-report link e-mailed",
    )


def revoke_link(actor: Actor, link_id: int, *, now: dt.datetime) -> ReportLink:
    """Revoke a link that was not used yet (staff of the patient's clinic)."""
    user = authorize(actor, "measurement.enter")
    with writing():
        link = ReportLink.objects.select_for_update().filter(pk=link_id, patient__clinic_id=user.clinic_id).first()
        if link is None:
            raise NotFoundError(f"self-report link {link_id} not found")
        if link.used_at is None and link.revoked_at is None:
            link.revoked_at = now
            link.save(update_fields=["revoked_at"])
            record(actor, "update", obj=link, patient_id=link.patient_id, changed_fields=("revoked_at",))
    return link


def status_of(link: ReportLink, now: dt.datetime) -> str:
    """``used``, ``revoked``, ``locked``, ``expired`` or ``pending``."""
    if link.used_at:
        return "used"
    if link.revoked_at:
        return "revoked"
    if link.locked_at:
        return "locked"
    if link.expires_at <= now:
        return "expired"
    return "pending"


def api_status(link: ReportLink, now: dt.datetime) -> str:
    """:func:`status_of`, with a pending link that was e-mailed called ``sent`` (the API's vocabulary)."""
    status = status_of(link, now)
    return "sent" if status == "pending" and link.sent_at else status


def get_link(actor: Actor, link_id: int) -> ReportLink:
    """One link of the actor's clinic (another clinic's, or none: ``NotFoundError``), audited as a read."""
    user = authorize(actor, "measurement.view")
    link = ReportLink.objects.for_clinic(user.clinic_id).filter(pk=link_id).first()
    if link is None:
        raise NotFoundError(f"self-report link {link_id} not found")
    record(actor, "read", obj=link, patient_id=link.patient_id, detail="self-report link status")
    return link


def links_for_patient(actor: Actor, patient_id: int) -> tuple[Any, list[ReportLink]]:
    """The patient and their links, newest first (audited as a read)."""
    patient = patient_for(authorize(actor, "measurement.view"), patient_id)
    links = list(ReportLink.objects.filter(patient=patient).prefetch_related("reports__assessment"))
    record(actor, "read", object_type="selfreport_link_list", patient_id=patient.pk)
    return patient, links


# --- the patient's side -------------------------------------------------------------------------------------


def open_link(request: Any, token: str, *, now: dt.datetime) -> LinkState:
    """Look a token up by its hash; audited (a token that matches nothing is audited as denied)."""
    link = None
    if well_formed(token):
        link = ReportLink.objects.select_related("patient").filter(token_hash=token_hash(token)).first()
    if link is None:
        record(request, "denied", outcome="denied", detail="self-report token matches no link")
        return LinkState("invalid")
    status = status_of(link, now)
    record(request, "read", obj=link, patient_id=link.patient_id, detail=f"self-report link opened ({status})")
    return LinkState("ok" if status == "pending" else status, link)


def check_identity(request: Any, token: str, date_of_birth: dt.date, *, now: dt.datetime) -> LinkState:
    """Compare the date of birth; a wrong one counts, ``MAX_IDENTITY_CHECKS`` of them lock the link (audited)."""
    if not well_formed(token):
        return LinkState("invalid")
    with writing():
        link = ReportLink.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        if link is None:
            record(request, "denied", outcome="denied", detail="self-report token matches no link")
            return LinkState("invalid")
        status = status_of(link, now)
        if status != "pending":
            return LinkState(status, link)
        patient = Patient.objects.get(pk=link.patient_id)
        if patient.date_of_birth != date_of_birth:
            link.failed_checks += 1
            fields = ["failed_checks"]
            if link.failed_checks >= MAX_IDENTITY_CHECKS:
                link.locked_at = now
                fields.append("locked_at")
            link.save(update_fields=fields)
            record(request, "denied", outcome="denied", obj=link, patient_id=link.patient_id,
                   detail=f"self-report identity check failed ({link.failed_checks})")  # fmt: skip
            return LinkState("locked" if link.locked_at else "wrong", link)
        link.verified_at = now
        link.save(update_fields=["verified_at"])
        record(request, "update", obj=link, patient_id=link.patient_id, changed_fields=("verified_at",),
               detail="self-report identity confirmed")  # fmt: skip
    return LinkState("ok", link)


def questionnaire(link: ReportLink) -> list[self_report.PatientText]:
    """The texts of the link's instruments, in order (the clinic's licensed text where not built in)."""
    known = texts.licensed(texts.settings_for(link.patient.clinic_id))
    return [self_report.patient_text(i, known) for i in link.instrument_ids]


def submit(
    request: Any, link_id: int, answers: Mapping[str, Mapping[str, int | None]], *, now: dt.datetime
) -> Submitted:
    """Score and save every instrument of the link as patient-reported; the link is used up in the same write.

    A link used already (a replayed form, or the second of two submissions at once) is refused with
    ``ConflictError`` and nothing of the second is saved: the row lock, and under it the unique constraint
    ``selfrep_one_report_per_link_instrument``, keep only one.
    """
    with writing():
        link = ReportLink.objects.select_for_update().select_related("patient").filter(pk=link_id).first()
        if link is None or status_of(link, now) != "pending" or link.verified_at is None:
            record(request, "denied", outcome="denied", patient_id=getattr(link, "patient_id", None),
                   detail="self-report submission refused (link not open)")  # fmt: skip
            raise ConflictError("this questionnaire link was used already or is no longer valid")
        saved, safety = [], False
        try:
            for instrument_id in link.instrument_ids:
                given = dict(answers.get(instrument_id, {}))
                assessment = _record(request, link, instrument_id, given, now=now)
                saved.append(assessment)
                safety = safety or self_report.is_safety_positive(instrument_id, given)
        except IntegrityError:
            raise ConflictError("this questionnaire link was used already") from None
        link.used_at, link.safety_positive = now, safety
        link.save(update_fields=["used_at", "safety_positive"])
        record(request, "update", obj=link, patient_id=link.patient_id, changed_fields=("used_at",),
               detail="self-report submitted")  # fmt: skip
        settings = texts.settings_for(link.patient.clinic_id)
    return Submitted(safety, texts.crisis_text_for(link.patient.clinic_id), settings.review_text, tuple(saved))


def _record(request: Any, link: ReportLink, instrument_id: str, answers: dict[str, int | None],
            *, now: dt.datetime) -> Assessment:  # fmt: skip
    """The score-entry path of ``measurement.services.record_assessment``, entered by the patient (no user)."""
    data = AssessmentInput(instrument_id=instrument_id, answers=answers, administered_at=None,
                           course_id=link.course_id, session_id=None).stamped(now)  # fmt: skip
    instrument = instruments.get(data.instrument_id)
    result = instruments.score(instrument.id, data.answers)
    patient = link.patient
    assessment = measurement.store_scored(patient, link.course, None, instrument, result,
                                          administered_at=data.administered_at, entered_by=None, now=now)  # fmt: skip
    PatientReport.objects.create(link=link, assessment=assessment, instrument_id=instrument.id,
                                 channel=link.channel, submitted_at=now)  # fmt: skip
    record(request, "create", obj=assessment, patient_id=patient.pk,
           detail=f"assessment {instrument.id} patient-reported via {link.channel}")  # fmt: skip
    measurement._close_due(request, None, patient, assessment, now=now)
    measurement.raise_assessment_alerts(patient, assessment, result, now=now, actor=request)
    if assessment.total is not None:
        measurement.refresh_patient_alerts(request, patient, now=now, instrument_ids=(instrument.id,))
    return assessment


# --- the waiting-room tablet --------------------------------------------------------------------------------


def unlock_tablet(
    request: Any, patient_id: int, instrument_ids: Sequence[str], password: str, *, now: dt.datetime
) -> IssuedLink:
    """A staff member who re-entered their password hands the device to one patient (identity checked in person)."""
    user = authorize(request, "measurement.enter")
    if not password or not user.check_password(password):
        record(request, "denied", outcome="denied", detail="tablet unlock: password did not match")
        raise InputError("password", "", "your own password", reason="does not match")
    issued = issue_link(request, patient_id, instrument_ids, now=now, reason="tablet", channel=str(Channel.TABLET))
    with writing():
        ReportLink.objects.filter(pk=issued.link.pk).update(verified_at=now)
    issued.link.verified_at = now
    return issued
