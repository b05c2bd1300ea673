"""Source tables, one module per area, merged into one registry by ``clinical.sources``.

Add a module here (a tuple named ``SOURCES``) and list it in ``TABLES``; ids must be unique
across all tables (a test checks this).
"""

from __future__ import annotations

from importlib import import_module

from ketamine_trd.clinical.source_tables._types import Source

TABLES: tuple[str, ...] = (
    "register",
    "platform",
    "core",
    "monitoring",
    "instruments",
    "pkpd",
    "evidence",
    "analytics",
    "standards",
    "safety",
    "medications",
)


def all_sources() -> tuple[Source, ...]:
    """Every source of every table, in table order."""
    found: list[Source] = []
    for name in TABLES:
        module = import_module(f"{__name__}.{name}")
        found.extend(module.SOURCES)
    return tuple(found)
