"""Sources cited by the analytics area beyond the reference register (S-ids live in ``register``)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "niciu-2014",
        "Niciu et al., clinical predictors of ketamine response in TRD",
        year="2014",
        citation="J Clin Psychiatry 75:e417-e423",
        kind="trial",
        provides="Standardised weights: BMI -0.30 (230 min); family history of AUD -0.27 (day 1) (H/M)",
    ),
    Source(
        "luckenbaugh-2014",
        "Luckenbaugh et al., do the dissociative side effects of ketamine mediate its antidepressant effects?",
        year="2014",
        citation="J Affect Disord 159:56-61",
        kind="trial",
        provides="CADSS at 40 min vs MADRS change: r = -0.35 (230 min), -0.41 (day 7) (H/M)",
    ),
    Source(
        "chinn-2000",
        "Chinn, a simple method for converting an odds ratio to effect size for use in meta-analysis",
        year="2000",
        citation="Stat Med 19:3127-3131",
        kind="model",
        provides="ln(OR) = d * pi / sqrt(3), used to turn standardised effects into log odds ratios",
    ),
    Source(
        "colditz-1994",
        "Colditz et al., efficacy of BCG vaccine in the prevention of tuberculosis: meta-analysis",
        year="1994",
        citation="JAMA 271:698-702 (the dat.bcg example data of metafor)",
        kind="review",
        provides="13 two-arm trials used as the worked example of random-effects meta-analysis",
    ),
    Source(
        "viechtbauer-2010",
        "Viechtbauer, conducting meta-analyses in R with the metafor package",
        year="2010",
        citation="J Stat Softw 36(3):1-48; test file tests/testthat/test_rma.uni_vs_metan_dat.bcg.r (cran/metafor)",
        kind="model",
        provides="Published DL and EE results for dat.bcg, matched against Stata metan",
    ),
    Source(
        "omop-cdm-54",
        "OHDSI OMOP Common Data Model v5.4",
        year="2021",
        location="https://ohdsi.github.io/CommonDataModel/cdm54.html",
        kind="standard",
        provides="Target tables of the documented research-export mapping (ecosystem.md s6.6)",
    ),
    Source(
        "redcap-data-dictionary",
        "REDCap data dictionary (CSV) format",
        year="current",
        location="REDCap how-to; ecosystem.md s4.3",
        kind="standard",
        provides="Columns of the data dictionary the export writes",
    ),
)
