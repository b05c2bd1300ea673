"""Sources cited by the core area beyond the reference register (S-ids live in register)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "devine-1974",
        "Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650-655 (the Devine ideal-body-weight formula)",
        year="1974",
        kind="review",
        provides="Ideal body weight: 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch over 5 feet. Read in secondary "
        "restatements (Peterson et al., Am J Clin Nutr 2016;103:1197, PMC4841935, and calculator pages); the 1974 "
        "paper itself was not read (confidence M).",
        citation="Drug Intell Clin Pharm 1974;8:650-655",
    ),
    Source(
        "adjbw-0.4-convention",
        "Adjusted body weight = IBW + 0.4 x (actual - IBW): dosing convention for drugs that distribute partly into fat",
        kind="web",
        provides="The 0.4 correction factor; drug-specific, not established for ketamine (calculator and drug-reference "
        "pages; confidence M). Used only when a site selects the adjusted basis.",
    ),
    Source(
        "spravato-hcp-dosing",
        "SPRAVATO HCP site, dosing pages (spravatohcp.com/dosing-spravato-trd) and label copies",
        year="≈2024-25",
        location="https://www.spravatohcp.com/dosing-spravato-trd",
        kind="label",
        provides="Dosing by indication and phase: TRD day 1 56 mg, then 56 or 84 mg twice weekly weeks 1-4, weekly "
        "weeks 5-8, weekly or every 2 weeks from week 9; MDSI 84 mg twice weekly for 4 weeks; 28-mg devices; 5 minutes "
        "between devices (protocols-and-monitoring.md 2.2 and 2.4, H/M).",
    ),
)
