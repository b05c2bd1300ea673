"""Sources cited by the evidence area beyond the reference register (S-ids live in register).

Transcribed from ``shared/reference/evidence.md`` (sections 1-5, 11); ``provides`` keeps the
reference's confidence tag for the figures taken from each source.
"""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "berman-2000",
        "Berman et al., antidepressant effects of ketamine in depressed patients",
        year="2000",
        citation="Biol Psychiatry 47:351-354",
        location="scholars.mssm.edu (abstract)",
        kind="trial",
        provides="HDRS-25 change, 7 completers (H)",
    ),
    Source(
        "zarate-2006",
        "Zarate et al., randomized trial of an NMDA antagonist in treatment-resistant major depression",
        year="2006",
        citation="Arch Gen Psychiatry 63(8):856-864 (citation recalled; verify)",
        kind="trial",
        provides="n = 18, randomised crossover (as stated by the issue-11 review, L); results not verified (evidence.md s10)",
    ),
    Source(
        "murrough-2013-ajp",
        "Murrough et al., antidepressant efficacy of ketamine in TRD: a two-site randomized controlled trial",
        year="2013",
        citation="Am J Psychiatry 170:1134-1142; PMID 23982301",
        kind="trial",
        provides="MADRS change at 24 h vs midazolam (M); 24-h response 64% vs 28% as stated by the issue-11 review (L)",
    ),
    Source(
        "han-2016",
        "Han et al., efficacy of ketamine in the rapid treatment of major depressive disorder: a meta-analysis",
        year="2016",
        citation="Neuropsychiatr Dis Treat 2016;12:2859-2867",
        kind="review",
        provides="Ketamine response / remission at 24 h 52.2% / 20.6%, 72 h 47.9% / 23.8%, day 7 39.8% / 26.2% "
        "(9 RCTs, 368 patients; M, evidence.md s5); fitted by the benefit model",
    ),
    Source(
        "ge-bu-2021",
        "Geneesmiddelenbulletin, Esketamine bij ernstige depressie",
        year="2021",
        location="https://www.ge-bu.nl/artikel/esketamine-bij-ernstige-depressie",
        kind="review",
        provides="Esketamine's analgesic and anaesthetic potency is about twice that of racemic ketamine (M); "
        "the benefit model assumes the same ratio for mood",
    ),
    Source(
        "phillips-2019",
        "Phillips et al., single, repeated and maintenance ketamine infusions for TRD",
        year="2019",
        citation="Am J Psychiatry 176:401-409; PMID 30922101",
        kind="trial",
        provides="59% response after repeated infusions; maintenance (H)",
    ),
    Source(
        "wilkinson-2019",
        "Wilkinson et al., impact of midazolam vs saline on effect size estimates (IDA)",
        year="2019",
        citation="Neuropsychopharmacology 44:1233-1238; doi 10.1038/s41386-019-0317-8",
        kind="review",
        provides="Model response rates by comparator (M)",
    ),
    Source(
        "fedgchin-2019",
        "Fedgchin et al., TRANSFORM-1: fixed-dose esketamine nasal spray in TRD",
        year="2019",
        citation="Int J Neuropsychopharmacol 22:616-630; response/remission from Clin Pharmacol Ther 2020;109:536 Table 1 (PMC7894501); NCT02417064",
        kind="trial",
        provides="Day-28 response and remission (H)",
    ),
    Source(
        "popova-2019",
        "Popova et al., TRANSFORM-2: flexibly dosed esketamine nasal spray plus an oral antidepressant in TRD",
        year="2019",
        citation="Am J Psychiatry 176:428-438; Clin Pharmacol Ther 2020;109:536 Table 1 (PMC7894501); NCT02418585",
        kind="trial",
        provides="Response 69.3% vs 52.0%; remission (MADRS <= 12) 52.5% vs 31.0% (H)",
    ),
    Source(
        "ochs-ross-2020",
        "Ochs-Ross et al., TRANSFORM-3: esketamine in patients aged 65 and older",
        year="2020",
        citation="Am J Geriatr Psychiatry 28:121-141",
        kind="trial",
        provides="MADRS difference, response, remission (M/H)",
    ),
    Source(
        "wajs-2020",
        "Wajs et al., SUSTAIN-2: long-term esketamine safety and efficacy",
        year="2020",
        citation="J Clin Psychiatry 81(3):19m12891",
        kind="trial",
        provides="Remission at end of induction (M)",
    ),
    Source(
        "janik-2025",
        "Janik et al., esketamine monotherapy in TRD (TRD4005)",
        year="2025",
        citation="JAMA Psychiatry 2025; NCT04599855; PMID 40601310",
        kind="trial",
        provides="MADRS LS-mean differences; remission 22.5% vs 7.6% (H/M)",
    ),
    Source(
        "mcinnes-2022",
        "McInnes et al., real-world IV ketamine outcomes in community practices (Osmind ORKA-1)",
        year="2022",
        citation="J Affect Disord; doi 10.1016/j.jad.2021.12.097; PMID 35027209",
        location="osmind.org/orka1",
        kind="trial",
        provides="PHQ-9 response 53.6%, remission (PHQ-9 < 5) 28.9%; KM sustained response about 80% / 60% at 4 / 8 weeks (M/H)",
    ),
    Source(
        "oliver-2022",
        "Oliver et al., real-world IV ketamine in a multisite infusion-clinic network",
        year="2022",
        citation="J Clin Psychiatry 83(6):21m14336; PMID 36112599",
        kind="trial",
        provides="PHQ-9 response 50% and remission 20% within 6 weeks (H)",
    ),
    Source(
        "bahji-2022",
        "Bahji et al., ketamine for depression: a meta-analysis",
        year="2022",
        citation="Expert Opin Drug Saf; PMID 35231204",
        kind="review",
        provides="Response RR 2.14 (1.72-2.66); remission RR 1.64 (1.33-2.02) (H)",
    ),
    Source(
        "bahji-2021",
        "Bahji et al., comparative efficacy of racemic ketamine and esketamine",
        year="2021",
        citation="J Affect Disord 278:542-555; PMID 33022440",
        kind="review",
        provides="Direction only: racemic > esketamine (H); pooled RRs not found",
    ),
    Source(
        "cpt-2020-benefit-risk",
        "Esketamine nasal spray vs placebo in TRD: benefit-risk tables of the short-term trials (TRANSFORM-1/2/3)",
        year="2020",
        citation="Clin Pharmacol Ther 2021;109(2):536-546 (online 13 Oct 2020); doi 10.1002/cpt.2024; PMC7894501",
        location="https://pmc.ncbi.nlm.nih.gov/articles/PMC7894501/table/cpt2024-tbl-0001 and /table/cpt2024-tbl-0002",
        kind="trial",
        provides="Day-28 response and remission percentages with risk differences and 95% CIs per arm (H); "
        "the per-arm counts are derived from them (analytics/evidence_counts.py)",
    ),
)
