"""No patient data, passwords or tokens in the application logs (OWASP ASVS 4.0 V7.1.1, V7.1.2, V7.3.1).

Drives a journey through the application with the project's own log handlers (from
``settings.LOGGING``) writing to a buffer, with log level DEBUG, and scans what was written.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from ketamine_trd.clinic.audit.redact import RedactingFilter
from tests.clinic.builders import make_clinic, make_user

PASSWORD = "correct-horse-battery-staple-42"  # nosec B105 - the builders' password
SECRETS = {
    "password": PASSWORD,
    "wrong password": "Wr0ng-but-secret-passphrase",
    "given name": "Philippa",
    "family name": "Quartermaine",
    "MRN": "MRN-LOGSCAN-77",
    "date of birth": "1961-07-23",
    "e-mail": "philippa.q@example.org",
    "phone": "+44 7700 900123",
}


@pytest.fixture
def app_log() -> Iterator[io.StringIO]:
    """The project's filtered handlers, redirected to one buffer, everything at DEBUG."""
    buffer = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING must attach the redacting filter to the root handlers"
    saved = [(h, h.setStream(buffer), h.level) for h in handlers if isinstance(h, logging.StreamHandler)]
    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(level)
        for handler, stream, hlevel in saved:
            handler.setStream(stream)
            handler.setLevel(hlevel)


@pytest.mark.django_db
def test_journey_logs_hold_no_patient_data_or_secrets(app_log: io.StringIO) -> None:
    clinic = make_clinic()
    make_user("front_desk", clinic, username="desk-logscan")
    outsider = make_user("researcher", clinic, username="researcher-logscan")
    client = Client(raise_request_exception=False)
    client.post("/accounts/login/", {"username": "desk-logscan", "password": SECRETS["wrong password"]})
    client.post("/accounts/login/", {"username": "desk-logscan", "password": PASSWORD})
    response = client.post("/patients/new/", {
        "mrn": SECRETS["MRN"], "given_name": SECRETS["given name"], "family_name": SECRETS["family name"],
        "date_of_birth": SECRETS["date of birth"], "sex": "female", "weight": "61", "weight_unit": "kg",
        "height": "", "height_unit": "cm", "phone": SECRETS["phone"], "email": SECRETS["e-mail"],
    })  # fmt: skip
    assert response.status_code == 302
    client.get(response["Location"])
    client.get(f"/patients/?q={SECRETS['family name']}")
    client.get(f"/patients/999999/?name={SECRETS['family name']}&dob={SECRETS['date of birth']}")  # 404 is logged
    researcher = Client(raise_request_exception=False)
    researcher.force_login(outsider)
    researcher.get(f"/patients/?q={SECRETS['given name']}")  # 403 is logged
    # application code that logs carelessly is still redacted
    logging.getLogger("ketamine_trd.clinic").warning(
        "careless: password=%s email=%s dob=%s", PASSWORD, SECRETS["e-mail"], SECRETS["date of birth"]
    )
    logging.getLogger("django.request").error("GET /patients/?q=%s\ninjected line", SECRETS["family name"])
    text = app_log.getvalue()
    assert "careless" in text and "Forbidden" in text and "Not Found" in text  # the logs did capture the journey
    leaks = [what for what, value in SECRETS.items() if value in text]
    assert not leaks, f"found in the application log: {leaks}\n{text}"
    assert "\ninjected line" not in text
    assert client.cookies["sessionid"].value not in text
