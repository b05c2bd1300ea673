"""Personas for the clinic tests: a clinic with one user per role, and an outsider from another clinic."""

from __future__ import annotations

import time
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

    def client(self, who: str, *, recent_auth: bool = True) -> Client:
        """A client signed in as ``who``; ``recent_auth`` marks a password entry just now (for signing)."""
        client = Client()
        client.force_login(getattr(self, who))
        if recent_auth:
            session = client.session
            session["ktrd_auth_at"] = time.time()  # authn.reauth.SESSION_KEY
            session.save()
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
