"""The controlled-substance log: receipts, draws linked to the charted dose, witnessed waste, counts, corrections,
append-only in the database, never negative (CHECK and row lock, concurrent draws), and a report that balances."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from ketamine_trd.clinic.controlled import reads, services
from ketamine_trd.clinic.controlled.models import Count, Entry, Lot
from ketamine_trd.clinic.records.models import Session
from ketamine_trd.clinic.records.services import session_writes
from ketamine_trd.clinic.records.services.session_writes import DoseInput
from ketamine_trd.clinical.inputs.controlled import CorrectionInput, CountInput, ReceiptInput, WasteInput
from ketamine_trd.errors import InputError, IntegrityFailure
from tests.clinic.builders import PASSWORD, make_patient, make_session, make_treated_course, make_user, ready_to_dose

TODAY = dt.date.today()


def _vials(people: Any, lot: str = "KET-1", units: int = 2) -> Lot:
    """Ketamine 50 mg/mL x 10 mL vials (500 mg each)."""
    return services.receive(people.nurse, ReceiptInput(
        substance="ketamine", lot_number=lot, supplier_name="Synthetic Wholesale", expires_on=TODAY.replace(
            year=TODAY.year + 1), units_received=units, received_on=TODAY, concentration_mg_per_ml="50",
        volume_ml_per_unit="10"), now=timezone.now())  # fmt: skip


def _devices(people: Any, lot: str = "ESK-1", units: int = 6) -> Lot:
    return services.receive(
        people.nurse,
        ReceiptInput(
            substance="esketamine",
            lot_number=lot,
            supplier_name="Synthetic Wholesale",
            expires_on=TODAY.replace(year=TODAY.year + 1),
            units_received=units,
            received_on=TODAY,
        ),
        now=timezone.now(),
    )


def _witnessed(people: Any, lot: Lot, mg: str, **kw: Any) -> Entry:
    return services.record_waste(people.nurse, WasteInput(lot_id=lot.pk, mg=mg, manner="squirted into waste bin"),
                                 witness_username=kw.get("user", people.prescriber.username),
                                 witness_password=kw.get("password", PASSWORD), now=timezone.now())  # fmt: skip


def _iv_session(people: Any) -> Session:
    course = make_treated_course(make_patient(people.clinic, weight_kg=Decimal("70")), people.prescriber,
                                 product="ketamine-iv", route="iv")  # fmt: skip
    session = make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))
    ready_to_dose(people.nurse, session, timezone.now() - dt.timedelta(minutes=5))  # checklist and pre-dose BP
    return session


def _esk_session(people: Any) -> Session:
    course = make_treated_course(make_patient(people.clinic, sex="female"), people.prescriber)
    session = make_session(course, scheduled_at=timezone.now() - dt.timedelta(minutes=30))
    ready_to_dose(people.nurse, session, timezone.now() - dt.timedelta(minutes=5))  # checklist and pre-dose BP
    return session


def test_a_receipt_brings_units_and_mg_into_stock(people: Any) -> None:
    lot = _vials(people)
    assert (lot.on_hand_mg, lot.sealed_units, lot.mg_per_unit) == (Decimal(1000), 2, Decimal(500))
    esk = _devices(people)
    assert (esk.on_hand_mg, esk.sealed_units) == (Decimal(168), 6)
    assert [e.kind for e in Entry.objects.filter(lot=lot)] == ["receipt"]


@pytest.mark.parametrize(("change", "field"), [
    ({"concentration_mg_per_ml": None}, "concentration_mg_per_ml"),
    ({"units_received": "0"}, "units_received"),
    ({"expires_on": "2001-01-01"}, "expires_on"),
    ({"lot_number": ""}, "lot_number"),
    ({"substance": "cocaine"}, "substance"),
])  # fmt: skip
def test_a_bad_receipt_names_its_field(change: dict[str, Any], field: str) -> None:
    values = {"substance": "ketamine", "lot_number": "K", "supplier_name": "S", "expires_on": "2030-01-01",
              "units_received": "2", "received_on": "2026-01-02", "concentration_mg_per_ml": "50",
              "volume_ml_per_unit": "10"} | change  # fmt: skip
    with pytest.raises(InputError) as refused:
        ReceiptInput(**values)
    assert refused.value.field == field


def test_charting_an_iv_dose_draws_the_vial_down_in_the_same_transaction(people: Any) -> None:
    lot = _vials(people)
    session = _iv_session(people)
    t0 = timezone.now() - dt.timedelta(minutes=5)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(35), "KET-1",
                               mg_per_kg=Decimal("0.5")), now=timezone.now())  # fmt: skip
    lot.refresh_from_db()
    assert (lot.on_hand_mg, lot.sealed_units) == (Decimal(965), 1)
    drawn = Entry.objects.get(lot=lot, kind="administration")
    assert (drawn.session_id, drawn.mg, drawn.units) == (session.pk, Decimal(-35), -1)
    # charted again before signing: the first draw is reversed by a correction pointing at it, then drawn anew
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(35), "KET-1",
                               mg_per_kg=Decimal("0.5")), now=timezone.now())  # fmt: skip
    lot.refresh_from_db()
    assert lot.on_hand_mg == Decimal(965)
    assert Entry.objects.get(kind="correction").corrects_id == drawn.pk
    redrawn = Entry.objects.get(kind="administration", corrected_by__isnull=True)
    with pytest.raises(InputError) as refused:  # an unsigned session's draw is corrected by charting it again
        services.correct(people.nurse, CorrectionInput(entry_id=redrawn.pk, reason="wrong lot picked at the chair"),
                         now=timezone.now())  # fmt: skip
    assert refused.value.field == "entry_id"


def test_a_dose_from_a_lot_not_in_the_log_is_refused_and_nothing_is_saved(people: Any) -> None:
    _vials(people)
    session = _iv_session(people)
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.nurse, session.pk, DoseInput(timezone.now() - dt.timedelta(minutes=5),
                                   Decimal(35), "NOPE", mg_per_kg=Decimal("0.5")), now=timezone.now())  # fmt: skip
    assert refused.value.field == "lot_number" and "KET-1" in str(refused.value)
    assert Session.objects.get(pk=session.pk).dose_mg is None
    assert not Entry.objects.filter(kind="administration").exists()


def test_esketamine_devices_are_counted_per_session(people: Any) -> None:
    lot = _devices(people, units=3)
    session = _esk_session(people)
    t0 = timezone.now() - dt.timedelta(minutes=5)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(t0, Decimal(56), "ESK-1", devices_used=2),
                               now=timezone.now())  # fmt: skip
    lot.refresh_from_db()
    assert (lot.on_hand_mg, lot.sealed_units) == (Decimal(28), 1)
    other = _esk_session(people)
    with pytest.raises(InputError) as refused:
        session_writes.record_dose(people.nurse, other.pk, DoseInput(t0, Decimal(56), "ESK-1", devices_used=2),
                                   now=timezone.now())  # fmt: skip
    assert refused.value.field == "devices_used"
    assert Session.objects.get(pk=other.pk).dose_mg is None


def test_waste_needs_a_second_user_who_re_authenticates(people: Any) -> None:
    lot = _vials(people)
    with pytest.raises(InputError) as wrong:
        _witnessed(people, lot, "465", password="not-the-password")
    assert wrong.value.field == "witness_password" and "not-the-password" not in str(wrong.value)
    with pytest.raises(InputError) as same:
        _witnessed(people, lot, "465", user=people.nurse.username)
    assert same.value.field == "witness_username"
    with pytest.raises(InputError) as outsider:
        _witnessed(people, lot, "465", user=people.outsider.username)
    assert outsider.value.field == "witness_username"
    assert Entry.objects.filter(kind="waste").count() == 0
    entry = _witnessed(people, lot, "465")
    assert (entry.witness_id, entry.mg, entry.balance_mg) == (people.prescriber.pk, Decimal(-465), Decimal(535))


def test_wrong_witness_passwords_count_towards_the_witness_lockout(people: Any, settings: Any) -> None:
    """The witness field is no password-guessing form: wrong passwords lock the witness's account as wrong logins do,
    a locked account cannot witness (even with the right password), and each refusal is audited without it."""
    from ketamine_trd.clinic.audit.models import AuditEvent
    from ketamine_trd.clinic.authn import lockout

    settings.KTRD_LOCKOUT_MAX_FAILURES = 3
    lot = _vials(people)
    name = people.prescriber.username
    for _ in range(2):
        with pytest.raises(InputError) as wrong:
            _witnessed(people, lot, "10", password="guess-123456")
        assert wrong.value.field == "witness_password" and "did not match" in str(wrong.value)
    _witnessed(people, lot, "10")  # the right password clears the count, as a login does
    for _ in range(3):
        with pytest.raises(InputError):
            _witnessed(people, lot, "10", password="guess-123456")
    assert lockout.locked_until(name, timezone.now()) is not None
    with pytest.raises(InputError) as locked:
        _witnessed(people, lot, "10")
    assert locked.value.field == "witness_password" and "locked" in str(locked.value)
    assert Entry.objects.filter(kind="waste").count() == 1
    failed = AuditEvent.objects.filter(action="login_failed", object_id=name)
    assert failed.filter(outcome="failure").count() == 5 and failed.filter(outcome="denied").count() == 1
    assert failed.filter(detail="witness_bad_credentials; account locked").count() == 1
    assert all(event.actor_id == people.nurse.pk for event in failed)  # the person at the form
    trail = str(list(AuditEvent.objects.values()))
    assert "guess-123456" not in trail and PASSWORD not in trail
    assert lockout.begin_attempt(name, timezone.now()) is False  # the lock is the witness's own: no login either


def test_a_count_missing_10_mg_cannot_close_without_a_reason(people: Any) -> None:
    lot = _vials(people, units=1)
    with pytest.raises(InputError) as refused:
        services.close_reconciliation(people.nurse, [CountInput(lot_id=lot.pk, counted_mg="490", counted_units="1")],
                                      now=timezone.now())  # fmt: skip
    assert refused.value.field == "counts[0].reason" and "10 mg short of the book" in str(refused.value)
    assert not Count.objects.exists()
    services.close_reconciliation(people.nurse, [CountInput(lot_id=lot.pk, counted_mg="490", counted_units="1",
                                  reason="spilled drawing up, seen by J. Doe")], now=timezone.now())  # fmt: skip
    lot.refresh_from_db()
    assert lot.on_hand_mg == Decimal(490)
    assert Entry.objects.get(kind="discrepancy").mg == Decimal(-10)


def test_entries_are_append_only_in_the_database_and_the_model(people: Any) -> None:
    lot = _vials(people)
    entry = Entry.objects.get(lot=lot)
    with pytest.raises(IntegrityFailure):
        entry.save()
    with pytest.raises(IntegrityFailure):
        Entry.objects.filter(pk=entry.pk).update(mg=0)
    for sql in (f"UPDATE controlled_entry SET mg = 0 WHERE id = {entry.pk}",
                f"DELETE FROM controlled_entry WHERE id = {entry.pk}",
                f"UPDATE controlled_lot SET supplier_name = 'x' WHERE id = {lot.pk}",
                f"DELETE FROM controlled_lot WHERE id = {lot.pk}"):  # fmt: skip
        with pytest.raises(Exception, match="append-only|refused|not edited"), transaction.atomic():
            connection.cursor().execute(sql)
    with pytest.raises(IntegrityError), transaction.atomic():
        connection.cursor().execute(f"UPDATE controlled_lot SET on_hand_mg = -1 WHERE id = {lot.pk}")
    if connection.vendor == "postgresql":
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK events before the TRUNCATE
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            connection.cursor().execute("TRUNCATE controlled_entry CASCADE")


def test_a_correction_reverses_an_entry_and_points_at_it(people: Any) -> None:
    lot = _vials(people)
    waste = _witnessed(people, lot, "100")
    with pytest.raises(InputError) as short:
        services.correct(people.nurse, CorrectionInput(entry_id=waste.pk, reason="short"), now=timezone.now())
    assert short.value.field == "reason"
    fixed = services.correct(people.nurse, CorrectionInput(entry_id=waste.pk, reason="typed 100 for 10, see count"),
                             now=timezone.now())  # fmt: skip
    lot.refresh_from_db()
    assert (fixed.corrects_id, fixed.mg, lot.on_hand_mg) == (waste.pk, Decimal(100), Decimal(1000))
    assert Entry.objects.get(pk=waste.pk).mg == Decimal(-100)  # the original is kept as signed


def test_the_inventory_report_balances(people: Any) -> None:
    lot = _vials(people)
    session = _iv_session(people)
    session_writes.record_dose(people.nurse, session.pk, DoseInput(timezone.now() - dt.timedelta(minutes=5),
                               Decimal(35), "KET-1", mg_per_kg=Decimal("0.5")), now=timezone.now())  # fmt: skip
    _witnessed(people, lot, "465")
    services.close_reconciliation(people.nurse, [CountInput(lot_id=lot.pk, counted_mg="490", counted_units="1",
                                  reason="vial cracked on the shelf, photo kept")], now=timezone.now())  # fmt: skip
    report = reads.inventory_report(people.nurse, timezone.localdate(), now=timezone.now())
    (row,) = report.lots
    t = row.totals
    assert (t.received_mg, t.administered_mg, t.wasted_mg, t.adjusted_mg) == (1000, 35, 465, -10)
    assert t.on_hand_mg == Decimal(490) == row.book_mg and row.balances and report.balances
    before = reads.inventory_report(people.nurse, timezone.localdate() - dt.timedelta(days=1), now=timezone.now())
    assert before.lots == []


def test_pages_pdf_and_csv(people: Any) -> None:
    lot = _vials(people)
    nurse = people.client("nurse")
    for url in ("/controlled/", f"/controlled/lots/{lot.pk}/", "/controlled/reconcile/", "/controlled/report/",
                "/controlled/receive/"):  # fmt: skip
        assert nurse.get(url).status_code == 200, url
    assert people.client("front_desk").get("/controlled/").status_code == 403
    assert people.client("outsider").get(f"/controlled/lots/{lot.pk}/").status_code == 404
    pdf = nurse.get("/controlled/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = nurse.get("/controlled/report.csv").content.decode()
    assert "KET-1" in text and ",yes," in text
    bad = nurse.post(f"/controlled/lots/{lot.pk}/waste/", {"mg": "5000", "manner": "bin",
                     "witness_username": people.prescriber.username, "witness_password": PASSWORD})  # fmt: skip
    assert bad.status_code == 422 and "more than the lot holds" in bad.content.decode()
    wrong = nurse.post(f"/controlled/lots/{lot.pk}/waste/", {"mg": "5", "manner": "bin",
                       "witness_username": people.prescriber.username, "witness_password": "x"})  # fmt: skip
    assert wrong.status_code == 422 and "Witness password" in wrong.content.decode()
    assert not Entry.objects.filter(kind="waste").exists()
    closing = nurse.post("/controlled/reconcile/", {f"lot{lot.pk}-lot_id": lot.pk, f"lot{lot.pk}-counted_mg": "990",
                                                    f"lot{lot.pk}-counted_units": "2"})  # fmt: skip
    assert closing.status_code == 422 and "10 mg short" in closing.content.decode()
    assert nurse.get("/controlled/report/?as_of=nope").status_code == 422
    received = nurse.post("/controlled/receive/", {"substance": "ketamine", "lot_number": "K2"})
    assert received.status_code == 422 and not Lot.objects.filter(lot_number="K2").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_draws_of_the_last_vial_never_go_negative() -> None:
    from ketamine_trd.clinic.access import NURSE
    from tests.clinic.builders import make_clinic

    clinic = make_clinic()
    users = [make_user(NURSE, clinic) for _ in range(3)]
    lot = services.receive(users[0], ReceiptInput(
        substance="ketamine", lot_number="LAST", supplier_name="S", expires_on="2030-01-01", units_received=1,
        received_on=TODAY, concentration_mg_per_ml="50", volume_ml_per_unit="10"), now=timezone.now())  # fmt: skip
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def waste(i: int) -> None:
        try:
            start.wait()
            services.record_waste(users[i % 2], WasteInput(lot_id=lot.pk, mg="100", manner="test"),
                                  witness_username=users[2].username, witness_password=PASSWORD,
                                  now=timezone.now())  # fmt: skip
            outcomes.append("ok")
        except InputError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=waste, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lot.refresh_from_db()
    assert sorted(outcomes) == ["ok"] * 5 + ["refused"], outcomes
    assert lot.on_hand_mg == Decimal(0) and lot.sealed_units == 0
    assert Entry.objects.filter(lot=lot).order_by("-pk").first().balance_mg == 0


def test_the_demo_clinic_has_a_reconciled_stock(db: None) -> None:
    from ketamine_trd.clinic.accounts.models import Clinic
    from ketamine_trd.clinic.demo import DEMO_SLUG, ensure_demo_clinic, username_for

    ensure_demo_clinic(seed=3, patients=2)
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    lots = Lot.objects.filter(clinic=clinic)
    assert {lot.substance for lot in lots} == {"ketamine", "esketamine"}
    assert Entry.objects.filter(lot__clinic=clinic, kind="waste").count() == 1
    assert Count.objects.filter(lot__clinic=clinic).count() == lots.count()
    assert not Entry.objects.filter(lot__clinic=clinic, kind="discrepancy").exists()
    nurse = clinic.users.get(username=username_for("nurse"))
    assert reads.inventory_report(nurse, timezone.localdate(), now=timezone.now()).balances


def test_the_chart_lists_the_lots_in_stock_and_the_api_refuses_a_lot_not_in_the_log(people: Any) -> None:
    import json

    from ketamine_trd.clinic.records.services import sessions

    _vials(people)
    session = _iv_session(people)
    view = sessions.chair_view(people.nurse, session.pk, now=timezone.now())
    assert [number for number, _ in view.lots_in_stock] == ["KET-1"] and "1000 mg, 2 sealed" in view.lots_in_stock[0][1]
    at = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    body = json.dumps({"dosed_at": at, "dose_mg": "35", "mg_per_kg": "0.5", "lot_number": "NOPE"})
    answer = people.client("nurse").post(f"/api/sessions/{session.pk}/dose", body, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["field"] == "lot_number"
    assert Session.objects.get(pk=session.pk).dose_mg is None
