"""Personas for the clinic tests: a clinic with one user per role, and an outsider from another clinic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from ketamine_trd.clinic.accounts.models import Clinic, User
from tests.clinic.builders import make_clinic, make_user


@dataclass
class Personas:
    clinic: Clinic
    prescriber: User
    nurse: User
    front_desk: User
    researcher: User
    admin: User
    outsider: User

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client


@pytest.fixture
def people(db: None) -> Personas:
    clinic = make_clinic(name="Harbour Clinic")
    other = make_clinic(name="Other Clinic")
    return Personas(
        clinic=clinic,
        prescriber=make_user("prescriber", clinic),
        nurse=make_user("nurse", clinic),
        front_desk=make_user("front_desk", clinic),
        researcher=make_user("researcher", clinic),
        admin=make_user("admin", clinic, is_staff=True),
        outsider=make_user("prescriber", other),
    )
