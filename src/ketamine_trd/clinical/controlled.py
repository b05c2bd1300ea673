"""The controlled-substance log's arithmetic: draws from a lot, counts against the book, a report that balances.

Ketamine and esketamine are Schedule III: a dispenser keeps, per finished form, what was received (date, units,
supplier), what was dispensed or administered (date, quantity, to whom, by whom) and what was disposed of
otherwise (date, manner, quantity) -- 21 CFR 1304.22(c) with (a)(2) (source ``cfr-1304-22``), complete and
accurate on a current basis (1304.21(a)), each with the date it actually happened (1304.21(d)), kept for at
least 2 years (1304.04(a), source ``cfr-1304-04``).

A lot is held in mg and in sealed units (vials or devices). A draw takes the mg from the open remainder first
(a vial already entered), opening sealed units only as needed; a device is single-use (its whole 28 mg is one
draw, ``spravato-hcp-dosing``). Nothing here reads the clock or a database.

>>> stock = Stock(on_hand_mg=Decimal(1000), sealed_units=2, mg_per_unit=Decimal(500))
>>> draw(stock, Decimal(35), field="dose_mg")
Draw(mg=Decimal('35'), units_opened=1)
>>> draw(Stock(Decimal(965), 1, Decimal(500)), Decimal(35), field="dose_mg").units_opened
0
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS, is_written_reason
from ketamine_trd.errors import CheckRefused, InputError

__all__ = [
    "CFR_SOURCES",
    "ENTRY_KINDS",
    "SUBSTANCES",
    "Balance",
    "CountVerdict",
    "Draw",
    "Stock",
    "balance",
    "draw",
    "judge_count",
]

#: the regulation texts this log follows (21 CFR part 1304)
CFR_SOURCES = {
    "cfr-1304-04": "21 CFR 1304.04(a): records and inventories kept at least 2 years",
    "cfr-1304-21": "21 CFR 1304.21(a),(d): complete and accurate, on a current basis, with the actual dates",
    "cfr-1304-22": "21 CFR 1304.22(c) with (a)(2): dispensers' records of receipts, dispensing and disposal",
}
#: the finished forms the log keeps: racemic ketamine in vials, esketamine (SPRAVATO) in 28 mg devices
SUBSTANCES: tuple[tuple[str, str], ...] = (("ketamine", "Ketamine vials"), ("esketamine", "Esketamine devices"))
#: what an entry of the log records; a correction reverses the entry it points at
ENTRY_KINDS: tuple[tuple[str, str], ...] = (
    ("receipt", "Received"),
    ("administration", "Administered"),
    ("waste", "Wasted (witnessed)"),
    ("correction", "Correction"),
    ("discrepancy", "Count discrepancy"),
)


@dataclass(frozen=True, slots=True)
class Stock:
    """A lot's stock: mg on hand, sealed (unopened) units, and the mg in one unit (a vial's or a device's)."""

    on_hand_mg: Decimal
    sealed_units: int
    mg_per_unit: Decimal

    @property
    def open_mg(self) -> Decimal:
        """The mg left in units already opened (a vial entered for an earlier dose).

        >>> Stock(Decimal(965), 1, Decimal(500)).open_mg
        Decimal('465')
        """
        return self.on_hand_mg - self.sealed_units * self.mg_per_unit


@dataclass(frozen=True, slots=True)
class Draw:
    """What one draw takes from a lot: mg, and how many sealed units it opens."""

    mg: Decimal
    units_opened: int


def draw(stock: Stock, mg: Decimal, *, field: str) -> Draw:
    """Take ``mg`` from ``stock``: the open remainder first, then whole sealed units; never more than on hand.

    >>> draw(Stock(Decimal(56), 2, Decimal(28)), Decimal(84), field="devices_used")
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.InputError: devices_used: 84 is more than the lot holds (allowed: at most 56 mg)
    """
    if mg <= 0:
        raise InputError(field, mg, "more than 0 mg")
    if mg > stock.on_hand_mg:
        raise InputError(field, mg, f"at most {stock.on_hand_mg.normalize():f} mg", reason="is more than the lot holds")
    from_sealed = max(Decimal(0), mg - stock.open_mg)
    opened = int((from_sealed / stock.mg_per_unit).to_integral_value(rounding=ROUND_CEILING))
    return Draw(mg, min(opened, stock.sealed_units))


@dataclass(frozen=True, slots=True)
class Balance:
    """A lot's book as of a date: the totals by kind, in mg, and what they leave on hand.

    ``adjusted_mg`` sums corrections and count discrepancies (each signed).
    """

    received_mg: Decimal
    administered_mg: Decimal
    wasted_mg: Decimal
    adjusted_mg: Decimal

    @property
    def on_hand_mg(self) -> Decimal:
        """Received - administered - wasted +/- corrections.

        >>> Balance(Decimal(1000), Decimal(35), Decimal(465), Decimal(-10)).on_hand_mg
        Decimal('490')
        """
        return self.received_mg - self.administered_mg - self.wasted_mg + self.adjusted_mg


def balance(entries: Iterable[tuple[str, Decimal]]) -> Balance:
    """The totals of ``(kind, signed mg change)`` entries (draws are negative changes).

    >>> balance([("receipt", Decimal(1000)), ("administration", Decimal(-35)), ("waste", Decimal(-465))]).on_hand_mg
    Decimal('500')
    """
    totals = {"receipt": Decimal(0), "administration": Decimal(0), "waste": Decimal(0), "adjusted": Decimal(0)}
    for kind, mg in entries:
        totals[kind if kind in ("receipt", "administration", "waste") else "adjusted"] += mg
    return Balance(totals["receipt"], -totals["administration"], -totals["waste"], totals["adjusted"])


@dataclass(frozen=True, slots=True)
class CountVerdict:
    """A physical count against the book: the difference (count - book), and whether it may close."""

    difference_mg: Decimal
    difference_units: int

    @property
    def discrepant(self) -> bool:
        return self.difference_mg != 0 or self.difference_units != 0


def judge_count(
    book: Stock, counted_mg: Decimal, counted_units: int, reason: str, *, field: str = "reason"
) -> CountVerdict:
    """Compare a physical count with the book; a discrepancy closes only with a written reason.

    >>> judge_count(Stock(Decimal(500), 1, Decimal(500)), Decimal(500), 1, "").discrepant
    False
    >>> try:
    ...     judge_count(Stock(Decimal(500), 1, Decimal(500)), Decimal(490), 1, "")
    ... except InputError as error:
    ...     print(error.allowed)
    The count is 10 mg short of the book (500 mg, 1 sealed): close it with a written reason of at least 15 characters.
    """
    verdict = CountVerdict(counted_mg - book.on_hand_mg, counted_units - book.sealed_units)
    if verdict.discrepant and not is_written_reason(reason):
        mg = verdict.difference_mg
        words = f"{abs(mg).normalize():f} mg {'short of' if mg < 0 else 'over'}" if mg else "off in sealed units from"
        raise CheckRefused(field, reason, f"The count is {words} the book ({book.on_hand_mg.normalize():f} mg, "
                           f"{book.sealed_units} sealed): close it with a written reason of at least "
                           f"{MIN_OVERRIDE_REASON_CHARS} characters.", reason="needs a written reason")  # fmt: skip
    return verdict
