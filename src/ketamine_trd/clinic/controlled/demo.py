"""The demo clinic's controlled-substance stock (synthetic): ketamine vials and esketamine devices received, a
witnessed waste, and a reconciliation whose counts match the book. Called once from ``clinic.demo``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ketamine_trd.clinic.controlled import services
from ketamine_trd.clinical.inputs.controlled import CountInput, ReceiptInput, WasteInput

__all__ = ["seed_controlled_log"]

SUPPLIER = "Example Wholesale (synthetic)"


def seed_controlled_log(staff: dict[str, Any], now: dt.datetime, witness_password: str) -> None:
    """Receive two lots of vials and one of devices, waste an opened vial's remainder, close a matching count."""
    nurse, prescriber = staff["nurse"], staff["prescriber"]
    received = (now - dt.timedelta(days=7)).date()
    expires = received.replace(year=received.year + 1)
    lots = [
        services.receive(nurse, ReceiptInput(
            substance="ketamine", lot_number=number, supplier_name=SUPPLIER, expires_on=expires, units_received=10,
            received_on=received, supplier_registration="RX0000000", concentration_mg_per_ml=Decimal(50),
            volume_ml_per_unit=Decimal(10)), now=now - dt.timedelta(days=7))
        for number in ("KET-DEMO-A", "KET-DEMO-B")
    ]  # fmt: skip
    lots.append(services.receive(nurse, ReceiptInput(
        substance="esketamine", lot_number="ESK-DEMO-1", supplier_name=SUPPLIER, expires_on=expires,
        units_received=24, received_on=received, supplier_registration="RX0000000"),
        now=now - dt.timedelta(days=7)))  # fmt: skip
    services.record_waste(nurse, WasteInput(lot_id=lots[0].pk, mg=Decimal(500), manner="vial dropped and broken; "
                          "contents absorbed and put in the waste bin", wasted_at=now - dt.timedelta(days=2)),
                          witness_username=prescriber.username, witness_password=witness_password,
                          now=now - dt.timedelta(days=2))  # fmt: skip
    counts = []
    for lot in lots:
        lot.refresh_from_db()
        counts.append(CountInput(lot_id=lot.pk, counted_mg=lot.on_hand_mg, counted_units=lot.sealed_units))
    services.close_reconciliation(nurse, counts, now=now - dt.timedelta(days=1))
