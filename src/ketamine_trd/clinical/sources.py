"""The one registry of sources that every rule, finding and model cites.

Rules cite a source by id; :func:`get` refuses an unknown id, so a typo is an error at the
point of use and a test (``tests/test_sources.py``) checks every id cited in the code.

>>> get("S13").title.startswith("Daly")
True
>>> cite("S13")
'S13'
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from ketamine_trd.clinical.source_tables import all_sources
from ketamine_trd.clinical.source_tables._types import Source
from ketamine_trd.errors import UnknownTermError

__all__ = ["PLATFORM_DEFINED", "Source", "cite", "get", "registry"]

PLATFORM_DEFINED = "platform-defined"


@cache
def registry() -> Mapping[str, Source]:
    """All sources by id (read-only); raises if two tables define the same id."""
    table: dict[str, Source] = {}
    for source in all_sources():
        if source.id in table:
            raise RuntimeError(f"duplicate source id {source.id!r}")
        table[source.id] = source
    return MappingProxyType(table)


def get(source_id: str) -> Source:
    """The source with this id; an unknown id is an error."""
    try:
        return registry()[source_id]
    except KeyError:
        raise UnknownTermError("source", source_id, "an id from ketamine_trd.clinical.sources") from None


def cite(source_id: str) -> str:
    """Check that ``source_id`` exists and return it: use it where a rule names its source."""
    return get(source_id).id
