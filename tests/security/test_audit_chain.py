"""The audit trail is append-only and hash-chained: any edit, insertion or deletion is detected.

Controls: HIPAA 45 CFR 164.312(b) audit controls and (c)(1) integrity; OWASP ASVS 4.0 V7.3.3.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.cli import main
from ketamine_trd.clinic.audit import chain
from ketamine_trd.clinic.audit.models import AuditChainHead, AuditEvent
from ketamine_trd.clinic.audit.service import record, verify_chain
from ketamine_trd.errors import InputError, IntegrityFailure

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


# --- the pure chain -------------------------------------------------------------------------------------------------


def _build(n: int) -> list[chain.StoredEntry]:
    out, prev = [], chain.GENESIS_HASH
    for i in range(1, n + 1):
        fields = {"seq": i, "action": "read", "detail": f"d{i}"}
        h = chain.entry_hash(fields, prev)
        out.append(chain.StoredEntry(fields, prev, h))
        prev = h
    return out


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 12), data=st.data())
def test_any_single_tampering_is_detected(n: int, data: st.DataObject) -> None:
    entries = _build(n)
    head = (entries[-1].seq, entries[-1].hash)
    assert chain.check_chain(entries, head_seq=head[0], head_hash=head[1]).ok
    kind = data.draw(st.sampled_from(["edit", "delete", "insert", "swap", "rehash_edit"]))
    i = data.draw(st.integers(0, n - 1))
    tampered = list(entries)
    if kind == "edit":
        e = tampered[i]
        tampered[i] = chain.StoredEntry({**e.fields, "detail": "changed"}, e.prev_hash, e.hash)
    elif kind == "rehash_edit":  # the attacker recomputes the edited entry's own hash
        e = tampered[i]
        fields = {**e.fields, "action": "delete"}
        tampered[i] = chain.StoredEntry(fields, e.prev_hash, chain.entry_hash(fields, e.prev_hash))
    elif kind == "delete":
        del tampered[i]
    elif kind == "insert":
        forged = {"seq": i + 1, "action": "login"}
        tampered.insert(i, chain.StoredEntry(forged, chain.GENESIS_HASH, chain.entry_hash(forged, chain.GENESIS_HASH)))
    else:
        if n < 2:
            return
        j = (i + 1) % n
        tampered[i], tampered[j] = tampered[j], tampered[i]
    report = chain.check_chain(tampered, head_seq=head[0], head_hash=head[1])
    assert not report.ok, kind


# --- the stored chain -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_chains_entries_and_verify_passes(make_user) -> None:  # type: ignore[no-untyped-def]
    nurse = make_user("nurse")
    for i in range(5):
        record(
            nurse,
            "read",
            object_type="records.patient",
            object_id=str(i),
            patient_id=i,
            now=T0 + dt.timedelta(seconds=i),
        )
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events][-5:] == list(range(events[-5].seq, events[-5].seq + 5))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert events[-1].actor_username == "nurse-user" and events[-1].actor_role == "nurse"
    report = verify_chain()
    assert report.ok and report.entries == len(events)
    assert AuditChainHead.objects.get(pk=1).hash == events[-1].hash


@pytest.mark.django_db
def test_record_refuses_an_unknown_action_and_keeps_field_names_only(make_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        record(None, "peek")
    assert err.value.field == "action"
    event = record(
        make_user("prescriber"),
        "update",
        object_type="records.patient",
        object_id="7",
        patient_id=7,
        changed_fields=["phone", "email", "phone"],
    )
    assert event.changed_fields == ["email", "phone"]


@pytest.mark.django_db
def test_model_refuses_update_and_delete(make_user) -> None:  # type: ignore[no-untyped-def]
    event = record(make_user(), "read", object_type="records.patient", object_id="1")
    event.detail = "edited"
    with pytest.raises(IntegrityFailure):
        event.save()
    with pytest.raises(IntegrityFailure):
        event.delete()
    with pytest.raises(IntegrityFailure):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(IntegrityFailure):
        AuditEvent.objects.all().delete()


def _raw(sql: str, params: list[object]) -> None:
    """Tamper around the application, as someone with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_forward_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            cursor.execute("ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_head_forward_only")


def _seed(n: int = 6) -> list[AuditEvent]:
    for i in range(n):
        record(None, "read", object_type="records.patient", object_id=str(i), patient_id=i, now=T0)
    return list(AuditEvent.objects.order_by("seq"))


TAMPERING = {
    "edit_detail": ("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", lambda ev: ["forged", ev[2].seq]),
    "edit_actor": ("UPDATE audit_auditevent SET actor_username = %s WHERE seq = %s", lambda ev: ["x", ev[0].seq]),
    "delete_middle": ("DELETE FROM audit_auditevent WHERE seq = %s", lambda ev: [ev[3].seq]),
    "delete_newest": ("DELETE FROM audit_auditevent WHERE seq = %s", lambda ev: [ev[-1].seq]),
    "delete_oldest": ("DELETE FROM audit_auditevent WHERE seq = %s", lambda ev: [ev[0].seq]),
    "insert_forged": (
        "INSERT INTO audit_auditevent (seq, at, actor_username, actor_role, action, object_type, object_id, patient_id,"
        " changed_fields, ip, outcome, detail, prev_hash, hash) VALUES (%s, %s, '', '', 'read', '', '', '', '[]', '',"
        " 'success', '', %s, %s)",
        lambda ev: [ev[-1].seq + 1, T0, ev[-1].hash, "f" * 64],
    ),
    "renumber": ("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq = %s", lambda ev: [ev[-1].seq]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_around_the_application_is_detected(kind: str, capsys) -> None:  # type: ignore[no-untyped-def]
    events = _seed()
    assert verify_chain().ok
    sql, params = TAMPERING[kind]
    _raw(sql, params(events))
    report = verify_chain()
    assert not report.ok
    with pytest.raises(IntegrityFailure):
        verify_chain(raise_on_break=True)
    assert main(["audit", "verify"]) == 7
    assert "break at entry" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_verify_passes_and_reports_the_head(capsys) -> None:  # type: ignore[no-untyped-def]
    events = _seed(3)
    assert main(["audit", "verify", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["head_hash"] == events[-1].hash
    assert main(["audit", "verify", "--expect-head", "a" * 64]) == 7


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_export_writes_the_date_range(fmt: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    record(None, "read", object_type="records.patient", object_id="1", now=T0)
    record(None, "read", object_type="records.patient", object_id="2", now=T0 + dt.timedelta(days=1))
    record(None, "login_failed", object_id="=cmd|calc", now=T0 + dt.timedelta(days=3))
    out = tmp_path / f"audit.{fmt}"
    code = main(["audit", "export", "--from", "2026-01-05", "--to", "2026-01-06", "--format", fmt, "--out", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        rows = json.loads(text)
        assert [r["object_id"] for r in rows] == ["1", "2"]
        # an exported entry can be re-checked outside the application
        r = rows[0]
        fields = {k: r[k] for k in chain.HASHED_FIELDS}
        assert chain.entry_hash(fields, r["prev_hash"]) == r["hash"]
    else:
        assert text.count("\n") == 3 and "calc" not in text
    assert AuditEvent.objects.filter(action="export").exists()
    assert main(["audit", "export", "--out", str(out)]) == 4  # refuses to overwrite
    assert main(["audit", "export", "--format", "xml", "--out", str(tmp_path / "x")]) == 2
    assert main(["audit", "export", "--from", "2026-13-01", "--out", str(tmp_path / "y")]) == 2


@pytest.mark.django_db
def test_postgres_trigger_refuses_update_and_delete() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only (SQLite: the model refuses; verify detects)")
    from django.db import DatabaseError, transaction

    events = _seed(2)
    for sql in (
        "UPDATE audit_auditevent SET detail = 'x' WHERE seq = %s",
        "DELETE FROM audit_auditevent WHERE seq = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [events[0].seq])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = 0 WHERE id = 1")


@pytest.mark.django_db
def test_admin_shows_the_trail_read_only(make_user) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    admin_user = make_user("admin", is_staff=True, is_superuser=True)
    record(admin_user, "read", object_type="records.patient", object_id="1")
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    event = AuditEvent.objects.last()
    assert event is not None
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_an_emptied_chain_beside_patient_records_is_a_break(clinic, capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.clinic.builders import make_patient

    assert verify_chain().ok  # an empty database has an empty chain, and that is fine
    make_patient(clinic)
    _seed(3)
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        # the owner cannot TRUNCATE the audit tables: a statement trigger refuses it
        for table in ("audit_auditevent", "audit_auditchainhead"):
            with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
                connection.cursor().execute(f"TRUNCATE {table}")
        _raw("DELETE FROM audit_auditevent", [])
        _raw("DELETE FROM audit_auditchainhead", [])
    else:
        _raw("DELETE FROM audit_auditevent", [])
        _raw("DELETE FROM audit_auditchainhead", [])
    report = verify_chain()
    assert not report.ok and report.breaks[-1].problem == "empty_chain"
    assert main(["audit", "verify"]) == 7
    assert "empty" in capsys.readouterr().out
