"""The report of an import: one line per Bundle entry, and the counts.

>>> r = ImportReport.of([ImportEntry(0, "Patient", "p1", "created"), ImportEntry(1, "Observation", "o1", "rejected",
...                      ("missing answers",))], dry_run=False, source="x")
>>> r.counts["created"], r.counts["rejected"]
(1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ketamine_trd.errors import InputError

__all__ = ["OUTCOMES", "ImportEntry", "ImportReport"]

#: created and updated rows; unchanged (already imported, same content); rejected (nothing kept); skipped.
OUTCOMES = ("created", "updated", "unchanged", "rejected", "skipped")


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """What happened to one entry: its position, type and id, the outcome, the reasons, the row it made."""

    index: int
    resource_type: str
    resource_id: str
    outcome: str
    reasons: tuple[str, ...] = ()
    target: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise InputError("outcome", self.outcome, ", ".join(OUTCOMES))


@dataclass(frozen=True, slots=True)
class ImportReport:
    """All entries of one import, in Bundle order, with counts by outcome."""

    dry_run: bool
    source: str
    entries: tuple[ImportEntry, ...]

    @classmethod
    def of(cls, entries: Iterable[ImportEntry], *, dry_run: bool, source: str) -> ImportReport:
        """A report from its entries (sorted by index)."""
        return cls(dry_run, source, tuple(sorted(entries, key=lambda e: e.index)))

    @property
    def counts(self) -> dict[str, int]:
        """How many entries had each outcome (every outcome listed, zero included), derived from the entries."""
        return {name: sum(1 for e in self.entries if e.outcome == name) for name in OUTCOMES}

    def by_outcome(self, outcome: str) -> tuple[ImportEntry, ...]:
        """The entries with this outcome."""
        return tuple(e for e in self.entries if e.outcome == outcome)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape returned by the API and ``ktrd fhir import --json``."""
        return {
            "dry_run": self.dry_run,
            "source": self.source,
            "counts": dict(self.counts),
            "entries": [
                {
                    "index": e.index,
                    "resource_type": e.resource_type,
                    "resource_id": e.resource_id,
                    "outcome": e.outcome,
                    "reasons": list(e.reasons),
                    "target": e.target,
                }
                for e in self.entries
            ],
        }
