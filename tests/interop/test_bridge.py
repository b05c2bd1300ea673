"""The clinic side: export a seeded patient, import into an empty clinic, compare; idempotency; rejections."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from ketamine_trd.clinic import fhir_bridge
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.records.models import Patient
from ketamine_trd.errors import NotFoundError, PermissionDenied
from ketamine_trd.interop.fhir.validate import validate_bundle
from tests.interop.builders import codes, resources
from tests.interop.conftest import NOW, Clinics

pytestmark = pytest.mark.django_db


def _rows(patient: Patient) -> list[tuple[Any, ...]]:
    return [
        (a.instrument_id, a.administered_at, dict(a.item_values), a.total, a.severity, a.risk, a.prorated)
        for a in Assessment.objects.filter(patient=patient).order_by("administered_at", "instrument_id")
    ]


def test_export_of_a_seeded_patient_validates_and_is_audited(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    validate_bundle(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds >= {"Patient", "CarePlan", "Encounter", "MedicationAdministration", "AdverseEvent",
                     "QuestionnaireResponse", "Questionnaire", "Observation"}  # fmt: skip
    (ma,) = resources(bundle, "MedicationAdministration")
    assert ma["contained"][0]["batch"]["lotNumber"] == "LOT-1" and ma["dosage"]["dose"]["value"] == 35
    assert AuditEvent.objects.filter(action="export", patient_id=str(clinics.patient.pk)).exists()
    moaas = next(o for o in resources(bundle, "Observation") if "moaas.total" in codes(o))
    assert moaas["valueQuantity"]["value"] == 4


def test_round_trip_into_an_empty_clinic(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    assert report.counts["rejected"] == 0, report.by_outcome("rejected")
    assert report.counts["created"] == 5  # the patient and four assessments
    copy_ = Patient.objects.get(clinic=clinics.empty, mrn="MRN-7")
    original = clinics.patient
    assert (copy_.given_name, copy_.family_name, copy_.date_of_birth, copy_.sex) == (
        original.given_name, original.family_name, original.date_of_birth, original.sex,
    )  # fmt: skip
    assert _rows(copy_) == _rows(original)
    # the copy exports the same scores again
    again = fhir_bridge.export_patient(clinics.empty_nurse, "MRN-7", now=NOW)
    totals = sorted(o["valueQuantity"]["value"] for o in resources(again, "Observation") if "44261-6" in codes(o))
    assert totals == [10]


def test_re_import_creates_no_duplicates(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    count = Assessment.objects.count()
    second = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    assert (second.counts["created"], second.counts["updated"], second.counts["unchanged"]) == (0, 0, 5)
    assert Assessment.objects.count() == count
    # re-importing into the clinic that exported it matches its own assessments too
    home = fhir_bridge.import_bundle(clinics.nurse, bundle, now=NOW)
    assert home.counts["created"] == 0 and home.counts["unchanged"] == 5


def test_changed_answers_under_the_same_identifier_update_the_assessment(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    changed = copy.deepcopy(bundle)
    qr = next(r for r in resources(changed, "QuestionnaireResponse") if r["questionnaire"].endswith("/phq9"))
    qr["item"][8]["answer"][0]["valueCoding"] = {"system": "http://loinc.org", "code": "LA6569-3"}  # item 9 -> 1
    for obs in resources(changed, "Observation"):
        if "44261-6" in codes(obs):
            obs["valueQuantity"]["value"] = 11
    report = fhir_bridge.import_bundle(clinics.empty_nurse, changed, now=NOW)
    assert report.counts["updated"] == 1 and report.counts["created"] == 0
    copy_ = Patient.objects.get(clinic=clinics.empty, mrn="MRN-7")
    phq9 = Assessment.objects.get(patient=copy_, instrument_id="phq9")
    assert phq9.total == Decimal(11) and phq9.item_values["q9"] == 1
    # the safety workflow fires on import as on entry (PHQ-9 item 9 > 0, kroenke-2001)
    assert Alert.objects.filter(patient=copy_, kind="suicide_item").exists()


def test_dry_run_keeps_nothing(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW, dry_run=True)
    assert report.dry_run and report.counts["created"] == 5
    assert not Patient.objects.filter(clinic=clinics.empty).exists()


def test_unknown_patient_and_bad_entries_are_rejected_and_nothing_partly_imported(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    patient_entry = bundle["entry"][0]
    assert patient_entry["resource"]["resourceType"] == "Patient"
    bundle["entry"] = bundle["entry"][1:]  # no Patient: the empty clinic cannot match the subject
    qr = next(r for r in resources(bundle, "QuestionnaireResponse") if r["questionnaire"].endswith("/gad7"))
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    assert report.counts["created"] == 0 and report.counts["rejected"] == 4
    assert all("unknown patient" in e.reasons[0] for e in report.by_outcome("rejected"))
    assert not Assessment.objects.filter(patient__clinic=clinics.empty).exists()
    # with the Patient back but one out-of-range answer, only that response is refused
    qr["item"][0]["answer"] = [{"valueInteger": 9}]
    bundle["entry"].insert(0, patient_entry)
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    (rejected,) = report.by_outcome("rejected")
    assert "gad7.q1" in rejected.reasons[0]
    copy_ = Patient.objects.get(clinic=clinics.empty, mrn="MRN-7")
    assert sorted(Assessment.objects.filter(patient=copy_).values_list("instrument_id", flat=True)) == [
        "cssrs-screener", "madrs", "phq9",
    ]  # fmt: skip


def test_a_conflicting_assessment_at_the_same_time_is_rejected(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    qr = next(r for r in resources(bundle, "QuestionnaireResponse") if r["questionnaire"].endswith("/madrs"))
    qr["identifier"]["value"] = "another-id"
    qr["item"][0]["answer"][0]["valueCoding"]["extension"][0]["valueDecimal"] = 0
    total = next(o for o in resources(bundle, "Observation") if "madrs.total" in codes(o))
    total["valueQuantity"]["value"] = 13  # consistent with the changed answers
    report = fhir_bridge.import_bundle(clinics.nurse, bundle, now=NOW)
    (rejected,) = report.by_outcome("rejected")
    assert "conflict" in rejected.reasons[0]


def test_roles_and_scope(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.prescriber, "MRN-7", now=NOW)
    for who in ("researcher", "front_desk"):
        with pytest.raises(PermissionDenied):
            fhir_bridge.export_patient(getattr(clinics, who), "MRN-7", now=NOW)
        with pytest.raises(PermissionDenied):
            fhir_bridge.import_bundle(getattr(clinics, who), bundle, now=NOW)
    with pytest.raises(PermissionDenied):  # admins import (data migration) but do not read clinical records
        fhir_bridge.export_patient(clinics.admin, "MRN-7", now=NOW)
    assert AuditEvent.objects.filter(action="denied", outcome="denied").count() == 5
    with pytest.raises(NotFoundError):
        fhir_bridge.export_patient(clinics.empty_nurse, "MRN-7", now=NOW)
    assert fhir_bridge.import_bundle(clinics.admin, bundle, now=NOW).counts["unchanged"] == 5


def test_export_of_the_whole_clinic(clinics: Clinics) -> None:
    from tests.clinic.builders import make_patient

    make_patient(clinics.home, mrn="MRN-8")
    bundle = fhir_bridge.export_clinic(None, now=NOW, clinic=clinics.home)
    assert sorted(p["identifier"][0]["value"] for p in resources(bundle, "Patient")) == ["MRN-7", "MRN-8"]


def test_an_ehr_phq9_is_matched_by_mrn_and_raises_the_safety_alert(clinics: Clinics) -> None:
    """A PHQ-9 from another system (LOINC questionnaire, linkIds, answer codes; subject by MRN identifier) becomes
    an assessment of the existing patient; item 9 > 0 raises the suicide-item alert (kroenke-2001)."""
    from tests.interop.test_parse import ehr_phq9, wrap

    subject = {"identifier": {"system": "urn:oid:1.2.3", "value": "MRN-7"}}
    bundle = wrap(ehr_phq9([1, 1, 1, 1, 1, 1, 1, 1, 2], subject=subject))
    report = fhir_bridge.import_bundle(clinics.prescriber, bundle, now=NOW, mrn_system="urn:oid:1.2.3")
    assert report.counts["created"] == 1, report.entries
    imported = Assessment.objects.get(pk=report.by_outcome("created")[0].target)
    assert (imported.patient_id, imported.total, imported.item_values["q9"]) == (clinics.patient.pk, Decimal(10), 2)
    assert imported.administered_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert Alert.objects.filter(patient=clinics.patient, kind="suicide_item", assessment=imported).exists()
    again = fhir_bridge.import_bundle(clinics.prescriber, bundle, now=NOW, mrn_system="urn:oid:1.2.3")
    assert again.counts["unchanged"] == 1


def test_responses_without_identity_are_matched_on_patient_instrument_and_time(clinics: Clinics) -> None:
    """An anonymous Bundle (no meta.source) with bare ids: no key, so two responses sharing an id stay two."""
    from tests.interop.test_parse import ehr_phq9, wrap

    subject = {"identifier": {"system": "urn:oid:1.2.3", "value": "MRN-7"}}
    first = ehr_phq9([0] * 9, subject=subject, authored="2026-03-05T10:00:00Z")
    second = ehr_phq9([1] * 9, subject=subject, authored="2026-03-06T10:00:00Z")
    for qr in (first, second):
        del qr["identifier"]
    report = fhir_bridge.import_bundle(clinics.nurse, wrap(first, second), now=NOW)
    assert report.counts["created"] == 2, report.entries
    again = fhir_bridge.import_bundle(clinics.nurse, wrap(first, second), now=NOW)
    assert again.counts["unchanged"] == 2


def test_a_new_patient_with_an_overlong_mrn_is_rejected_not_truncated(clinics: Clinics) -> None:
    bundle = fhir_bridge.export_patient(clinics.nurse, "MRN-7", now=NOW)
    patient = resources(bundle, "Patient")[0]
    patient["identifier"][0]["value"] = "M" * 41
    report = fhir_bridge.import_bundle(clinics.empty_nurse, bundle, now=NOW)
    patient_entry = next(e for e in report.entries if e.resource_type == "Patient")
    assert patient_entry.outcome == "rejected" and "mrn" in patient_entry.reasons[0]
    assert "1 to 40" in patient_entry.reasons[0]
    assert not Patient.objects.filter(clinic=clinics.empty).exists()
    assert report.counts["created"] == 0  # its assessments have no patient to belong to
