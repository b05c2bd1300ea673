"""Sources cited by the measurement area (instruments, outcomes, surveillance) beyond the S-register.

Rows are transcribed from ``shared/reference/instruments-and-outcomes.md``; ``provides`` keeps
the reference's confidence tag (H, M, L) for what each source supports.
"""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source


def _instrument(sid: str, title: str, year: str, citation: str, provides: str, location: str = "") -> Source:
    return Source(sid, title, year=year, citation=citation, provides=provides, location=location, kind="instrument")


def _trial(sid: str, title: str, year: str, citation: str, provides: str, location: str = "") -> Source:
    return Source(sid, title, year=year, citation=citation, provides=provides, location=location, kind="trial")


SOURCES: tuple[Source, ...] = (
    _instrument(
        "kroenke-2001",
        "Kroenke, Spitzer & Williams: The PHQ-9, validity of a brief depression severity measure",
        "2001",
        "J Gen Intern Med 16:606-613",
        "PHQ-9 structure (9 x 0-3, total 0-27), severity bands 0-4/5-9/10-14/15-19/20-27 (H)",
    ),
    _instrument(
        "kroenke-2003",
        "Kroenke, Spitzer & Williams: The Patient Health Questionnaire-2",
        "2003",
        "Med Care 41:1284-1292",
        "PHQ-2 = PHQ-9 items 1-2, total 0-6; cut-off >= 3 (sensitivity 83%, specificity 92%) (H)",
    ),
    Source(
        "loinc",
        "LOINC (Regenstrief), as mirrored in FHIR package registries and US Core examples",
        kind="standard",
        location="https://loinc.org",
        provides="PHQ-9 44249-1/44261-6 and item codes, PHQ-2 55757-9/55758-7, GAD-7 70274-6 (H), "
        "69737-5 (M), MoCA 72133-2/72172-0, C-SSRS risk level 93374-7 (M/H)",
    ),
    _instrument(
        "rush-2003",
        "Rush et al.: The 16-item QIDS, clinician rating (QIDS-C) and self-report (QIDS-SR)",
        "2003",
        "Biol Psychiatry 54:573-583",
        "QIDS-SR16/C16 structure and the three max() rules (H)",
    ),
    Source(
        "ids-qids",
        "IDS/QIDS website: scoring, administration and interpretation pages",
        kind="web",
        location="https://ids-qids.org",
        provides="QIDS severity bands 0-5/6-10/11-15/16-20/21-27; paper versions free; electronic use to be confirmed "
        "with the copyright holder (H/M)",
    ),
    _instrument(
        "montgomery-asberg-1979",
        "Montgomery & Asberg: A new depression scale designed to be sensitive to change",
        "1979",
        "Br J Psychiatry 134:382-389",
        "MADRS structure (10 x 0-6, total 0-60) (H)",
    ),
    Source(
        "snaith-1986",
        "Snaith et al.: Grade scores of the MADRS",
        year="1986",
        citation="Br J Psychiatry 148:599-601",
        kind="instrument",
        provides="MADRS bands 0-6 normal, 7-19 mild, 20-34 moderate, 35-60 severe (M/H)",
    ),
    Source(
        "camcops-licences",
        "CamCOPS task documentation (bprs.rst, cgi.rst, hamd.rst, _tasks_missing.rst)",
        kind="web",
        location="github.com/ucam-department-of-psychiatry/camcops docs/source/tasks",
        provides="MADRS permission refused (licence-required); HAM-D, BPRS, CGI public domain (H)",
    ),
    _trial(
        "nct04007367",
        "Janssen esketamine study NCT04007367, ClinicalTrials.gov outcome text",
        "2019",
        "ClinicalTrials.gov NCT04007367",
        "HAM-D17 structure (9 x 0-4 + 8 x 0-2, total 0-52) (H); relapse = 2 consecutive HAM-D >= 18 "
        "7-14 days apart, or hospitalisation, or suicide risk (H)",
    ),
    _instrument(
        "hamilton-1960",
        "Hamilton: A rating scale for depression",
        "1960",
        "J Neurol Neurosurg Psychiatry 23:56-62",
        "HAM-D item structure",
    ),
    Source(
        "zimmerman-2013",
        "Zimmerman et al.: Severity classification on the HAM-D",
        year="2013",
        citation="J Affect Disord 150:384-388",
        kind="instrument",
        provides="HAM-D17 bands 0-7 none, 8-16 mild, 17-23 moderate, >= 24 severe (H/M)",
    ),
    _instrument(
        "spitzer-2006",
        "Spitzer, Kroenke, Williams & Lowe: A brief measure for assessing generalized anxiety disorder (GAD-7)",
        "2006",
        "Arch Intern Med 166:1092-1097",
        "GAD-7 structure (7 x 0-3) and bands 0-4/5-9/10-14/15-21 (H)",
    ),
    _instrument(
        "cssrs-triage",
        "Columbia C-SSRS Screen Version and clinical triage guidelines (NINDS CDE page; docsbay copy)",
        "2008-2016",
        "cssrs.columbia.edu; NINDS Common Data Elements",
        "Screener questions 1-6, Q3-Q5 only if Q2 = yes; triage high (Q4/Q5, behaviour in past 3 months), "
        "moderate (Q3, older behaviour), low (Q1/Q2 only) (H/M)",
    ),
    Source(
        "clario-cssrs",
        "Clario (ERT) C-SSRS licensing page",
        kind="web",
        location="clario.com",
        provides="Electronic C-SSRS implementations exclusively licensed, with fees (H)",
    ),
    _trial(
        "nct04226963",
        "NIMH ketamine study NCT04226963, ClinicalTrials.gov description",
        "2020",
        "ClinicalTrials.gov NCT04226963",
        "CADSS 23 x 0-4 (total 0-92) in ketamine trials (H); BPRS positive subscale with 0-6 coding (M)",
    ),
    _instrument(
        "bremner-1998",
        "Bremner et al.: Measurement of dissociative states with the CADSS",
        "1998",
        "J Trauma Stress 11:125-136",
        "CADSS original structure (M)",
    ),
    _instrument(
        "rodrigues-2021",
        "Rodrigues et al.: A simplified 6-item CADSS (CADSS-6) for ketamine infusions",
        "2021",
        "J Affect Disord 282:160-164",
        "CADSS-6 = CADSS-23 items 1, 2, 6, 7, 15, 22; derived from IV racemic ketamine data (M)",
    ),
    Source(
        "bprs-positive-nimh",
        "BPRS positive-symptom subscale in NIMH ketamine protocols (pubcompare copies)",
        kind="instrument",
        provides="4 items: suspiciousness, hallucinatory behaviour, unusual thought content, conceptual "
        "disorganisation; 1-7 coding (4-28) or 0-6 coding (0-24) (M)",
    ),
    _instrument(
        "chernik-1990",
        "Chernik et al.: Validity and reliability of the OAA/S scale (MOAA/S levels)",
        "1990",
        "J Clin Psychopharmacol 10:244-251",
        "MOAA/S 0-5 levels (M/H)",
    ),
    Source(
        "jnj-sedation",
        "J&J Medical Information: SPRAVATO sedation (MOAA/S in the esketamine programme)",
        kind="label",
        year="2025",
        provides="MOAA/S 4 = mild sedation, <= 3 = moderate or greater; 0 = loss of consciousness (M)",
    ),
    _instrument(
        "guy-1976",
        "Guy: ECDEU Assessment Manual for Psychopharmacology (CGI)",
        "1976",
        "US DHEW publication ADM 76-338",
        "CGI-S and CGI-I 1-7 anchors; CGI-I <= 2 = responder (H)",
    ),
    Source(
        "harm-research-sds",
        "Harm Research Institute: Sheehan Disability Scale licence page",
        kind="web",
        location="harmresearch.org",
        provides="SDS 3 x 0-10 (total 0-30) plus days lost/unproductive; licence required; >= 5 on any item = "
        "significant impairment (M)",
    ),
    _instrument(
        "oleary-1997",
        "O'Leary et al.: The interstitial cystitis symptom index and problem index",
        "1997",
        "Urology 49(5A Suppl):58-63",
        "ICSI 4 items (0-20), ICPI 4 items (0-16), past month (M)",
    ),
    _instrument(
        "nasreddine-2005",
        "Nasreddine et al.: The Montreal Cognitive Assessment, MoCA",
        "2005",
        "J Am Geriatr Soc 53:695-699",
        "30-point screen; +1 point if <= 12 years of education; cut-off 26 (H)",
    ),
    Source(
        "moca-certification",
        "mocacognition.com training and certification letter",
        kind="web",
        year="2019",
        provides="Certified raters only from 1 Sept 2020; licence needed for app use (H)",
    ),
    _trial(
        "nct02493868",
        "SUSTAIN-1 (NCT02493868) ClinicalTrials.gov results text",
        "2019",
        "ClinicalTrials.gov NCT02493868 (meddatax mirror)",
        "Relapse: MADRS >= 22 on 2 consecutive assessments 5-15 days apart, or hospitalisation for worsening "
        "depression or another relapse event; stable remission (M/H)",
    ),
    Source(
        "cochrane-cd011612",
        "Cochrane review CD011612.pub3 (methods) and NCQA/MNCM depression response measure text",
        kind="review",
        provides="Response = >= 50% reduction from baseline total (H)",
    ),
    Source(
        "cms159",
        "CMS159 eCQM Depression Remission at Twelve Months (cqframework ecqm-content-qicore-2025)",
        kind="standard",
        provides="PHQ-9 remission < 5 (H)",
    ),
    _trial(
        "trivedi-2006",
        "Trivedi et al.: STAR*D level 1 outcomes",
        "2006",
        "Am J Psychiatry 163:28-40",
        "Remission QIDS-SR16 <= 5 and HRSD-17 <= 7 (H)",
    ),
    _trial(
        "turkoz-2021",
        "Turkoz et al.: Early response to esketamine (pooled TRANSFORM-1/2)",
        "2021",
        "J Clin Psychiatry 82(4):20m13800",
        "Early response = >= 50% MADRS reduction at day 2 (24 h after the first dose) (M/H)",
    ),
    _trial(
        "aspire-consistent-remission",
        "ASPIRE consistent remission and NCT03321526 sustained remission (registry text)",
        "2020",
        "ClinicalTrials.gov NCT03321526; ASPIRE I/II",
        "Sustained / consistent remission = remission at two consecutive visits (M)",
    ),
    Source(
        "simon-2013",
        "Simon et al.: Does response on the PHQ-9 depression questionnaire predict subsequent suicide attempt or "
        "suicide death? (with Louzon et al. 2016, VHA cohort)",
        year="2013",
        citation="Psychiatr Serv 2013;64:1195-1202; Louzon et al. Psychiatr Serv 2016;67:517-522",
        kind="review",
        provides="PHQ-9 item 9: 1-year suicide-attempt risk rises from about 0.4% (item 0) to about 4% (item 3); "
        "71.6% of VHA suicide decedents answered 0, so item 9 is not a sufficient screen (M, via "
        "instruments-and-outcomes.md 1d). The safety workflow itself (item 9 > 0 fires a review whatever the total) "
        "is the reference's encoding rule 8, not a published protocol.",
    ),
)
