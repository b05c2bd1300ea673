"""The demo clinic's site settings, consent documents and consents (synthetic), through the site services.

Called once from ``clinic.demo.ensure_demo_clinic`` after the patients are seeded: the shipped defaults are version
1 (the first dose judged stored them), the clinic's contacts are version 2, each product has the clinic's own
consent text, and every patient whose course has started accepted it before the first dose (witnessed by the
nurse). Patients still in evaluation have no consent yet, so the consent gate shows at their first session.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from ketamine_trd.clinic.accounts.models import Clinic
from ketamine_trd.clinic.records.models import Course, Phase
from ketamine_trd.clinic.selfreport.texts import US_988_CRISIS_TEXT
from ketamine_trd.clinic.site import consent_service, settings_service
from ketamine_trd.clinical.inputs.site import ConsentAcceptanceInput, ConsentDocumentInput, SiteSettingsInput

CONSENT_TEXT = {
    "esketamine-nasal": ("Consent to esketamine nasal spray treatment (synthetic demo text)",
                         "SYNTHETIC DEMO TEXT, not a real consent form. I understand that esketamine nasal spray is "
                         "given at the clinic under observation for at least two hours, that it can cause sedation, "
                         "dissociation and a rise in blood pressure, and that I must not drive until the next day "
                         "after a restful sleep. I may stop treatment at any time."),
    "ketamine-iv": ("Consent to intravenous ketamine treatment (synthetic demo text)",
                    "SYNTHETIC DEMO TEXT, not a real consent form. I understand that ketamine for depression is "
                    "given by infusion at the clinic, that it can cause dissociation, sedation and a rise in blood "
                    "pressure, that it is used off-label for depression, and that I must not drive for the rest "
                    "of the day. I may stop treatment at any time."),
}  # fmt: skip


def seed_site(clinic: Clinic, staff: dict[str, Any], now: dt.datetime) -> None:
    """Settings versions, consent documents and the consents of the demo patients (inside the seeder's write)."""
    admin, nurse, desk = staff["admin"], staff["nurse"], staff["front_desk"]
    settings_service.seed_default(clinic, now, admin)
    values = {**settings_service.current(clinic.pk).values, "clinic_phone": "555-0100",  # type: ignore[union-attr]
              "after_hours_text": "Out of hours, call the on-call psychiatrist at 555-0199 (synthetic).",
              "crisis_text": US_988_CRISIS_TEXT}  # fmt: skip
    settings_service.save_settings(admin, SiteSettingsInput(**values), "clinic contacts (synthetic)", now=now)
    documents = {product: consent_service.publish_document(admin, ConsentDocumentInput(product, *text), now=now)
                 for product, text in CONSENT_TEXT.items()}  # fmt: skip
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    courses = Course.objects.filter(patient__clinic=clinic).exclude(phase=Phase.EVALUATION).select_related("patient")
    for course in courses:
        document = documents.get(course.product)
        if document is None:
            continue
        patient = course.patient
        signed = dt.datetime.combine(course.start_date - dt.timedelta(days=1), dt.time(10, 0), zone)
        data = ConsentAcceptanceInput(document.pk, f"{patient.given_name} {patient.family_name}", nurse.pk,
                                      min(signed, now))  # fmt: skip
        consent_service.record_acceptance(desk, patient.pk, data, now=now)
