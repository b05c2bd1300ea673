"""Reads of the controlled-substance log: the stock page, and the inventory report as of a date (page, PDF, CSV).

A read runs in ``reading()`` (no write lock) and is then audited; the report names the patient of each
administration (1304.22(c): to whom it was dispensed), so it is a read of patient data.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ketamine_trd.clinic.access import Actor, authorize
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.clinic.controlled.models import Count, Entry, Lot
from ketamine_trd.clinic.transactions import reading
from ketamine_trd.clinical.controlled import Balance, balance
from ketamine_trd.errors import NotFoundError

__all__ = ["LotReport", "Report", "entries_of", "inventory_report", "stock_page"]


@dataclass(frozen=True, slots=True)
class LotReport:
    """One lot in the report: its receipt, the totals to the date, and whether they balance with the book."""

    lot: Lot
    totals: Balance
    units_on_hand: int
    book_mg: Decimal
    book_units: int

    @property
    def balances(self) -> bool:
        return self.totals.on_hand_mg == self.book_mg and self.units_on_hand == self.book_units


@dataclass(frozen=True, slots=True)
class Report:
    """The inventory as of the end of ``as_of`` (the clinic's day), each lot received by then."""

    as_of: dt.date
    cutoff: dt.datetime
    lots: list[LotReport]
    entries: list[Entry]

    @property
    def balances(self) -> bool:
        return all(row.balances for row in self.lots)


def _cutoff(as_of: dt.date) -> dt.datetime:
    """The end of ``as_of`` in the clinic's time zone (the one the request activated), in UTC."""
    zone = timezone.get_current_timezone() or zoneinfo.ZoneInfo("UTC")
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _lot_report(lot: Lot, entries: list[Entry]) -> LotReport:
    totals = balance((e.kind, Decimal(e.mg)) for e in entries)
    units = sum(int(e.units) for e in entries)
    last = max(entries, key=lambda e: e.pk) if entries else None
    book_mg = Decimal(last.balance_mg) if last else Decimal(0)
    return LotReport(lot, totals, units, book_mg, int(last.balance_units) if last else 0)


def inventory_report(actor: Actor, as_of: dt.date, *, now: dt.datetime, action: str = "read") -> Report:
    """Each lot's receipts - administered - wasted +/- corrections = on hand, as of the end of ``as_of``."""
    user = authorize(actor, "controlled.view")
    cutoff = _cutoff(as_of)
    with reading():
        lots = list(Lot.objects.filter(clinic_id=user.clinic_id, recorded_at__lt=cutoff))
        rows = list(Entry.objects.filter(lot__in=lots, recorded_at__lt=cutoff)
                    .select_related("lot", "recorded_by", "witness", "session__patient", "corrects")
                    .order_by("occurred_at", "pk"))  # fmt: skip
    by_lot: dict[int, list[Entry]] = {}
    for entry in rows:
        by_lot.setdefault(entry.lot_id, []).append(entry)
    report = Report(as_of, cutoff, [_lot_report(lot, by_lot.get(lot.pk, [])) for lot in lots], rows)
    record(actor, action, object_type="controlled_report", object_id=as_of.isoformat(), now=now)
    return report


def stock_page(actor: Actor, *, now: dt.datetime) -> dict[str, Any]:
    """The lots with their stock now and the latest counts."""
    user = authorize(actor, "controlled.view")
    with reading():
        lots = list(Lot.objects.filter(clinic_id=user.clinic_id).select_related("received_by"))
        counts = list(Count.objects.filter(lot__clinic_id=user.clinic_id).select_related("lot", "counted_by")[:20])
    record(actor, "read", object_type="controlled_stock", object_id=str(user.clinic_id), now=now)
    return {"lots": lots, "counts": counts}


def entries_of(actor: Actor, lot_id: int, *, now: dt.datetime) -> tuple[Lot, list[Entry]]:
    """One lot's entries, oldest first (the lot's running book)."""
    user = authorize(actor, "controlled.view")
    with reading():
        lot = Lot.objects.filter(pk=lot_id, clinic_id=user.clinic_id).select_related("received_by").first()
        rows = list(Entry.objects.filter(lot=lot).select_related("recorded_by", "witness", "session__patient",
                                                                 "corrects").order_by("pk")) if lot else []  # fmt: skip
    if lot is None:
        raise NotFoundError(f"lot {lot_id} not found")
    record(actor, "read", obj=lot, now=now)
    return lot, rows
