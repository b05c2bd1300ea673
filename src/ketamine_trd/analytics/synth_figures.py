"""The published figures that drive the synthetic registry, each with its source.

The generator (:mod:`.synth`) takes its response and remission rates by route, its predictor
effects, its early-response operating characteristics and its relapse curves from here, and the
recovery tests check that the analytics find these values again. Values that no source gives
(the distributions of age, BMI, episode duration and the like) are platform-defined and say so.

Standardised regression weights (Niciu 2014) and correlations (Luckenbaugh 2014) are turned into
log odds ratios per standard deviation with Chinn's conversion ln(OR) = d * pi / sqrt(3) (about
1.81 d), reading the standardised weight as d. That is an approximation, stated in the model card.

>>> FIGURES["iv_response_rate"].value
0.536
>>> round(log_odds_per_sd(0.30), 3)
0.544
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["FIGURES", "Figure", "log_odds_per_sd", "weibull_through"]


@dataclass(frozen=True, slots=True)
class Figure:
    """A number the generator uses, where it comes from and how sure the reference is (H/M/L)."""

    name: str
    value: float
    source_id: str
    confidence: str
    note: str


def log_odds_per_sd(standardised_effect: float) -> float:
    """Chinn (2000): log odds ratio from a standardised effect, ``d * pi / sqrt(3)``.

    >>> round(log_odds_per_sd(1.0), 4)
    1.8138
    """
    return abs(standardised_effect) * math.pi / math.sqrt(3.0)


def weibull_through(s1: float, t1_days: float, s2: float, t2_days: float) -> tuple[float, float]:
    """Weibull (shape, scale in days) whose survival passes through (t1, s1) and (t2, s2).

    >>> shape, scale = weibull_through(0.8, 28, 0.6, 56)
    >>> round(math.exp(-((28 / scale) ** shape)), 3), round(math.exp(-((56 / scale) ** shape)), 3)
    (0.8, 0.6)
    """
    h1, h2 = -math.log(s1), -math.log(s2)
    shape = math.log(h2 / h1) / math.log(t2_days / t1_days)
    scale = t1_days / h1 ** (1.0 / shape)
    return shape, scale


def _f(name: str, value: float, *, source_id: str, confidence: str, note: str) -> Figure:
    return Figure(name, value, source_id, confidence, note)


FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        _f(
            "iv_response_rate",
            0.536,
            source_id="mcinnes-2022",
            confidence="M/H",
            note="PHQ-9 response 14-31 days after IV induction (ORKA-1)",
        ),
        _f(
            "iv_remission_rate",
            0.289,
            source_id="mcinnes-2022",
            confidence="M/H",
            note="PHQ-9 < 5 after IV induction (ORKA-1)",
        ),
        _f(
            "esk_response_rate",
            0.693,
            source_id="popova-2019",
            confidence="H",
            note="MADRS response at day 28, esketamine + AD (TRANSFORM-2)",
        ),
        _f(
            "esk_remission_rate",
            0.525,
            source_id="popova-2019",
            confidence="H",
            note="MADRS <= 12 at day 28, esketamine + AD (TRANSFORM-2)",
        ),
        _f(
            "iv_sustained_28",
            0.80,
            source_id="mcinnes-2022",
            confidence="M",
            note="Kaplan-Meier share of responders still responding at 4 weeks",
        ),
        _f(
            "iv_sustained_56",
            0.60,
            source_id="mcinnes-2022",
            confidence="M",
            note="Kaplan-Meier share of responders still responding at 8 weeks",
        ),
        _f(
            "esk_median_relapse_days",
            273.0,
            source_id="S13",
            confidence="M",
            note="Median time to relapse after esketamine withdrawal (SUSTAIN-1)",
        ),
        _f(
            "esk_maintenance_hr",
            0.49,
            source_id="S13",
            confidence="H",
            note="Relapse hazard ratio, continued esketamine vs withdrawal (SUSTAIN-1)",
        ),
        _f(
            "bmi_beta",
            0.30,
            source_id="niciu-2014",
            confidence="H/M",
            note="Standardised weight of BMI on MADRS % change (230 min)",
        ),
        _f(
            "fh_aud_beta",
            0.27,
            source_id="niciu-2014",
            confidence="H/M",
            note="Standardised weight of family history of AUD (day 1)",
        ),
        _f(
            "iv_cadss_r",
            0.35,
            source_id="luckenbaugh-2014",
            confidence="H/M",
            note="Correlation of CADSS at 40 min with MADRS change (IV)",
        ),
        _f(
            "esk_cadss_r",
            0.0,
            source_id="platform-defined",
            confidence="M",
            note="No CADSS association in pooled TRANSFORM post-hoc (evidence.md s7)",
        ),
        _f(
            "iv_early_sensitivity",
            0.94,
            source_id="S25",
            confidence="H",
            note="Early response predicts end-of-course response: sensitivity",
        ),
        _f(
            "iv_early_specificity",
            0.71,
            source_id="S25",
            confidence="H",
            note="Early response predicts end-of-course response: specificity",
        ),
        _f(
            "esk_day2_response",
            0.173,
            source_id="turkoz-2021",
            confidence="M/H",
            note="Day-2 response, esketamine (pooled TRANSFORM-1/2)",
        ),
        _f(
            "esk_day28_response_pooled",
            0.587,
            source_id="turkoz-2021",
            confidence="M/H",
            note="Day-28 response, esketamine (pooled TRANSFORM-1/2)",
        ),
        _f(
            "esk_late_after_early_non",
            0.549,
            source_id="turkoz-2021",
            confidence="M/H",
            note="Share of day-2 non-responders responding by day 28",
        ),
    )
}


def esketamine_early_response() -> tuple[float, float]:
    """P(early response | final response) and P(early response | no final response), esketamine.

    Derived from Turkoz 2021 (pooled TRANSFORM-1/2): P(E)=17.3%, P(R)=58.7%, P(R | not E)=54.9%.

    >>> [round(p, 3) for p in esketamine_early_response()]
    [0.227, 0.097]
    """
    p_e = FIGURES["esk_day2_response"].value
    p_r = FIGURES["esk_day28_response_pooled"].value
    p_r_not_e = FIGURES["esk_late_after_early_non"].value
    both = p_r - p_r_not_e * (1.0 - p_e)
    return both / p_r, (p_e - both) / (1.0 - p_r)
