"""Patients: register with explicit units, duplicate MRN, search, allow/deny per role, nothing half-saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.records.models import Patient
from ketamine_trd.clinic.records.quantities import parse_quantity
from ketamine_trd.clinic.records.services.patients import PatientInput, register_patient, search_patients
from ketamine_trd.errors import ConflictError, InputError, PermissionDenied, UnitError
from tests.clinic.builders import make_patient

FORM = {
    "mrn": "A-1001",
    "given_name": "Robin",
    "family_name": "Ashe",
    "date_of_birth": "1979-03-02",
    "sex": "female",
    "weight": "68",
    "weight_unit": "kg",
    "height": "165",
    "height_unit": "cm",
}


def test_register_in_kilograms_stores_kilograms(people) -> None:  # type: ignore[no-untyped-def]
    response = people.client("front_desk").post("/patients/new/", FORM)
    assert response.status_code == 302
    patient = Patient.objects.get(mrn="A-1001")
    assert (patient.weight_kg, patient.height_cm, patient.clinic_id) == (
        Decimal("68.0"),
        Decimal("165.0"),
        people.clinic.pk,
    )
    assert AuditEvent.objects.filter(action="create", object_id=str(patient.pk)).exists()


def test_pounds_and_inches_only_when_chosen_are_converted(people) -> None:  # type: ignore[no-untyped-def]
    form = FORM | {"weight": "150", "weight_unit": "lb", "height": "65", "height_unit": "in"}
    assert people.client("nurse").post("/patients/new/", form).status_code == 302
    patient = Patient.objects.get(mrn="A-1001")
    assert patient.weight_kg == Decimal("68.0")  # 150 x 0.45359237 = 68.04
    assert patient.height_cm == Decimal("165.1")  # 65 x 2.54


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        ({"weight": "0"}, "Weight", "30 to 300 kg"),  # a page names a field by its label
        ({"weight": "180 lb"}, "Weight", "a number in kg"),
        ({"height": "5.5 ft"}, "Height", "a number in cm"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "a date not after today"),
        ({"mrn": "bad mrn!"}, "mrn", "letters, digits"),
    ],
)
def test_bad_input_names_the_field_and_the_allowed_range_and_saves_nothing(people, change, field, allowed) -> None:  # type: ignore[no-untyped-def]
    response = people.client("front_desk").post("/patients/new/", FORM | change)
    assert response.status_code == 422
    text = response.content.decode()
    assert field in text and allowed in text
    assert not Patient.objects.exists()


def test_duplicate_mrn_in_the_same_clinic_is_refused(people) -> None:  # type: ignore[no-untyped-def]
    make_patient(people.clinic, mrn="A-1001")
    response = people.client("front_desk").post("/patients/new/", FORM)
    assert response.status_code == 422
    assert "mrn" in response.content.decode() and "already registered" in response.content.decode()
    assert Patient.objects.filter(mrn="A-1001").count() == 1


def test_same_mrn_in_another_clinic_is_allowed(people) -> None:  # type: ignore[no-untyped-def]
    make_patient(people.outsider.clinic, mrn="A-1001")
    assert people.client("front_desk").post("/patients/new/", FORM).status_code == 302


def test_service_refuses_duplicate_with_conflict(people) -> None:  # type: ignore[no-untyped-def]
    data = PatientInput("Z9", "Kim", "Lee", dt.date(1990, 1, 1))
    register_patient(people.nurse, data, now=timezone.now())
    with pytest.raises(ConflictError, match="mrn"):
        register_patient(people.nurse, data, now=timezone.now())


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_roles_without_the_right_cannot_register(people, role) -> None:  # type: ignore[no-untyped-def]
    assert people.client(role).post("/patients/new/", FORM).status_code == 403
    with pytest.raises(PermissionDenied):
        register_patient(
            getattr(people, role), PatientInput("Z9", "Kim", "Lee", dt.date(1990, 1, 1)), now=timezone.now()
        )
    assert not Patient.objects.exists()


def test_anonymous_is_sent_to_login(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/patients/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_search_finds_by_prefix_within_the_clinic_only(people) -> None:  # type: ignore[no-untyped-def]
    mine = make_patient(people.clinic, family_name="Okafor")
    make_patient(people.outsider.clinic, family_name="Okafor")
    found = search_patients(people.front_desk, "oka", now=timezone.now())
    assert [p.pk for p in found] == [mine.pk]
    page = people.client("nurse").get("/patients/?q=Oka")
    assert page.status_code == 200 and b"Okafor" in page.content


def test_patient_page_of_another_clinic_is_not_found(people) -> None:  # type: ignore[no-untyped-def]
    theirs = make_patient(people.outsider.clinic)
    assert people.client("prescriber").get(f"/patients/{theirs.pk}/").status_code == 404


def test_patient_page_reads_are_audited_and_researchers_are_denied(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    assert people.client("nurse").get(f"/patients/{patient.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="read", patient_id=str(patient.pk)).exists()
    assert people.client("researcher").get(f"/patients/{patient.pk}/").status_code == 403


def test_patient_list_query_count_does_not_grow_with_patients(people, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        make_patient(people.clinic)
    client = people.client("front_desk")
    # 17: the page's reads, its audit entry and the session's queued save (savepoints inside the test's transaction)
    with django_assert_max_num_queries(17):
        assert client.get("/patients/").status_code == 200


@settings(max_examples=40, deadline=None)
@given(st.decimals(min_value=30, max_value=300, places=1))
def test_kilograms_round_trip_unchanged(value: Decimal) -> None:
    assert parse_quantity("weight_kg", str(value), "kg") == value


@settings(max_examples=40, deadline=None)
@given(st.decimals(min_value=67, max_value=660, places=1))
def test_pounds_convert_within_rounding(value: Decimal) -> None:
    kg = parse_quantity("weight_kg", str(value), "lb")
    assert abs(kg - value * Decimal("0.45359237")) <= Decimal("0.05")


@pytest.mark.parametrize("raw", ["180 lb", "180lbs", "70 pounds"])
def test_a_unit_typed_into_a_kilogram_field_is_refused(raw: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_quantity("weight_kg", raw, "kg")
    assert caught.value.field == "weight_kg"


def test_weight_zero_is_refused_with_the_range() -> None:
    with pytest.raises(InputError, match="30 to 300 kg"):
        parse_quantity("weight_kg", "0", "kg")
