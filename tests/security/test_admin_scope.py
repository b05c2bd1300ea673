"""The Django admin site keeps to the admin's clinic and the app's roles, and every read and write is audited.

Findings D4: the demo admin was a superuser, the admin site was not scoped, it read another clinic's patients,
intake and REMS fields with no audit event and created a prescriber in the other clinic outside the chain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.accounts.models import Clinic, User
from ketamine_trd.clinic.admin_scope import ADMIN_PERMISSIONS, grant_admin_permissions
from ketamine_trd.clinic.audit.models import AuditEvent
from ketamine_trd.clinic.audit.service import verify_chain
from ketamine_trd.clinic.records.models import Patient

pytestmark = pytest.mark.django_db


def _patient(clinic: Clinic, mrn: str, family: str) -> Patient:
    now = timezone.now()
    return Patient.objects.create(clinic=clinic, mrn=mrn, given_name="Ada", family_name=family,
                                  date_of_birth=dt.date(1980, 1, 1), created_at=now, updated_at=now)  # fmt: skip


@pytest.fixture
def two_clinics(make_user: Any) -> dict[str, Any]:
    other = Clinic.objects.create(name="Other Clinic", slug="other")
    admin = make_user("admin", username="site-admin", is_staff=True)
    grant_admin_permissions(admin)
    return {
        "admin": admin,
        "other": other,
        "mine": _patient(admin.clinic, "MINE-1", "Homeperson"),
        "theirs": _patient(other, "THEIRS-1", "Secretson"),
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_lists_and_opens_only_its_own_clinic_and_each_read_is_audited(two_clinics: Any) -> None:
    client = _client(two_clinics["admin"])
    before = AuditEvent.objects.count()
    listing = client.get("/admin/records/patient/?q=son")
    assert listing.status_code == 200
    assert b"Homeperson" in listing.content and b"Secretson" not in listing.content
    mine = client.get(f"/admin/records/patient/{two_clinics['mine'].pk}/change/")
    assert mine.status_code == 200 and b"Homeperson" in mine.content
    theirs = client.get(f"/admin/records/patient/{two_clinics['theirs'].pk}/change/", follow=True)
    assert b"Secretson" not in theirs.content
    reads = list(AuditEvent.objects.filter(seq__gt=before, action="read").values_list("object_type", "object_id"))
    assert ("admin.records.patient", "") in reads
    assert ("records.patient", str(two_clinics["mine"].pk)) in reads
    assert str(two_clinics["theirs"].pk) not in {oid for _, oid in reads}
    assert verify_chain().ok


@pytest.mark.parametrize("model", ["intakeresult", "course", "session", "remsrecord"])
def test_the_admin_role_sees_no_clinical_record_the_app_refuses_it(two_clinics: Any, model: str) -> None:
    assert _client(two_clinics["admin"]).get(f"/admin/records/{model}/").status_code == 403


def test_a_user_created_in_the_admin_belongs_to_the_admins_clinic_and_is_audited(two_clinics: Any) -> None:
    client = _client(two_clinics["admin"])
    before = AuditEvent.objects.count()
    secret = "a-long-enough-pass-phrase-91"  # nosec B105 - test fixture
    form = {"username": "rt-temp", "password1": secret, "password2": secret, "role": "prescriber",
            "clinic": str(two_clinics["other"].pk), "usable_password": "true"}  # fmt: skip
    client.post("/admin/accounts/user/add/", form)
    assert not User.objects.filter(clinic=two_clinics["other"]).exists()
    form["clinic"] = str(two_clinics["admin"].clinic_id)
    response = client.post("/admin/accounts/user/add/", form)
    assert response.status_code == 302, response.content[:2000]
    created = User.objects.get(username="rt-temp")
    assert created.clinic_id == two_clinics["admin"].clinic_id and not created.is_superuser
    event = AuditEvent.objects.filter(seq__gt=before, action="create", object_type="accounts.user").get()
    assert event.object_id == str(created.pk) and event.actor_username == "site-admin"
    assert verify_chain().ok


def test_other_clinic_users_are_invisible_and_a_superuser_flag_grants_nothing(two_clinics: Any) -> None:
    stranger = User.objects.create_user("their-nurse", password="x-very-long-password-1", role="nurse",
                                        clinic=two_clinics["other"])  # fmt: skip
    client = _client(two_clinics["admin"])
    assert b"their-nurse" not in client.get("/admin/accounts/user/").content
    assert client.get(f"/admin/accounts/user/{stranger.pk}/change/").status_code == 302  # "does not exist"
    boss = User.objects.create_user("boss", password="x-very-long-password-2", role="prescriber",
                                    clinic=two_clinics["admin"].clinic, is_staff=True, is_superuser=True)  # fmt: skip
    assert _client(boss).get("/admin/records/patient/").status_code == 403  # not the app's admin role
    root = User.objects.create_user("root", password="x-very-long-password-3", role="admin",
                                    clinic=two_clinics["admin"].clinic, is_staff=True, is_superuser=True)  # fmt: skip
    page = _client(root).get("/admin/records/patient/")
    assert page.status_code == 200 and b"Secretson" not in page.content


def test_the_demo_admin_is_no_superuser_and_has_the_roles_explicit_permissions() -> None:
    from ketamine_trd.clinic.demo import ensure_demo_clinic

    ensure_demo_clinic(patients=2)
    admin = User.objects.get(role="admin", clinic__slug="demo")
    assert admin.is_staff and not admin.is_superuser
    assert admin.get_all_permissions() == set(ADMIN_PERMISSIONS)
    assert not User.objects.filter(is_superuser=True).exists()
    assert _client(admin).get("/admin/records/patient/").status_code == 200
