"""Site settings (issue 14): versioned, audited, validated by the core's ranges; a change never rewrites the past.
Consent: the first dose needs a current consent or a prescriber's reason. Discharge instructions PDF.
Run on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.records.models import Session
from ketamine_trd.clinic.records.services import session_writes, sessions
from ketamine_trd.clinic.records.services.session_writes import ChecklistInput, DoseInput, VitalsInput
from ketamine_trd.clinic.site import consent_service, settings_service
from ketamine_trd.clinic.site.models import ConsentAcceptance, JudgedUnder, SiteSettingsVersion
from ketamine_trd.clinical.inputs.site import (
    DEFAULT_VALUES,
    ConsentAcceptanceInput,
    ConsentDocumentInput,
    ConsentOverrideInput,
    SiteSettingsInput,
)
from ketamine_trd.errors import InputError
from tests.clinic.builders import make_course, make_eligible, make_patient, make_session, start_induction

PLAN = {"indication": "trd", "sessions": [{"number": n, "dose_mg": 56, "mg_per_kg": None, "phase": "induction"}
                                          for n in (1, 2, 3)]}  # fmt: skip


def _course(people: Any) -> Any:
    patient = make_patient(people.clinic)
    make_eligible(patient, people.prescriber, "esketamine-nasal")
    return start_induction(make_course(patient, phase="evaluation", plan_data=PLAN), people.prescriber)


def _dose(people: Any, session: Session, at: dt.datetime) -> Session:
    session_writes.record_checklist(people.nurse, session.pk, ChecklistInput(
        checked_at=at - dt.timedelta(minutes=20), first_treatment=False, rems_enrolled=True,
        last_food_at=at - dt.timedelta(hours=4), last_liquid_at=at - dt.timedelta(hours=1),
        concomitant_reviewed=True, safe_departure_arranged=True), now=at)  # fmt: skip
    session_writes.add_vitals(people.nurse, session.pk, VitalsInput(at - dt.timedelta(minutes=10), 128, 80, 72, 98,
                              timepoint="predose"), now=at)  # fmt: skip
    return session_writes.record_dose(people.nurse, session.pk, DoseInput(at, Decimal(56), "LOT-1", devices_used=2),
                                      now=at)  # fmt: skip


def _settings(**changes: Any) -> SiteSettingsInput:
    return SiteSettingsInput(**{**DEFAULT_VALUES, **changes})


def test_a_settings_change_leaves_past_verdicts_under_their_old_version(people: Any) -> None:
    course = _course(people)
    first = make_session(course)
    at = first.scheduled_at + dt.timedelta(hours=8)  # inside the shipped 12-hour window
    _dose(people, first, at)
    stamp = JudgedUnder.objects.get(session=first)
    assert stamp.settings_version.number == 1 and stamp.settings_version.shipped_default
    assert stamp.settings_version.values["dose_window_hours"] == "12"

    row = settings_service.save_settings(people.admin, _settings(dose_window_hours="6"), "narrower window",
                                         now=at + dt.timedelta(minutes=5))  # fmt: skip
    assert row.number == 2
    second = make_session(course, scheduled_at=first.scheduled_at + dt.timedelta(days=3))
    later = second.scheduled_at + dt.timedelta(hours=8)
    with pytest.raises(InputError) as refused:  # the new version judges the new dose
        _dose(people, second, later)
    assert refused.value.field == "dosed_at"
    assert Session.objects.get(pk=second.pk).dosed_at is None  # nothing half-saved
    # the past keeps its version: the stamp, the version row and the stored verdict are untouched
    stamp.refresh_from_db()
    assert stamp.settings_version.number == 1
    assert SiteSettingsVersion.objects.get(clinic=people.clinic, number=1).values["dose_window_hours"] == "12"
    assert Session.objects.get(pk=first.pk).dosed_at is not None
    assert AuditEvent.objects.filter(object_type__icontains="sitesettingsversion", action="create").count() == 2


def test_settings_are_validated_by_the_core_and_refused_by_name(people: Any) -> None:
    with pytest.raises(InputError) as error:
        _settings(dose_window_hours="72")
    assert error.value.field == "dose_window_hours"
    with pytest.raises(InputError) as error:
        _settings(closed_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    assert error.value.field == "closed_weekdays"
    with pytest.raises(InputError) as error:
        _settings(time_zone="Mars/Olympus")
    assert error.value.field == "time_zone"
    with pytest.raises(InputError) as error:
        _settings(iv_predose_caution_systolic_mmhg=190)  # above the 180 hold
    assert error.value.field == "iv_predose_caution_systolic_mmhg"


def test_settings_page_shows_sources_and_refuses_bad_input_by_name(people: Any) -> None:
    page = people.client("admin").get("/site/settings/").content.decode()
    assert "acc-aha-2017-htn (shipped default)" in page and "shipped defaults (not yet saved)" in page
    data = {**{k: v for k, v in DEFAULT_VALUES.items() if v is not None}, "dose_plan_tolerance_percent": "150"}
    response = people.client("admin").post("/site/settings/", data)
    assert response.status_code == 422 and "Dose tolerance from the plan" in response.content.decode()
    assert not SiteSettingsVersion.objects.filter(clinic=people.clinic).exists()
    data["dose_plan_tolerance_percent"] = "5"
    assert people.client("admin").post("/site/settings/", data).status_code == 302
    page = people.client("admin").get("/site/settings/").content.decode()
    assert "site decision" in page and "Version 2" in page


def test_only_an_admin_edits_settings(people: Any) -> None:
    assert people.client("nurse").get("/site/settings/").status_code == 200
    assert (
        people.client("nurse")
        .post("/site/settings/", {k: v for k, v in DEFAULT_VALUES.items() if v is not None})
        .status_code
        == 403
    )
    assert people.client("researcher").get("/site/settings/").status_code == 403
    with pytest.raises(Exception, match="may not"):
        settings_service.save_settings(people.nurse, _settings(), "", now=dt.datetime.now(dt.UTC))


def _publish(people: Any, product: str = "esketamine-nasal") -> Any:
    return consent_service.publish_document(people.admin, ConsentDocumentInput(
        product, "Consent to esketamine treatment", "Synthetic demo consent text: risks, benefits, alternatives."),
        now=dt.datetime.now(dt.UTC))  # fmt: skip


def test_first_dose_needs_a_current_consent(people: Any) -> None:
    document = _publish(people)
    course = _course(people)
    session = make_session(course)
    at = session.scheduled_at + dt.timedelta(minutes=30)
    view = sessions.chair_view(people.nurse, session.pk, now=at)
    assert "gate-consent-missing" in [f.rule_id for f in view.dosing_gate]
    page = people.client("nurse").get(f"/sessions/{session.pk}/").content.decode()
    assert "No consent recorded" in page
    with pytest.raises(InputError) as refused:
        _dose(people, session, at)
    assert refused.value.field == "dose_mg" and Session.objects.get(pk=session.pk).dosed_at is None
    patient = course.patient
    with pytest.raises(InputError) as wrong_name:
        consent_service.record_acceptance(people.front_desk, patient.pk, ConsentAcceptanceInput(
            document.pk, "Someone Else", people.nurse.pk, None), now=at)  # fmt: skip
    assert wrong_name.value.field == "typed_name"
    consent_service.record_acceptance(people.front_desk, patient.pk, ConsentAcceptanceInput(
        document.pk, f"{patient.given_name} {patient.family_name}", people.nurse.pk, None), now=at)  # fmt: skip
    assert ConsentAcceptance.objects.get(patient=patient).witness == people.nurse
    _dose(people, session, at)
    assert Session.objects.get(pk=session.pk).dosed_at is not None


def test_a_new_consent_version_is_current_only_once_accepted_and_an_override_needs_a_prescriber(people: Any) -> None:
    first = _publish(people)
    course = _course(people)
    patient = course.patient
    name = f"{patient.given_name} {patient.family_name}"
    now = dt.datetime.now(dt.UTC)
    consent_service.record_acceptance(people.nurse, patient.pk, ConsentAcceptanceInput(first.pk, name,
                                      people.front_desk.pk, None), now=now)  # fmt: skip
    _publish(people)  # version 2: the patient accepted version 1 only
    session = make_session(course)
    assert [f.rule_id for f in consent_service.consent_findings(session)] == ["gate-consent-outdated"]
    with pytest.raises(Exception, match="may not"):
        consent_service.override_consent(people.nurse, course.pk, ConsentOverrideInput("x" * 20), now=now)
    with pytest.raises(InputError) as short:
        ConsentOverrideInput("too short")
    assert short.value.field == "reason"
    consent_service.override_consent(
        people.prescriber, course.pk, ConsentOverrideInput("verbal consent witnessed; form to follow"), now=now
    )
    assert consent_service.consent_findings(session) == ()


def test_bad_consent_form_input_is_a_4xx_naming_the_field(people: Any) -> None:
    document = _publish(people)
    patient = make_patient(people.clinic)
    response = people.client("nurse").post(f"/patients/{patient.pk}/consent/", {
        "document_id": document.pk, "typed_name": "Wrong Person", "witness_id": people.nurse.pk})  # fmt: skip
    assert response.status_code == 422 and "Name typed by the patient" in response.content.decode()
    assert not ConsentAcceptance.objects.exists()
    response = people.client("nurse").post(f"/patients/{patient.pk}/consent/", {
        "document_id": document.pk, "typed_name": f"{patient.given_name} {patient.family_name}",
        "witness_id": people.outsider.pk})  # fmt: skip
    assert response.status_code == 422 and "Witness" in response.content.decode()
    assert people.client("outsider").get(f"/patients/{patient.pk}/consent/").status_code == 404


def test_discharge_instructions_pdf_cites_the_label(people: Any) -> None:
    pypdf = pytest.importorskip("pypdf")
    import io

    settings_service.save_settings(people.admin, _settings(clinic_phone="+1 555 0100"), "contacts",
                                   now=dt.datetime.now(dt.UTC))  # fmt: skip
    session = make_session(_course(people))
    response = people.client("nurse").get(f"/sessions/{session.pk}/discharge-instructions.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "next day after a restful sleep" in text and "S1" in text and "+1 555 0100" in text
    assert people.client("researcher").get(f"/sessions/{session.pk}/discharge-instructions.pdf").status_code == 403


def test_demo_clinic_has_settings_versions_consent_documents_and_consents(db: None) -> None:
    from ketamine_trd.clinic.accounts.models import Clinic
    from ketamine_trd.clinic.demo import DEMO_SLUG, ensure_demo_clinic
    from ketamine_trd.clinic.records.models import Course
    from ketamine_trd.clinic.site.models import ConsentDocument

    ensure_demo_clinic(patients=6)
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    versions = list(SiteSettingsVersion.objects.filter(clinic=clinic).order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[0].shipped_default
    assert versions[1].values["clinic_phone"] == "555-0100"
    assert set(ConsentDocument.objects.filter(clinic=clinic).values_list("product", flat=True)) == {
        "esketamine-nasal", "ketamine-iv"}  # fmt: skip
    started = Course.objects.filter(patient__clinic=clinic).exclude(phase="evaluation")
    consented = set(ConsentAcceptance.objects.values_list("patient_id", flat=True))
    assert started.exists() and {c.patient_id for c in started} <= consented
    assert JudgedUnder.objects.filter(settings_version=versions[0]).exists()  # demo doses judged under v1


def test_site_iv_bp_limits_judge_new_sessions_and_leave_judged_ones_under_their_version(people: Any) -> None:
    from ketamine_trd.clinic.transactions import writing

    patient = make_patient(people.clinic)
    course = make_course(patient, product="ketamine-iv", route="iv", phase="induction")
    now = dt.datetime.now(dt.UTC)
    judged = make_session(course, scheduled_at=now)
    with writing():
        settings_service.stamp(judged, "dose", now)  # judged under version 1, the shipped defaults
    settings_service.save_settings(people.admin, _settings(iv_predose_hold_systolic_mmhg=160), "stricter hold",
                                   now=now)  # fmt: skip
    fresh = make_session(course, scheduled_at=now + dt.timedelta(days=2))
    old_view = sessions.chair_view(people.nurse, judged.pk, now=now)
    new_view = sessions.chair_view(people.nurse, fresh.pk, now=now)
    assert old_view.profile == "iv-ketamine-site-default@3"
    assert new_view.profile == "iv-ketamine-site-default@3+site2"
