"""The hash chain of the audit trail, as pure functions (no Django, no database).

Each entry is hashed with SHA-256 over a canonical JSON serialisation of its fields *and*
the hash of the entry before it, so that editing, inserting or deleting any entry breaks
every hash after it. Sequence numbers run 1, 2, 3 ... without gaps, so that a deletion is
seen even where the hashes were recomputed from that point on; the chain head (last
sequence number and hash) is kept apart, so that deleting the newest entries is seen too.

>>> first = entry_hash({"seq": 1, "action": "login"}, GENESIS_HASH)
>>> len(first), first == entry_hash({"action": "login", "seq": 1}, GENESIS_HASH)
(64, True)
>>> first == entry_hash({"seq": 1, "action": "logout"}, GENESIS_HASH)
False
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry of a chain."""

HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "changed_fields",
    "ip",
    "outcome",
    "detail",
)
"""The fields of an entry that the hash covers (with ``prev_hash``), in canonical order."""


def canonical(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The canonical bytes hashed for one entry: sorted-key compact JSON, UTF-8.

    >>> canonical({"seq": 1, "action": "read"}, GENESIS_HASH)[:30]
    b'{"action":"read","prev_hash":"'
    """
    payload = dict(fields)
    payload["prev_hash"] = prev_hash
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of one entry chained to ``prev_hash``."""
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """One place where the chain does not hold: the sequence number, what is wrong, in a sentence."""

    seq: int
    problem: str
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of checking a chain: ``ok`` when no break was found."""

    entries: int
    head_seq: int
    head_hash: str
    breaks: tuple[ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One stored entry as read back: its hashed fields, and the two hashes stored with it."""

    fields: Mapping[str, Any]
    prev_hash: str
    hash: str

    @property
    def seq(self) -> int:
        return int(self.fields["seq"])


def check_chain(
    entries: Iterable[StoredEntry],
    *,
    head_seq: int | None = None,
    head_hash: str | None = None,
    max_breaks: int = 100,
) -> ChainReport:
    """Check entries (in ``seq`` order) and, when given, the separately kept chain head.

    Detects an edited entry (hash mismatch), an inserted or deleted entry (a gap or repeat
    in sequence numbers, or a ``prev_hash`` that is not the previous entry's hash), and a
    deletion of the newest entries (the head is ahead of the last entry).

    >>> a = {"seq": 1, "action": "read"}
    >>> e1 = StoredEntry(a, GENESIS_HASH, entry_hash(a, GENESIS_HASH))
    >>> check_chain([e1], head_seq=1, head_hash=e1.hash).ok
    True
    >>> edited = StoredEntry({"seq": 1, "action": "delete"}, GENESIS_HASH, e1.hash)
    >>> check_chain([edited]).breaks[0].problem
    'hash_mismatch'
    """
    breaks: list[ChainBreak] = []
    expected_seq = 1
    prev = GENESIS_HASH
    count = 0

    def add(seq: int, problem: str, message: str) -> None:
        if len(breaks) < max_breaks:
            breaks.append(ChainBreak(seq, problem, message))

    for entry in entries:
        count += 1
        seq = entry.seq
        if seq != expected_seq:
            add(seq, "sequence_gap", f"entry {seq} follows entry {expected_seq - 1}: entries missing or inserted")
        if entry.prev_hash != prev:
            add(seq, "link_mismatch", f"entry {seq} does not link to the entry before it")
        if entry_hash(entry.fields, entry.prev_hash) != entry.hash:
            add(seq, "hash_mismatch", f"entry {seq} was changed after it was written")
        expected_seq = seq + 1
        prev = entry.hash
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        add(last_seq, "head_mismatch", f"the chain head says {head_seq} entries but the last entry is {last_seq}")
    elif head_hash is not None and count and head_hash != prev:
        add(last_seq, "head_mismatch", "the chain head's hash is not the last entry's hash")
    return ChainReport(count, last_seq, prev, tuple(breaks))
