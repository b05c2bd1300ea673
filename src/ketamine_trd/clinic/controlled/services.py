"""Writes of the controlled-substance log: receive a lot, draw for a charted dose, witnessed waste, count, correct.

Each write runs in ``writing()`` (the chain head first, then the lot's row lock: ``select_for_update``), moves the
lot's stock through the core's arithmetic (``clinical.controlled``), appends one entry that keeps the stock after
it, and writes its audit event, all in one transaction. The database refuses a stock below zero (CHECK), so two
concurrent draws of the last vial cannot both succeed even if a lock were missed. Entries are never changed; a
correction is a new entry reversing the one it points at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ketamine_trd.clinic.access import CLINICAL, Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.authn.services import check_witness_password
from ketamine_trd.clinic.controlled.models import Count, Entry, Lot
from ketamine_trd.clinic.transactions import writing
from ketamine_trd.clinical.controlled import Stock, draw, judge_count
from ketamine_trd.clinical.inputs.controlled import CorrectionInput, CountInput, ReceiptInput, WasteInput
from ketamine_trd.clinical.inputs.fields import CLOCK_SKEW
from ketamine_trd.errors import CheckRefused, ConflictError, InputError, NotFoundError

__all__ = ["close_reconciliation", "correct", "move", "receive", "record_waste", "stock_of", "witness_of"]


def stock_of(lot: Lot) -> Stock:
    """The core's view of a lot's stock."""
    return Stock(Decimal(lot.on_hand_mg), int(lot.sealed_units), Decimal(lot.mg_per_unit))


def lot_for(user: Any, lot_id: int, *, lock: bool = False, field: str = "lot_id") -> Lot:
    """The lot of the user's clinic (locked when asked), or ``InputError`` naming ``field``."""
    rows = Lot.objects.filter(pk=lot_id, clinic_id=user.clinic_id)
    lot = (rows.select_for_update() if lock else rows).first()
    if lot is None:
        raise InputError(field, lot_id, "a lot of this clinic's controlled-substance log", reason="is not known")
    return lot


def move(lot: Lot, kind: str, mg: Decimal, units: int, *, by: Any, at: dt.datetime, now: dt.datetime,
         field: str, **details: Any) -> Entry:  # fmt: skip
    """Change ``lot``'s stock by ``mg`` and ``units`` (negative: out) and append the entry (lot already locked)."""
    on_hand, sealed = Decimal(lot.on_hand_mg) + mg, int(lot.sealed_units) + units
    if on_hand < 0 or sealed < 0 or sealed > lot.units_received:
        raise InputError(field, abs(mg), f"at most {Decimal(lot.on_hand_mg).normalize():f} mg on hand in lot "
                         f"{lot.lot_number}", reason="would take the lot below zero")  # fmt: skip
    lot.on_hand_mg, lot.sealed_units = on_hand, sealed
    lot.save(update_fields=["on_hand_mg", "sealed_units"])
    return Entry.objects.create(lot=lot, kind=kind, mg=mg, units=units, balance_mg=on_hand, balance_units=sealed,
                                occurred_at=at, recorded_at=now, recorded_by=by, **details)  # fmt: skip


def _not_future(field: str, at: dt.datetime, now: dt.datetime) -> None:
    if at > now + CLOCK_SKEW:
        raise InputError(field, at.isoformat(timespec="minutes"), "a time that has already happened")


def receive(actor: Actor, data: ReceiptInput, *, now: dt.datetime) -> Lot:
    """Record a lot received (1304.22(c) with (a)(2)): one receipt entry brings its units and mg into stock."""
    user = authorize(actor, "controlled.record")
    if data.received_on > now.date() + dt.timedelta(days=1):
        raise InputError("received_on", data.received_on.isoformat(), "today or earlier")
    with writing():
        if Lot.objects.filter(clinic_id=user.clinic_id, substance=data.substance, lot_number=data.lot_number).exists():
            raise InputError("lot_number", data.lot_number, "a lot number not yet received (a further delivery of "
                             "the same lot: add a suffix, e.g. /2)", reason="is already in the log")  # fmt: skip
        total = data.mg_per_unit * data.units_received
        lot = Lot.objects.create(
            clinic_id=user.clinic_id, substance=data.substance, lot_number=data.lot_number,
            supplier_name=data.supplier_name, supplier_address=data.supplier_address,
            supplier_registration=data.supplier_registration, expires_on=data.expires_on,
            units_received=data.units_received, mg_per_unit=data.mg_per_unit,
            concentration_mg_per_ml=data.concentration_mg_per_ml, volume_ml_per_unit=data.volume_ml_per_unit,
            received_on=data.received_on, received_by=user, recorded_at=now, on_hand_mg=0, sealed_units=0,
        )  # fmt: skip
        at = dt.datetime.combine(data.received_on, dt.time(12), tzinfo=dt.UTC)
        move(lot, "receipt", total, data.units_received, by=user, at=min(at, now), now=now, field="units_received")
        record(actor, "create", obj=lot, changed_fields=["receipt"], now=now)
    return lot


def witness_of(actor: Actor, user: Any, username: str, password: str, now: dt.datetime) -> Any:
    """The witness who re-authenticated here: another clinical user of the same clinic whose password matches.

    The password is checked under the login lockout (``authn.services.check_witness_password``): wrong ones count
    towards the witness's lock, and a locked account cannot witness. Each refusal is a ``CheckRefused`` in a
    clinician's sentence; the password is never part of a message.
    """
    name = username.strip()
    if not name:
        raise CheckRefused("witness_username", None, "The witness types their user name here.", reason="is missing")
    if name == user.get_username():
        raise CheckRefused("witness_username", name, "The witness is a second person: not the one recording the "
                           "waste.", reason="is the person recording")  # fmt: skip
    checked = check_witness_password(actor, name, password, now)
    if checked.reason == "locked":
        raise CheckRefused("witness_password", None, f"The witness's account ({name}) is locked after too many wrong "
                           "passwords: another nurse or prescriber witnesses, or an administrator unlocks it.",
                           reason="is locked")  # fmt: skip
    witness = checked.user
    if witness is None:
        raise CheckRefused("witness_password", None, f"The password did not match the witness's user name ({name}): "
                           "the witness types their own password.", reason="did not match")  # fmt: skip
    if witness.clinic_id != user.clinic_id or getattr(witness, "role", "") not in CLINICAL:
        raise CheckRefused("witness_username", name, "The witness is a nurse or prescriber of this clinic.",
                           reason="cannot witness here")  # fmt: skip
    return witness


def record_waste(actor: Actor, data: WasteInput, *, witness_username: str, witness_password: str,
                 now: dt.datetime) -> Entry:  # fmt: skip
    """Record mg wasted from a lot with a second user's witness (re-authenticated on the same form)."""
    user = authorize(actor, "controlled.record")
    data = data.stamped(now)
    at = data.wasted_at or now
    _not_future("wasted_at", at, now)
    witness = witness_of(actor, user, witness_username, witness_password, now)
    with writing():
        lot = lot_for(user, data.lot_id, lock=True)
        taken = draw(stock_of(lot), data.mg, field="mg")
        entry = move(lot, "waste", -taken.mg, -taken.units_opened, by=user, at=at, now=now, field="mg",
                     witness=witness, manner=data.manner)  # fmt: skip
        record(actor, "create", obj=entry, changed_fields=["waste"], detail=f"witness {witness.get_username()}",
               now=now)  # fmt: skip
    return entry


def close_reconciliation(actor: Actor, counts: Sequence[CountInput], *, now: dt.datetime) -> list[Count]:
    """Close a physical count of lots: each differing from the book needs a reason (else nothing is saved);
    a discrepancy appends an entry that brings the book to the count, pointing at the count."""
    user = authorize(actor, "controlled.record")
    if not counts:
        raise InputError("counts", 0, "at least one lot counted", reason="is missing")
    saved: list[Count] = []
    with writing():
        for i, data in enumerate(counts):
            lot = lot_for(user, data.lot_id, lock=True, field=f"counts[{i}].lot_id")
            book = stock_of(lot)
            verdict = judge_count(book, data.counted_mg, data.counted_units, data.reason, field=f"counts[{i}].reason")
            count = Count.objects.create(lot=lot, counted_mg=data.counted_mg, counted_units=data.counted_units,
                                         book_mg=book.on_hand_mg, book_units=book.sealed_units,
                                         reason=data.reason.strip(), counted_at=now, counted_by=user)  # fmt: skip
            if verdict.discrepant:
                move(lot, "discrepancy", verdict.difference_mg, verdict.difference_units, by=user, at=now, now=now,
                     field=f"counts[{i}].counted_mg", count=count, reason=data.reason.strip())  # fmt: skip
            record(actor, "create", obj=count, changed_fields=["count"], now=now)
            saved.append(count)
    return saved


def reverse_entry(user: Any, entry: Entry, reason: str, *, now: dt.datetime, field: str = "entry_id") -> Entry:
    """Append the correction that reverses ``entry`` (the lot locked here; the caller owns the transaction)."""
    if entry.kind == "correction":
        raise InputError(field, entry.pk, "an entry that is not itself a correction (record the right one anew)")
    if Entry.objects.filter(corrects=entry).exists():
        raise ConflictError(f"entry {entry.pk} was already corrected")
    lot = Lot.objects.select_for_update().get(pk=entry.lot_id)
    return move(lot, "correction", -Decimal(entry.mg), -int(entry.units), by=user, at=now, now=now, field=field,
                corrects=entry, session=entry.session, reason=reason)  # fmt: skip


def correct(actor: Actor, data: CorrectionInput, *, now: dt.datetime) -> Entry:
    """Reverse an entry with a reason; the original stays as it was signed."""
    user = authorize(actor, "controlled.record")
    with writing():
        entry = Entry.objects.filter(pk=data.entry_id, lot__clinic_id=user.clinic_id).first()
        if entry is None:
            raise NotFoundError(f"entry {data.entry_id} not found")
        if entry.kind == "administration" and entry.session is not None and entry.session.status != "signed":
            raise InputError("entry_id", data.entry_id, "an entry that is not the draw of an unsigned session: "
                             "chart the dose again on its session, which corrects its draw")  # fmt: skip
        fixed = reverse_entry(user, entry, data.reason.strip(), now=now)
        record(actor, "create", obj=fixed, changed_fields=["correction"], now=now)
    return fixed
