"""Sources cited by the safety gates (dose checks at the chair, eligibility, staging, screening BP crisis)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "site-decision",
        "Site decision (no source settles the value)",
        kind="platform",
        provides="A value no publication settles (for example how far a charted dose may differ from the planned "
        "dose before a prescriber must give a reason), shipped as a named default that the site confirms or "
        "changes; shown as 'site decision' wherever it is used.",
    ),
    Source(
        "fekadu-2009",
        "Fekadu A, Wooderson S, Donaldson C, et al. A multidimensional tool to quantify treatment resistance in "
        "depression: the Maudsley staging method. J Clin Psychiatry 2009;70(2):177-184",
        year="2009",
        location="doi:10.4088/JCP.08m04309",
        kind="instrument",
        citation="J Clin Psychiatry 2009;70(2):177-184",
        provides="The Maudsley Staging Method as published: duration (1-3), severity (1-5), antidepressant "
        "failures (1-5), augmentation (0/1) and ECT (0/1); total 3-15 (restated in S20, Table 3).",
    ),
    Source(
        "acc-aha-2017-htn",
        "Whelton PK, Carey RM, Aronow WS, et al. 2017 ACC/AHA/AAPA/ABC/ACPM/AGS/APhA/ASH/ASPC/NMA/PCNA Guideline for "
        "the Prevention, Detection, Evaluation, and Management of High Blood Pressure in Adults. Hypertension "
        "2018;71:e13-e115",
        year="2017",
        location="doi:10.1161/HYP.0000000000000065 (section 11.2, hypertensive crises)",
        kind="consensus",
        citation="Hypertension 2018;71:e13-e115",
        provides="Hypertensive crisis: SBP > 180 mmHg and/or DBP > 120 mmHg (urgency or emergency).",
    ),
    Source(
        "traynor-1995",
        "Traynor AM, Nafziger AN, Bertino JS Jr. Aminoglycoside dosing weight correction factors for patients of "
        "various body sizes. Antimicrob Agents Chemother 1995;39(2):545-548",
        year="1995",
        location="doi:10.1128/AAC.39.2.545 (PMID 7726530)",
        kind="trial",
        citation="Antimicrob Agents Chemother 1995;39(2):545-548",
        provides="The dosing-weight correction IBW + 0.4 x (TBW - IBW) (prior convention; 0.43 derived in 1,708 "
        "patients): the conventional adjusted-body-weight factor 0.4. An aminoglycoside convention: not established "
        "for ketamine (confidence M).",
    ),
)
