"""What the records app may call: the draw of a charted dose from its lot, in the charting transaction.

``records.services.session_writes.record_dose`` calls :func:`draw_for_dose` inside its own ``writing()``
transaction, after the dose passed the core's checks: the administration entry is appended (or, when the dose is
charted again before signing, the earlier one is reversed by a correction first), and a refusal (a lot not in
stock, expired, or holding too little) is an ``InputError`` naming ``lot_number``, ``dose_mg`` or
``devices_used`` that rolls back the dose as well: nothing is half-saved.

A clinic that keeps no lot of a finished form in this log (no ketamine vial or no esketamine device ever
received) charts the dose without a draw: the log starts the day the first lot is received (ADR 0019).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ketamine_trd.clinic.access import Actor, user_of
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.controlled.models import Entry, Lot
from ketamine_trd.clinic.controlled.services import move, reverse_entry, stock_of
from ketamine_trd.clinical.controlled import draw
from ketamine_trd.clinical.dosing.esketamine import DEVICE_MG
from ketamine_trd.errors import InputError

__all__ = ["draw_for_dose", "lots_in_stock", "lots_in_stock_words", "substance_for"]


def substance_for(product: str) -> str:
    """The finished form a product is drawn from: esketamine devices for the nasal spray, else ketamine vials."""
    return "esketamine" if product == "esketamine-nasal" else "ketamine"


def lots_in_stock(clinic_id: int, product: str, on: dt.date) -> list[Lot]:
    """The lots a dose of ``product`` may be drawn from on ``on`` (in stock, not expired), earliest expiry first."""
    rows = Lot.objects.filter(clinic_id=clinic_id, substance=substance_for(product), on_hand_mg__gt=0,
                              expires_on__gte=on)  # fmt: skip
    return list(rows.order_by("expires_on", "lot_number"))


def lots_in_stock_words(clinic_id: int, product: str, on: dt.date) -> list[tuple[str, str]]:
    """The chart's list of lots to pick from: (lot number, "959.2 mg, 1 sealed, expires 2027-06-30")."""
    return [(lot.lot_number, f"{lot.on_hand_mg.normalize():f} mg, {lot.sealed_units} sealed, expires {lot.expires_on}")
            for lot in lots_in_stock(clinic_id, product, on)]  # fmt: skip


def draw_for_dose(actor: Actor, session: Any, now: dt.datetime) -> Entry | None:
    """Append the administration entry for ``session``'s charted dose (inside the caller's transaction)."""
    user = user_of(actor)
    substance = substance_for(session.course.product)
    clinic_id = session.patient.clinic_id
    for earlier in Entry.objects.filter(session=session, kind="administration", corrected_by__isnull=True):
        reverse_entry(user, earlier, "dose charted again before signing", now=now, field="lot_number")
    if not Lot.objects.filter(clinic_id=clinic_id, substance=substance).exists():
        return None
    dosed_on = session.dosed_at.date()
    lot = Lot.objects.select_for_update().filter(clinic_id=clinic_id, substance=substance,
                                                 lot_number=session.lot_number.strip()).first()  # fmt: skip
    in_stock = ", ".join(lot.lot_number for lot in lots_in_stock(clinic_id, session.course.product, dosed_on))
    allowed = f"a lot in stock: {in_stock or 'none (receive a lot first)'}"
    if lot is None:
        raise InputError("lot_number", session.lot_number, allowed, reason="is not a lot in the controlled log")
    if lot.expires_on < dosed_on:
        raise InputError("lot_number", session.lot_number, allowed, reason=f"expired on {lot.expires_on}")
    if substance == "esketamine":
        mg, field = Decimal(DEVICE_MG) * int(session.devices_used or 0), "devices_used"
    else:
        mg, field = Decimal(session.dose_mg), "dose_mg"
    taken = draw(stock_of(lot), mg, field=field)
    entry = move(lot, "administration", -taken.mg, -taken.units_opened, by=user, at=session.dosed_at, now=now,
                 field=field, session=session)  # fmt: skip
    record(actor, "create", obj=entry, patient_id=session.patient_id, changed_fields=["administration"], now=now)
    return entry
