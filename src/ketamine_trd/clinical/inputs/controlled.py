"""The controlled-substance log's input types: a receipt, a witnessed waste, a count, a correction.

Ranges are plausibility ranges that refuse typing errors (platform-defined); what a record must hold is
21 CFR 1304.22(c) (``clinical.controlled``). The witness's password is never part of a value: the form adds
it, the service checks it with Django's authentication and forgets it.

>>> ReceiptInput(substance="esketamine", lot_number="EK1", supplier_name="Synthetic Wholesale",
...              expires_on="2027-06-30", units_received="12", received_on="2026-03-02").mg_per_unit
Decimal('28')
>>> try:
...     ReceiptInput(substance="ketamine", lot_number="K1", supplier_name="S", expires_on="2027-06-30",
...                  units_received="5", received_on="2026-03-02", volume_ml_per_unit="10")
... except InputError as error:
...     print(error.field)
concentration_mg_per_ml
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketamine_trd.clinical.controlled import SUBSTANCES
from ketamine_trd.clinical.dosing.esketamine import DEVICE_MG
from ketamine_trd.clinical.inputs.base import InputType, spec
from ketamine_trd.clinical.inputs.fields import Choice, Day, Moment, Number, Text
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS, reason_hint
from ketamine_trd.errors import InputError

__all__ = ["CorrectionInput", "CountInput", "ReceiptInput", "WasteInput"]

_EARLIEST = dt.date(2000, 1, 1)


def _mg(label: str, required: bool = True, help_text: str = "") -> Number:
    return Number(label, required, help=help_text or "0.01 to 100000 mg (platform-defined plausibility range)",
                  low=Decimal("0.01"), high=Decimal(100000), unit="mg", places=2)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReceiptInput(InputType):
    """Vials (concentration and volume each) or esketamine devices (28 mg each) received from a supplier."""

    substance: str = spec(Choice("Finished form", options=tuple(s for s, _ in SUBSTANCES),
                                 labels=tuple(w for _, w in SUBSTANCES)))  # fmt: skip
    lot_number: str = spec(Text("Lot number", max_length=40, min_length=1))
    supplier_name: str = spec(Text("Supplier", max_length=120, min_length=1))
    expires_on: dt.date = spec(Day("Expiry date", earliest=_EARLIEST))
    units_received: int = spec(Number("Vials or devices received", low=Decimal(1), high=Decimal(1000),
                                      unit="units"))  # fmt: skip
    received_on: dt.date = spec(Day("Date received", earliest=_EARLIEST))
    supplier_address: str = spec(Text("Supplier address", False, max_length=300), "")
    supplier_registration: str = spec(Text("Supplier DEA registration number", False, max_length=20), "")
    concentration_mg_per_ml: Decimal | None = spec(Number("Concentration (vials)", False, low=Decimal("0.01"),
                                                          high=Decimal(100), unit="mg/mL", places=2))  # fmt: skip
    volume_ml_per_unit: Decimal | None = spec(Number("Volume per vial", False, low=Decimal("0.1"),
                                                     high=Decimal(100), unit="mL", places=2))  # fmt: skip

    @property
    def mg_per_unit(self) -> Decimal:
        """mg in one vial (concentration x volume) or one device (28 mg, spravato-hcp-dosing)."""
        if self.substance == "esketamine":
            return Decimal(DEVICE_MG)
        return Decimal(self.concentration_mg_per_ml or 0) * Decimal(self.volume_ml_per_unit or 0)

    def _check(self) -> None:
        if self.substance == "esketamine":
            for name in ("concentration_mg_per_ml", "volume_ml_per_unit"):
                if getattr(self, name) is not None:
                    raise InputError(name, getattr(self, name), "blank for esketamine devices (28 mg each)")
            return
        for name in ("concentration_mg_per_ml", "volume_ml_per_unit"):
            if getattr(self, name) is None:
                raise InputError(name, None, "the value printed on the vial", reason="is missing for vials")
        if self.expires_on < self.received_on:
            raise InputError("expires_on", self.expires_on.isoformat(), "on or after the date received",
                             reason="is before the date received")  # fmt: skip


@dataclass(frozen=True, slots=True)
class WasteInput(InputType):
    """mg wasted from a lot (the remainder of an opened vial, an expired vial), how, and when."""

    lot_id: int = spec(Number("Lot", low=Decimal(1), high=Decimal(10**12), help="a lot of this clinic"))
    mg: Decimal = spec(_mg("Amount wasted"))
    manner: str = spec(Text("Manner of disposal", max_length=200, min_length=3,
                            help="e.g. drawn up and squirted into the waste container"))  # fmt: skip
    wasted_at: dt.datetime | None = spec(Moment("Wasted at", False, blank_is_now=True), None)


@dataclass(frozen=True, slots=True)
class CountInput(InputType):
    """A physical count of one lot: mg on hand and sealed units; a discrepancy needs a written reason."""

    lot_id: int = spec(Number("Lot", low=Decimal(1), high=Decimal(10**12), help="a lot of this clinic"))
    counted_mg: Decimal = spec(Number("Counted on hand", low=Decimal(0), high=Decimal(100000), unit="mg",
                                      places=2))  # fmt: skip
    counted_units: int = spec(Number("Counted sealed vials or devices", low=Decimal(0), high=Decimal(1000),
                                     unit="units"))  # fmt: skip
    reason: str = spec(Text("Reason for a discrepancy", False, max_length=2000, multiline=True,
                            help=reason_hint("only when the count differs from the book")), "")  # fmt: skip


@dataclass(frozen=True, slots=True)
class CorrectionInput(InputType):
    """A correction: the entry it reverses and why (the original is kept; the correction is a new entry)."""

    entry_id: int = spec(Number("Entry corrected (#)", low=Decimal(1), high=Decimal(10**12),
                                help="the # of an entry in the book above"))  # fmt: skip
    reason: str = spec(Text("Reason for the correction", max_length=2000, min_length=MIN_OVERRIDE_REASON_CHARS,
                            multiline=True, help=reason_hint("always")))  # fmt: skip
