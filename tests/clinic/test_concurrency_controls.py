"""Concurrency controls, one by one (both databases): the lock order, read and write transactions, bounded
retries, Busy as 503, idempotency keys, optimistic versions (If-Match, the edit form), unreadable REMS forms.

The end-to-end run with 8 writers and 16 readers against a real server is ``tests/security/test_write_concurrency.py``.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic import transactions
from ketamine_trd.clinic.audit.models import AuditEvent, IdempotentRequest
from ketamine_trd.clinic.audit.service import record, verify_chain
from ketamine_trd.clinic.records.models import Patient, RemsRecord
from ketamine_trd.clinic.records.services import patients
from ketamine_trd.clinic.records.services.patients import PatientInput
from ketamine_trd.clinic.records.services.rems import core_record
from ketamine_trd.errors import Busy, IntegrityFailure, StaleVersion, http_status_for
from tests.clinic.builders import make_course, make_patient, make_session

PATIENT = {"mrn": "IDEM-1", "given_name": "Ida", "family_name": "Key", "date_of_birth": "1984-05-06", "sex": "female"}


def _json(client: Client, method: str, url: str, body: Any, **headers: str) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", headers=headers)


def _body(patient: Patient, **change: Any) -> dict[str, Any]:
    out = {"mrn": patient.mrn, "given_name": patient.given_name, "family_name": patient.family_name,
           "date_of_birth": patient.date_of_birth.isoformat(), "sex": patient.sex,
           "weight_kg": str(patient.weight_kg) if patient.weight_kg is not None else None,
           "height_cm": str(patient.height_cm) if patient.height_cm is not None else None}  # fmt: skip
    return out | change


# --------------------------------------------------------------------------- lock order and transactions


def test_record_in_a_transaction_that_did_not_take_the_head_first_warns(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(transactions.LockOrderWarning), transaction.atomic():
        record(people.nurse, "read", object_type="test", detail="out of order")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with transactions.writing():
            assert transactions.head_taken_first()
            record(people.nurse, "read", object_type="test", detail="head first")
        record(people.nurse, "read", object_type="test", detail="a write of its own")
    assert not transactions.head_taken_first()
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_writes_open_with_the_chain_head_and_reads_with_a_deferred_transaction() -> None:
    """The first statement of a write is the head lock (SQLite: BEGIN IMMEDIATE); a read takes no write lock."""
    seen: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(" ".join(str(sql).split()).upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        with transactions.writing():
            pass
        writes, seen[:] = list(seen), []
        with transactions.reading():
            Patient.objects.exists()
        reads = list(seen)
    if connection.vendor == "sqlite":
        assert writes[0] == "BEGIN IMMEDIATE" and "AUDIT_AUDITCHAINHEAD" in writes[1]
        assert reads[0] == "BEGIN DEFERRED"
    else:
        assert "AUDIT_AUDITCHAINHEAD" in writes[0] and writes[0].endswith("FOR UPDATE")
        assert not any("FOR UPDATE" in q for q in reads)


def test_a_read_is_audited_after_its_rows_in_a_write_of_its_own(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    before = AuditEvent.objects.count()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no LockOrderWarning: the read's audit entry is its own write
        patients.get_patient(people.nurse, patient.pk, now=timezone.now())
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "read"  # type: ignore[union-attr]


def _locked() -> OperationalError:
    return OperationalError("database is locked")


def test_contention_is_retried_whole_and_bounded(db: None) -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return "done"

    pauses: list[float] = []
    assert transactions.run_write(flaky, sleep=pauses.append) == "done" and len(calls) == 3 and len(pauses) == 2

    def always() -> None:
        raise _locked()

    with pytest.raises(Busy) as refused:
        transactions.run_write(always, sleep=pauses.append)
    assert refused.value.retry_after_s >= 1 and http_status_for(refused.value) == 503

    def broken() -> None:
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError, match="no such table"):
        transactions.run_write(broken, sleep=pauses.append)


def test_postgres_deadlock_and_serialization_failures_count_as_contention() -> None:
    class Cause(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    for state, retried in (("40P01", True), ("40001", True), ("55P03", True), ("23505", False)):
        error = OperationalError("x")
        error.__cause__ = Cause(state)
        assert transactions.is_contention(error) is retried
    assert not transactions.is_contention(ValueError("database is locked"))


# --------------------------------------------------------------------------- busy: 503 with Retry-After, never 500


def test_a_busy_database_answers_503_with_retry_after_json_for_the_api(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def locked(*args: Any, **kwargs: Any) -> Any:
        raise _locked()

    monkeypatch.setattr(patients, "search_patients", locked)
    client = Client(raise_request_exception=False)  # as a real server: the exception is answered, not re-raised
    client.force_login(people.nurse)
    api = client.get("/api/patients")
    assert api.status_code == 503 and api["Retry-After"] and api.json()["error"] == "Busy"
    page = client.get("/patients/")
    assert page.status_code == 503 and page["Retry-After"] and b"busy" in page.content


def test_a_write_that_met_contention_runs_again_whole_and_saves_once(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = patients.register_patient
    attempts: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        attempts.append(1)
        created = real(*args, **kwargs)
        if len(attempts) == 1:
            raise _locked()  # after the row was written: the whole request must roll back and run again
        return created

    monkeypatch.setattr(transactions, "BACKOFF_S", 0.0)
    monkeypatch.setattr(patients, "register_patient", flaky)
    response = _json(people.client("front_desk"), "post", "/api/patients", PATIENT)
    assert response.status_code == 201, response.content
    assert len(attempts) == 2 and Patient.objects.filter(mrn="IDEM-1").count() == 1
    assert verify_chain().ok


def test_the_session_is_saved_through_the_writer_queue_and_retried(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The session row (last seen, messages) is written like any other writer: queued, retried on contention."""
    from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

    from ketamine_trd.clinic.authn import session_store

    real, calls = DatabaseSessionStore.save, []

    def flaky(self: Any, must_create: bool = False) -> None:
        calls.append(transactions.in_app_transaction())
        if len(calls) == 1:
            raise _locked()
        real(self, must_create=must_create)

    store = session_store.SessionStore()
    store.create()
    monkeypatch.setattr(transactions, "BACKOFF_S", 0.0)
    monkeypatch.setattr(DatabaseSessionStore, "save", flaky)
    store["x"] = 1
    store.save()
    assert calls == [True, True]  # each attempt inside its own (queued, IMMEDIATE) transaction; the second saved
    assert session_store.SessionStore(store.session_key)["x"] == 1


def test_a_busy_session_save_after_a_committed_write_keeps_the_writes_answer(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Not "nothing was saved" about a write that committed; a read whose session save is busy is still a 503."""
    from ketamine_trd.clinic.authn import session_store

    client = Client(raise_request_exception=False)
    client.force_login(people.front_desk)

    def busy(self: Any, must_create: bool = False) -> None:
        raise Busy("the session store stayed busy", 1)

    monkeypatch.setattr(session_store.SessionStore, "save", busy)
    monkeypatch.setattr("ketamine_trd.clinic.authn.middleware._TOUCH_EVERY_S", 0)  # every request saves its session
    created = _json(client, "post", "/api/patients", PATIENT)
    assert created.status_code == 201, created.content
    assert Patient.objects.filter(mrn="IDEM-1").count() == 1
    read = client.get("/api/patients")
    assert read.status_code == 503 and read.json()["error"] == "Busy"


# --------------------------------------------------------------------------- idempotency keys


def test_the_same_idempotency_key_replays_the_answer_and_writes_nothing(people) -> None:  # type: ignore[no-untyped-def]
    client = people.client("front_desk")
    first = _json(client, "post", "/api/patients", PATIENT, **{"Idempotency-Key": "k-123"})
    events = AuditEvent.objects.count()
    again = _json(client, "post", "/api/patients", PATIENT, **{"Idempotency-Key": "k-123"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Patient.objects.filter(mrn="IDEM-1").count() == 1 and AuditEvent.objects.count() == events
    other = _json(client, "post", "/api/patients", PATIENT | {"mrn": "IDEM-2"}, **{"Idempotency-Key": "k-123"})
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    assert not Patient.objects.filter(mrn="IDEM-2").exists()
    bad = _json(client, "post", "/api/patients", PATIENT, **{"Idempotency-Key": "x" * 300})
    assert bad.status_code == 422 and bad.json()["field"] == "Idempotency-Key"


def test_idempotency_keys_are_per_user(people) -> None:  # type: ignore[no-untyped-def]
    _json(people.client("front_desk"), "post", "/api/patients", PATIENT, **{"Idempotency-Key": "shared"})
    second = _json(people.client("nurse"), "post", "/api/patients", PATIENT | {"mrn": "IDEM-9"},
                   **{"Idempotency-Key": "shared"})  # fmt: skip
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert IdempotentRequest.objects.count() == 2


def test_expired_answers_are_forgotten_by_any_write_not_only_a_keyed_one(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A stored answer may hold patient data: past IDEMPOTENCY_HOURS it goes at the next write of any kind."""
    from ketamine_trd.clinic import write_requests

    client = people.client("front_desk")
    _json(client, "post", "/api/patients", PATIENT, **{"Idempotency-Key": "k-old"})
    _json(client, "post", "/api/patients", PATIENT | {"mrn": "IDEM-3"}, **{"Idempotency-Key": "k-new"})
    old = timezone.now() - timezone.timedelta(hours=write_requests.IDEMPOTENCY_HOURS, minutes=1)
    IdempotentRequest.objects.filter(key="k-old").update(created_at=old)
    monkeypatch.setattr(write_requests, "_last_purge", [-1e9])  # the once-a-minute purge is due
    unkeyed = _json(client, "post", "/api/patients", PATIENT | {"mrn": "IDEM-4"})
    assert unkeyed.status_code == 201
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["k-new"]
    IdempotentRequest.objects.filter(key="k-new").update(created_at=old)
    assert write_requests.forget_expired_answers() == 1 and not IdempotentRequest.objects.exists()


def test_behind_tls_proxy_without_a_named_proxy_is_refused_under_ktrd_serve(settings) -> None:  # type: ignore[no-untyped-def]
    from ketamine_trd.clinic import runner
    from ketamine_trd.errors import InputError

    settings.KTRD_TRUST_X_FORWARDED_FOR, settings.KTRD_TRUSTED_PROXY = True, ""
    with pytest.raises(InputError) as refused:
        runner.check_proxy_trust()
    assert refused.value.field == "KTRD_BEHIND_TLS_PROXY" and "--trusted-proxy" in str(refused.value)
    settings.KTRD_TRUST_X_FORWARDED_FOR, settings.KTRD_TRUSTED_PROXY = False, "127.0.0.1"
    runner.check_proxy_trust()  # a named proxy: waitress drops everyone else's headers


def test_a_refusal_is_not_remembered_under_its_key(people) -> None:  # type: ignore[no-untyped-def]
    """Only what was done is stored: the same key after a 422 is judged again (and may then succeed)."""
    client = people.client("front_desk")
    refused = _json(client, "post", "/api/patients", PATIENT | {"date_of_birth": "2999-01-01"},
                    **{"Idempotency-Key": "k-refused"})  # fmt: skip
    assert refused.status_code == 422 and IdempotentRequest.objects.count() == 0


def test_a_multipart_write_with_a_key_is_answered_not_a_500(people) -> None:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(people.front_desk)
    answer = client.post("/patients/new/", {"mrn": "MULTI-1"}, HTTP_IDEMPOTENCY_KEY="k-multipart")
    assert answer.status_code < 500


def test_the_busy_page_carries_no_store_and_nosniff(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def locked(*args: Any, **kwargs: Any) -> Any:
        raise _locked()

    monkeypatch.setattr(patients, "search_patients", locked)
    client = Client(raise_request_exception=False)
    client.force_login(people.nurse)
    page = client.get("/patients/")
    assert page.status_code == 503 and "no-store" in page["Cache-Control"] and page["X-Content-Type-Options"]


# --------------------------------------------------------------------------- optimistic concurrency


def test_two_clients_editing_a_patient_cannot_lose_a_weight_change(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, weight_kg="80.0", height_cm="170.0")
    a, b = people.client("front_desk"), people.client("nurse")
    tag_a = a.get(f"/api/patients/{patient.pk}")["ETag"]
    tag_b = b.get(f"/api/patients/{patient.pk}")["ETag"]
    assert tag_a == tag_b == '"1"'
    first = _json(a, "put", f"/api/patients/{patient.pk}", _body(patient, weight_kg="95"), **{"If-Match": tag_a})
    assert first.status_code == 200 and first["ETag"] == '"2"' and first.json()["version"] == 2
    second = _json(b, "put", f"/api/patients/{patient.pk}", _body(patient, height_cm="180"), **{"If-Match": tag_b})
    assert second.status_code == 409
    assert f"patient {patient.pk}" in second.json()["message"] and "your version 1, now 2" in second.json()["message"]
    patient.refresh_from_db()
    assert str(patient.weight_kg) == "95.0" and str(patient.height_cm) == "170.0" and patient.version == 2


def test_a_patient_change_without_if_match_is_refused_naming_it(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    response = _json(people.client("front_desk"), "put", f"/api/patients/{patient.pk}", _body(patient, phone="1"))
    assert response.status_code == 422 and response.json()["field"] == "If-Match"
    bad = _json(people.client("front_desk"), "put", f"/api/patients/{patient.pk}", _body(patient),
                **{"If-Match": "soon"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "If-Match"
    with pytest.raises(StaleVersion):
        data = PatientInput(patient.mrn, "A", "B", patient.date_of_birth)
        patients.update_patient(people.front_desk, patient.pk, data, now=timezone.now(), expected_version=7)


def test_the_edit_form_refuses_a_stale_copy_with_409(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic, weight_kg="80.0")
    client = people.client("front_desk")
    page = client.get(f"/patients/{patient.pk}/edit/")
    assert b'name="version"' in page.content and b'type="hidden"' in page.content
    form = {"mrn": patient.mrn, "given_name": patient.given_name, "family_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(), "sex": patient.sex, "weight": "90",
            "weight_unit": "kg", "height": "", "height_unit": "cm", "phone": "", "email": "",
            "version": "1"}  # fmt: skip
    assert client.post(f"/patients/{patient.pk}/edit/", form).status_code == 302
    stale = client.post(f"/patients/{patient.pk}/edit/", form | {"weight": "70"})
    assert stale.status_code == 409 and b"Someone else saved a change to" in stale.content
    assert b"Nothing was saved" in stale.content
    patient.refresh_from_db()
    assert str(patient.weight_kg) == "90.0" and patient.version == 2


def test_a_stale_if_match_on_a_session_write_is_409(people) -> None:  # type: ignore[no-untyped-def]
    session = make_session(make_course(make_patient(people.clinic)))
    client = people.client("nurse")
    version = client.get(f"/api/sessions/{session.pk}").json()["version"]
    vitals = {"taken_at": timezone.now().isoformat(), "systolic_mmhg": 120, "diastolic_mmhg": 80}
    ok = _json(client, "post", f"/api/sessions/{session.pk}/vitals", vitals, **{"If-Match": f'"{version}"'})
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    stale = _json(client, "post", f"/api/sessions/{session.pk}/vitals", vitals, **{"If-Match": f'"{version}"'})
    assert stale.status_code == 409 and f"session {session.pk}" in stale.json()["message"]
    assert session.vitals.count() == 1


# --------------------------------------------------------------------------- a REMS form the core cannot read


def test_an_unreadable_stored_rems_form_is_named_not_a_crash(people) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(people.clinic)
    session = make_session(make_course(patient))
    now = timezone.now()
    row = RemsRecord.objects.create(session=session, patient=patient, clinic=people.clinic, form_version="x",
                                    fields={}, due_at=now, due_soon_from=now, created_at=now)  # fmt: skip
    with pytest.raises(IntegrityFailure, match=f"REMS record {row.pk}.*'patient'"):
        core_record(row)
    page = people.client("prescriber").get(f"/patients/{patient.pk}/")
    assert page.status_code == 200 and b"unreadable" in page.content
