"""Stable resource ids and references inside an exported Bundle.

Every resource gets a UUID derived from the exporting system, the record kind and the record's own
id (UUID version 5), so that exporting the same data twice gives the same ids and references.

>>> a = Ids("harbour").id("patient", "12")
>>> a == Ids("harbour").id("patient", "12"), a == Ids("harbour").id("patient", "13")
(True, False)
>>> Ids("harbour").ref("patient", "12").startswith("urn:uuid:")
True
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ketamine_trd.interop.fhir.codes import BASE

__all__ = ["Ids"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


@dataclass(frozen=True, slots=True)
class Ids:
    """Ids for one exporting system (a clinic slug)."""

    system: str

    def id(self, kind: str, record_id: str) -> str:
        """The resource id (a UUID string) of record ``record_id`` of ``kind``."""
        return str(uuid.uuid5(_NAMESPACE, f"{self.system}/{kind}/{record_id}"))

    def ref(self, kind: str, record_id: str) -> str:
        """The ``urn:uuid:`` reference (and Bundle ``fullUrl``) of that resource."""
        return f"urn:uuid:{self.id(kind, record_id)}"
