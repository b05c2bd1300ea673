"""The ``Source`` value shared by every source table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """One citable source.

    ``id`` is what rules and findings cite: the reference register's ``S1``..``S47``, or a
    short slug (``perez-ruixo-2021``) for sources found beyond the register. ``kind`` is one
    of ``label``, ``rems``, ``consensus``, ``trial``, ``instrument``, ``review``, ``model``,
    ``standard``, ``web``, ``platform`` or ``reference`` (the default for register rows).
    ``effective_date`` is set for versioned documents such as labels (ISO date).
    """

    id: str
    title: str
    year: str = ""
    location: str = ""
    provides: str = ""
    kind: str = "reference"
    citation: str = ""
    effective_date: str | None = None
    version: str | None = None
