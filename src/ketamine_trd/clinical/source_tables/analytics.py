"""Sources cited by the analytics area beyond the reference register (S-ids live in ``register``)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = ()
