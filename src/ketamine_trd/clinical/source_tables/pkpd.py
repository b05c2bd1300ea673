"""Sources cited by the pkpd area beyond the reference register (S-ids live in register)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        "perez-ruixo-2021",
        "Perez-Ruixo C et al. Population pharmacokinetics of esketamine nasal spray and its metabolite "
        "noresketamine in healthy subjects and patients with TRD",
        year="2021",
        location="Clin Pharmacokinet 2021;60(4):501-516; doi:10.1007/s40262-020-00953-4; values traced in "
        "nlmixr2/nlmixr2lib inst/modeldb/specificDrugs/PerezRuixo_2020_esketamine.R (commit 00785fd9)",
        provides="Esketamine/noresketamine model (Table 3), Table 4 Cmax/AUC targets, errata via nlmixr2lib",
        kind="model",
    ),
    Source(
        "simons-2022",
        "Simons P et al. S-ketamine oral thin film part 1: population PK of S-ketamine, S-norketamine and "
        "S-hydroxynorketamine",
        year="2022",
        location="Front Pain Res 2022;3:946486; doi:10.3389/fpain.2022.946486; values traced in nlmixr2/nlmixr2lib "
        "inst/modeldb/specificDrugs/Simons_2022_s_ketamine.R; IV peak 260-273 ng/mL in P. Simons' thesis (2024) ch. 2",
        provides="S-ketamine/S-norketamine/S-HNK model (Table 4); 20 mg IV over 20 min peak arterial 260-273 ng/mL",
        kind="model",
    ),
    Source(
        "opentiva-ketamine",
        "opentiva: ketamine models (Clements 1981, Domino 1982, Hijazi 2003) as coded",
        year="n/a",
        location="github opentiva/opentiva, opentiva/ketamine.py (micro-constants per min)",
        provides="Clements 250 ug/kg two-compartment disposition [M: not checked against BJA 1981;53:27]",
        kind="model",
    ),
    Source(
        "kamp-2020",
        "Kamp J et al. Ketamine pharmacokinetics: systematic review, meta-analysis and population analysis",
        year="2020",
        location="Anesthesiology 2020;133(6):1192-1213; doi:10.1097/ALN.0000000000003577 (abstract)",
        provides="Racemic CL 79 L/h (95% CI 69-90) and Vd 252 L per 70 kg",
        kind="review",
    ),
    Source(
        "fanta-2015",
        "Fanta S et al. Population PK of S-ketamine and norketamine after IV and oral dosing",
        year="2015",
        location="Eur J Clin Pharmacol 2015;71(4):441-447; doi:10.1007/s00228-015-1826-y",
        provides="S-ketamine CL IIV 13%, oral F 8% (IIV 11%)",
        kind="model",
    ),
    Source(
        "yanagihara-2003",
        "Yanagihara Y et al. Plasma concentration profiles of ketamine and norketamine after IV, nasal and "
        "buccal/oral administration",
        year="2003",
        location="Biopharm Drug Dispos 2003;24:37; doi:10.1002/bdd.336 (n=3)",
        provides="Oral F about 20%, IN spray 25 mg F about 45%, terminal t1/2 about 2 h",
        kind="trial",
    ),
    Source(
        "rolan-2014",
        "Rolan P et al. Sublingual ketamine wafer pharmacokinetics",
        year="2014",
        location="Br J Clin Pharmacol 2014;77:1011; doi:10.1111/bcp.12264",
        provides="SL wafer 25 mg: F 29% (90% CI 27-31), Tmax 0.75 h",
        kind="trial",
    ),
    Source(
        "pharmacotherapy-2022",
        "Intranasal racemic ketamine pharmacokinetics (Pharmacotherapy 2022;42:298-310), Table 6",
        year="2022",
        location="https://pmc.ncbi.nlm.nih.gov/articles/PMC9118341 ; doi:10.1002/phar.2669",
        provides="IN F 17/13/11% at 10/30/50 mg; Tmax 14-23 min; IN 30/50 mg Cmax 60.8/77.6 ng/mL; IV 10 mg Cmax",
        kind="trial",
    ),
    Source(
        "primidi-ketamine-pk",
        "Ketamine pharmacokinetics summary page (Wikipedia-derived; usually attributed to Clements 1982)",
        year="n/a",
        location="primidi.com/ketamine/pharmacokinetics",
        provides="IM F 93%, IM Tmax 5-15 min [L: primary NOT FOUND]",
        kind="web",
    ),
    Source(
        "zanos-2018",
        "Zanos P et al. Ketamine and ketamine metabolite pharmacology, Pharmacol Rev 2018;70:621, Table 1",
        year="2018",
        location="https://pmc.ncbi.nlm.nih.gov/articles/PMC6020109/table/T1",
        provides="0.5 mg/kg over 40 min Cmax about 185 ng/mL (Zarate 2006); dissociation 100-250 ng/mL "
        "(Krystal 1994); oral 0.5 mg/kg Cmax 45 ng/mL (Grant 1981)",
        kind="review",
    ),
    Source(
        "spravato-label-pk",
        "SPRAVATO USPI section 12.3 as republished (mdedge Current Psychiatry, Intranasal esketamine)",
        year="2019",
        location="https://www.mdedge.com/currentpsychiatry/article/199869/depression/intranasal-esketamine/page/0/3",
        provides="Esketamine t1/2 7-12 h; Tmax 20-40 min after the last spray [M]",
        kind="label",
    ),
    Source(
        "bowdle-1998",
        "Bowdle TA et al. Psychedelic effects of ketamine in healthy volunteers: relationship to steady-state "
        "plasma concentrations",
        year="1998",
        location="Anesthesiology 1998;88(1):82-88; doi:10.1097/00000542-199801000-00015",
        provides="VAS scores linear in concentration between 50 and 200 ng/mL (slopes NOT FOUND)",
        kind="trial",
    ),
    Source(
        "simons-2022-pd",
        "Simons P et al. S-ketamine oral thin film part 2: pharmacodynamics (Front Pain Res 3:946487)",
        year="2022",
        location="Front Pain Res 2022;3:946487",
        provides="Drug high C50 0.3 nmol/mL (about 71 ng/mL); Emax/gamma/ke0 NOT FOUND",
        kind="model",
    ),
    Source(
        "salloum-2020",
        "Salloum NC et al. Time to relapse after a single IV ketamine augmentation in unipolar TRD",
        year="2020",
        location="J Affect Disord 2020;260:131-139",
        provides="Relapse by day 14 by dose (0.1/0.5/1.0 mg/kg); no fitted durability model",
        kind="trial",
    ),
    Source(
        "langsjo-2005",
        "Langsjo JW et al. S-ketamine anesthesia increases cerebral blood flow (haemodynamics)",
        year="2005",
        location="Anesthesiology 2005;103(2):258",
        provides="HR up to +43.5%, MAP up to +27% at 159 and 1959 ng/mL (no fitted model)",
        kind="trial",
    ),
)
