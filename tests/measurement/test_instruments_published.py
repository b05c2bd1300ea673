"""Worked examples transcribed from each instrument's published source (the test names the source id).

The cases come from ``shared/reference/instruments-and-outcomes.md`` §1a-1d, which transcribes
the sources cited: structure and ranges, band boundaries, scoring rules and triage rules.
"""

from __future__ import annotations

import pytest

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.sources import registry
from ketamine_trd.errors import InputError


def answers_for(instrument_id: str, target: int) -> list[int]:
    """A plain-sum answer set (items from 0) reaching ``target``: fill items from the first, each to its maximum."""
    out: list[int] = []
    left = target
    for item in instruments.get(instrument_id).items:
        assert item.low == 0
        out.append(min(item.high, left))
        left -= out[-1]
    assert left == 0
    return out


# --- PHQ-9: Kroenke 2001 bands (kroenke-2001) ---------------------------------------------------
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none-minimal"),
        (4, "none-minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_kroenke_2001(total: int, band: str) -> None:
    answers = answers_for("phq9", total)  # item 9 stays 0 up to a total of 24
    result = instruments.score("phq9", answers)
    assert result.total == total
    assert result.severity == band
    assert result.severity_source == "kroenke-2001"


def test_phq9_item9_alert_whatever_the_total_kroenke_2001() -> None:
    # Reference §1d: item 9 > 0 is a safety event independent of the total (total 1 here).
    result = instruments.score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1 and result.severity == "none-minimal"
    assert [a.code for a in result.alerts] == ["phq9.item9_positive"]
    assert result.alerts[0].level == "critical" and result.alerts[0].kind == "suicide_item"
    assert result.followups == ("cssrs-screener",)
    quiet = instruments.score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert quiet.total == 24 and not quiet.alerts and not quiet.followups


def test_phq9_loinc_codes_loinc() -> None:
    phq9 = instruments.get("phq9")
    assert phq9.loinc == {"panel": "44249-1", "total": "44261-6"}
    assert phq9.item("q9").loinc == "44260-8"


# --- PHQ-2: Kroenke 2003 cut-off >= 3 (kroenke-2003) -------------------------------------------
@pytest.mark.parametrize(("answers", "positive"), [([1, 1], False), ([2, 0], False), ([2, 1], True), ([3, 3], True)])
def test_phq2_positive_screen_makes_phq9_due_kroenke_2003(answers: list[int], positive: bool) -> None:
    result = instruments.score("phq2", answers)
    assert result.total == sum(answers)
    assert (result.followups == ("phq9",)) is positive
    assert result.severity == ("positive" if positive else "negative")


# --- QIDS: the three max() rules (rush-2003) ---------------------------------------------------
def test_qids_sr16_max_rules_rush_2003() -> None:
    # sleep items 1-4 -> max 3; item 5 = 2; appetite/weight 6-9 -> max 2; items 10-14 = 1 each;
    # psychomotor 15-16 -> max 3. Total = 3 + 2 + 2 + 5 + 3 = 15 (a naive sum would be 21).
    answers = [3, 2, 1, 0, 2, 2, 0, 1, 0, 1, 1, 1, 1, 1, 3, 2]
    result = instruments.score("qids-sr16", answers)
    assert sum(answers) == 21
    assert result.total == 15
    assert result.severity == "moderate"  # ids-qids: 11-15 moderate


def test_qids_all_threes_is_27_not_48_rush_2003() -> None:
    for instrument_id in ("qids-sr16", "qids-c16"):
        assert instruments.score(instrument_id, [3] * 16).total == 27
        assert instruments.get(instrument_id).total_range == (0, 27)


@pytest.mark.parametrize(
    ("total", "band"),
    [(5, "none"), (6, "mild"), (10, "mild"), (11, "moderate"), (16, "severe"), (20, "severe"), (21, "very severe")],
)
def test_qids_bands_ids_qids(total: int, band: str) -> None:
    # 9 domains; put the total on single-item domains first (items 5, 10-14), then the max groups.
    answers = [0] * 16
    left = total
    for index in (4, 9, 10, 11, 12, 13, 0, 5, 14):
        answers[index] = min(3, left)
        left -= answers[index]
    result = instruments.score("qids-c16", answers)
    assert result.total == total and result.severity == band


# --- MADRS (montgomery-asberg-1979; snaith-1986 bands) -----------------------------------------
@pytest.mark.parametrize(
    ("total", "band"), [(6, "normal"), (7, "mild"), (19, "mild"), (20, "moderate"), (34, "moderate"), (35, "severe")]
)
def test_madrs_bands_snaith_1986(total: int, band: str) -> None:
    result = instruments.score("madrs", answers_for("madrs", total))
    assert result.total == total and result.severity == band and result.severity_source == "snaith-1986"


def test_madrs_is_licence_gated_camcops_licences() -> None:
    madrs = instruments.get("madrs")
    assert madrs.licence.status == "licence-required" and not madrs.text_shareable
    assert madrs.total_range == (0, 60)
    assert all(item.label.startswith("item ") for item in madrs.items)  # no item text, not even titles


# --- HAM-D17 (nct04007367: 9 items 0-4 and 8 items 0-2; zimmerman-2013 bands) ------------------
def test_hamd17_item_ranges_nct04007367() -> None:
    hamd = instruments.get("hamd17")
    four = [n for n, item in enumerate(hamd.items, 1) if item.high == 4]
    two = [n for n, item in enumerate(hamd.items, 1) if item.high == 2]
    assert four == [1, 2, 3, 7, 8, 9, 10, 11, 15]
    assert two == [4, 5, 6, 12, 13, 14, 16, 17]
    assert instruments.score("hamd17", [item.high for item in hamd.items]).total == 52
    with pytest.raises(InputError, match=r"hamd17\.q4"):
        instruments.score("hamd17", [0, 0, 0, 3] + [0] * 13)


@pytest.mark.parametrize(
    ("total", "band"), [(7, "no depression"), (8, "mild"), (16, "mild"), (17, "moderate"), (24, "severe")]
)
def test_hamd17_bands_zimmerman_2013(total: int, band: str) -> None:
    assert instruments.score("hamd17", answers_for("hamd17", total)).severity == band


# --- GAD-7 (spitzer-2006) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("total", "band"), [(4, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"), (21, "severe")]
)
def test_gad7_bands_spitzer_2006(total: int, band: str) -> None:
    result = instruments.score("gad7", answers_for("gad7", total))
    assert result.total == total and result.severity == band
    assert instruments.get("gad7").loinc["total"] == "70274-6"


# --- C-SSRS screener triage (cssrs-triage) -----------------------------------------------------
@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ([0, 0, 0], "none"),  # Q1, Q2, Q6 (Q3-5 not asked when Q2 = no)
        ([1, 0, 0], "low"),  # wish to be dead only
        ([1, 1, 0, 0, 0, 0], "low"),  # non-specific active thoughts only
        ([1, 1, 1, 0, 0, 0], "moderate"),  # method without intent
        ([1, 1, 0, 1, 0, 0], "high"),  # intent without plan
        ([1, 1, 1, 1, 1, 0], "high"),  # plan with intent
        ([0, 0, 1], "high"),  # behaviour, recency not recorded: treated as recent
        ([0, 0, 0, 0, 0, 1, 1], "high"),  # behaviour in the past 3 months
        ([0, 0, 0, 0, 0, 1, 0], "moderate"),  # behaviour longer ago
    ],
)
def test_cssrs_screener_triage_cssrs_triage(answers: list[int], risk: str) -> None:
    result = instruments.score("cssrs-screener", answers)
    assert result.total is None
    assert result.risk == risk
    codes = [a.code for a in result.alerts]
    assert codes == ([f"cssrs.{risk}_risk"] if risk in ("moderate", "high") else [])


def test_cssrs_q3_to_q5_required_after_q2_yes_cssrs_triage() -> None:
    with pytest.raises(InputError, match=r"cssrs-screener\.q3.*required when q2 is 1"):
        instruments.score("cssrs-screener", {"q1": 1, "q2": 1, "q6": 0})
    with pytest.raises(InputError, match=r"cssrs-screener\.q4"):
        instruments.score("cssrs-screener", {"q1": 1, "q2": 0, "q4": 1, "q6": 0})


# --- CADSS and CADSS-6 (nct04226963, rodrigues-2021) --------------------------------------------
def test_cadss_23_items_0_to_92_nct04226963() -> None:
    assert instruments.get("cadss").total_range == (0, 92)
    assert instruments.score("cadss", [4] * 23).total == 92


def test_cadss6_items_1_2_6_7_15_22_rodrigues_2021() -> None:
    answers = [0] * 23
    for n in (1, 2, 6, 7, 15, 22):
        answers[n - 1] = 4
    answers[2] = 3  # item 3 is not part of the CADSS-6
    assert instruments.cadss6_from_cadss(answers).total == 24
    assert instruments.score("cadss", answers).total == 27
    assert instruments.get("cadss6").total_range == (0, 24)


# --- BPRS positive subscale, both codings (bprs-positive-nimh, nct04226963) --------------------
def test_bprs_positive_codings_bprs_positive_nimh() -> None:
    assert instruments.get("bprs-positive").total_range == (4, 28)
    assert instruments.get("bprs-positive-0-6").total_range == (0, 24)
    assert instruments.score("bprs-positive", [1, 1, 1, 1]).total == 4
    assert instruments.score("bprs-positive-0-6", [0, 0, 0, 0]).total == 0
    with pytest.raises(InputError, match=r"bprs-positive\.suspiciousness: 0"):
        instruments.score("bprs-positive", [0, 1, 1, 1])
    with pytest.raises(InputError, match=r"bprs-positive-0-6\.suspiciousness: 7"):
        instruments.score("bprs-positive-0-6", [7, 1, 1, 1])


# --- MOAA/S (chernik-1990, jnj-sedation) ------------------------------------------------------
@pytest.mark.parametrize(
    ("level", "band", "codes"),
    [
        (5, "alert", []),
        (4, "mild sedation", []),
        (3, "moderate or greater sedation", ["moaas.moderate_sedation"]),
        (1, "moderate or greater sedation", ["moaas.moderate_sedation"]),
        (
            0,
            "no response to painful stimulus (loss of consciousness)",
            ["moaas.moderate_sedation", "moaas.unresponsive"],
        ),
    ],
)
def test_moaas_levels_jnj_sedation(level: int, band: str, codes: list[str]) -> None:
    result = instruments.score("moaas", [level])
    assert result.severity == band
    assert [a.code for a in result.alerts] == codes


# --- CGI-S / CGI-I (guy-1976) -----------------------------------------------------------------
def test_cgi_anchors_guy_1976() -> None:
    assert instruments.score("cgi-s", [1]).severity == "normal, not at all ill"
    assert instruments.score("cgi-s", [7]).severity == "among the most extremely ill"
    assert instruments.score("cgi-i", [4]).severity == "no change"
    assert instruments.score("cgi-i", [1]).severity == "very much improved"
    with pytest.raises(InputError, match=r"cgi-i\.improvement: 0"):
        instruments.score("cgi-i", [0])


# --- SDS (harm-research-sds) ------------------------------------------------------------------
def test_sds_sum_of_three_and_impairment_flag_harm_research_sds() -> None:
    result = instruments.score("sds", [4, 4, 4, 2, 3])
    assert result.total == 12 and not result.alerts  # days lost/unproductive are not in the total
    flagged = instruments.score("sds", [0, 5, 0])
    assert [a.code for a in flagged.alerts] == ["sds.significant_impairment"]
    not_applicable = instruments.score("sds", [None, 3, 6])
    assert not_applicable.total is None and not_applicable.item_values["social"] == 3


# --- ICSI / ICPI (oleary-1997) -----------------------------------------------------------------
def test_bladder_indices_ranges_oleary_1997() -> None:
    assert instruments.get("icsi").total_range == (0, 20)
    assert instruments.get("icpi").total_range == (0, 16)
    assert instruments.score("icsi", [5, 5, 5, 5]).total == 20
    with pytest.raises(InputError, match=r"icpi\.pain: 5"):
        instruments.score("icpi", [0, 0, 0, 5])


# --- MoCA (nasreddine-2005) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sections", "education_point", "total", "below"),
    [
        ([5, 3, 6, 3, 2, 5, 6], 0, 30, False),
        ([5, 3, 6, 3, 2, 5, 6], 1, 30, False),  # the education point never passes 30
        ([5, 3, 6, 3, 2, 4, 6], 1, 30, False),
        ([5, 3, 5, 3, 2, 2, 5], 0, 25, True),
        ([5, 3, 5, 3, 2, 2, 5], 1, 26, False),  # the point lifts 25 to the cut-off of 26
    ],
)
def test_moca_education_point_nasreddine_2005(
    sections: list[int], education_point: int, total: int, below: bool
) -> None:
    result = instruments.score("moca", [*sections, education_point])
    assert result.total == total
    assert ("moca.below_cutoff" in [a.code for a in result.alerts]) is below


def test_every_cited_source_of_every_definition_exists() -> None:
    known = registry()
    for inst in instruments.all_instruments():
        cited = [inst.source, inst.scoring.source, inst.licence.source, inst.missing.source]
        cited += [b.source for b in inst.bands] + [r.source for r in inst.alert_rules] + [g.source for g in inst.gates]
        assert all(c in known for c in cited), inst.id
