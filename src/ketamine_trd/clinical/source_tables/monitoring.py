"""Sources cited by the monitoring area beyond the reference register (S-ids live in ``register``)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "spravato-pi-administration",
        "SPRAVATO US Prescribing Information, section 2 (administration) and Instructions for Use",
        year="2019–2025",
        location="Label copies, spravatohcp.com and the IFU as transcribed in protocols-and-monitoring.md §2.4; "
        "re-check against FDA Label set-id d81a6a79-a74a-44b7-822c-0dfa3036eaed (S4)",
        provides="Avoid food for at least 2 hours and liquids for at least 30 minutes before administration; "
        "nasal corticosteroid or decongestant at least 1 hour before; 5 minutes between devices; one 28 mg "
        "device per 28 mg; administration under direct observation of a healthcare provider",
        kind="label",
        citation="Janssen. SPRAVATO (esketamine) nasal spray, CIII. US Prescribing Information, section 2.",
    ),
    Source(
        "spravatohcp-dosing-trd",
        "SPRAVATO HCP site, TRD dosing page",
        year="≈2024–25",
        location="https://www.spravatohcp.com/dosing-spravato-trd",
        provides="Pulse oximetry at every treatment session (with the MIMS HK monograph; confidence H/M)",
        kind="web",
    ),
)
