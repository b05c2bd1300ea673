"""FHIR export of a patient-reported assessment: the Patient is the Observations' performer and the source."""

from __future__ import annotations

import dataclasses

from ketamine_trd.interop.fhir.ids import Ids
from ketamine_trd.interop.fhir.scores import assessment_resources
from ketamine_trd.interop.fhir.validate import problems
from tests.interop.builders import assessment

PATIENT = "urn:uuid:p"


def test_patient_reported_answers_name_the_patient_as_performer_and_source() -> None:
    staff = assessment("1", "phq9", [1] * 9)
    patient = dataclasses.replace(staff, reported_via="link")
    out = assessment_resources(patient, Ids("x"), PATIENT)
    response = next(r for r in out if r["resourceType"] == "QuestionnaireResponse")
    observations = [r for r in out if r["resourceType"] == "Observation"]
    assert response["source"] == {"reference": PATIENT}
    assert observations and all(o["performer"] == [{"reference": PATIENT}] for o in observations)
    assert all(problems(r) == () for r in out)
    # a staff-entered one names neither (the exported bundle of staff scores is unchanged)
    plain = assessment_resources(staff, Ids("x"), PATIENT)
    assert not any("performer" in r or "source" in r for r in plain)
