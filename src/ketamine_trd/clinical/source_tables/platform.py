"""The platform itself as a source: for rules no publication defines, labelled as such."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "platform-defined",
        "Platform-defined rule (no published definition exists)",
        kind="platform",
        provides="Operational rules that ketamine-trd defines because no published source does; "
        "every such rule is labelled 'platform-defined' wherever it is shown.",
    ),
    Source(
        "site-configuration",
        "Site configuration profile",
        kind="platform",
        provides="A threshold the sources do not settle, chosen by the clinic in a named, versioned profile.",
    ),
)
