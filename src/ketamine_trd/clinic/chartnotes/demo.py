"""The demo clinic's chart: medications, allergies, problems and signed notes for a few synthetic patients.

Written through the services (so every row has its audit event), inside the demo's own write transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketamine_trd.clinic.chartnotes import services
from ketamine_trd.clinic.records.interface import Patient, Session
from ketamine_trd.clinical.inputs.chart import AddendumInput, AllergyInput, MedicationInput, NoteInput, ProblemInput

__all__ = ["seed_chart"]

_MEDICATIONS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Sertraline", "150 mg each morning"), ("Lorazepam", "0.5 mg at night as needed"), ("Flonase", "1 spray daily")),
    (("Venlafaxine XR", "225 mg daily"), ("Adderall XR", "20 mg each morning")),
    (("Bupropion", "300 mg daily"), ("Zolpidem", "5 mg at night")),
    (("Escitalopram", "20 mg daily"), ("Lamotrigine", "100 mg daily")),
    (("Phenelzine", "45 mg daily"),),
    (("Duloxetine", "60 mg daily"), ("Tramadol", "50 mg as needed")),
)
_ALLERGIES = (("Penicillin", "rash", "moderate"), ("Latex", "hives", "mild"), ("Morphine", "vomiting", "unknown"))
_PROBLEMS = ("Major depressive disorder, recurrent, severe (synthetic)", "Hypertension, treated (synthetic)")


def seed_chart(clinic: Any, staff: dict[str, Any], now: dt.datetime, *, patients: int = 6) -> None:
    """Lists and notes for the first ``patients`` demo patients (synthetic text, labelled so)."""
    nurse, prescriber = staff["nurse"], staff["prescriber"]
    for i, patient in enumerate(Patient.objects.filter(clinic=clinic).order_by("mrn")[:patients]):
        for name, dose in _MEDICATIONS[i % len(_MEDICATIONS)]:
            data = MedicationInput(name=name, dose_text=dose, started_on=now.date() - dt.timedelta(days=200 + i))
            services.add_medication(nurse, patient.pk, data, now=now)
        if i % 2 == 0:
            substance, reaction, severity = _ALLERGIES[(i // 2) % len(_ALLERGIES)]
            allergy = AllergyInput(substance=substance, reaction=reaction, severity=severity)
            services.add_allergy(nurse, patient.pk, allergy, now=now)
        services.add_problem(nurse, patient.pk, ProblemInput(description=_PROBLEMS[i % 2]), now=now)
        _notes(patient, nurse, prescriber, now, addendum=i == 0)


def _notes(patient: Any, nurse: Any, prescriber: Any, now: dt.datetime, *, addendum: bool) -> None:
    visit = NoteInput(
        kind="visit",
        subjective="Low mood for most of the past two weeks; sleeping poorly (synthetic).",
        objective="Alert, cooperative; affect restricted; no psychotic features (synthetic).",
        assessment="Treatment-resistant depression; ketamine-class treatment discussed (synthetic).",
        plan="Continue the current antidepressant; review the screening at the next visit (synthetic).",
    )
    note = services.create_note(prescriber, patient.pk, visit, now=now - dt.timedelta(days=3))
    services.sign_note(prescriber, note.pk, now=now - dt.timedelta(days=3))
    if addendum:
        text = "Patient telephoned: sleeping better since the visit (synthetic)."
        services.add_addendum(prescriber, note.pk, AddendumInput(text=text), now=now - dt.timedelta(days=2))
    session = Session.objects.filter(patient=patient, dosed_at__isnull=False).order_by("-scheduled_at").first()
    if session is None:
        return
    session_note = NoteInput(
        kind="session",
        subjective="Tolerated the dose; mild dissociation that settled within the hour (synthetic).",
        objective="Vital signs within the profile's limits through monitoring (synthetic).",
        plan="Next session as planned (synthetic).",
    )
    at = max(session.dosed_at, now - dt.timedelta(days=1))
    snote = services.create_note(nurse, patient.pk, session_note, now=at, session_id=session.pk)
    services.sign_note(nurse, snote.pk, now=at)
