"""Pharmacodynamic links: what is published, what is used, and what is stated as absent.

Only concentration thresholds are used quantitatively: time above the lower bound of the
concentrations seen during dissociation (100-250 ng/mL after 0.5 mg/kg over 40 min; Krystal 1994
via Zanos 2018 Table 1, [M]) is reported as an exposure, as a named, overridable threshold. The
other links are declared with their published anchors and what is missing: no model here
predicts a score, a blood pressure or a heart rate from concentration, because the published
slopes, Emax, Hill and ke0 values were NOT FOUND. An antidepressant durability model is absent:
no fitted exposure-to-relapse model was found, and single-infusion relapse rates by dose
(Salloum 2020) are not enough to calibrate one.

>>> DURABILITY.available
False
>>> [link.id for link in LINKS][:2]
['dissociation-threshold', 'psychotomimetic-linear']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DISSOCIATIVE_LOWER_NG_PER_ML", "DURABILITY", "LINKS", "PDLink"]

DISSOCIATIVE_LOWER_NG_PER_ML = 100.0
"""Lower bound of plasma ketamine during dissociation, ng/mL (zanos-2018, Krystal 1994) [M]."""


@dataclass(frozen=True, slots=True)
class PDLink:
    """A concentration-effect link: what it relates, its source, and whether the engine computes it."""

    id: str
    effect: str
    statement: str
    source_id: str
    available: bool


LINKS: tuple[PDLink, ...] = (
    PDLink(
        "dissociation-threshold",
        "dissociative and psychotomimetic effects",
        "Time above 100 ng/mL (lower bound of 100-250 ng/mL seen during dissociation) is reported per subject.",
        source_id="zanos-2018",
        available=True,
    ),
    PDLink(
        "psychotomimetic-linear",
        "psychotomimetic VAS scores",
        "Linear in steady-state concentration from 50 to 200 ng/mL (r 0.93-0.99); slopes NOT FOUND: not computed.",
        source_id="bowdle-1998",
        available=False,
    ),
    PDLink(
        "drug-high-emax",
        "drug high (S-ketamine)",
        "Sigmoid Emax with C50 about 71 ng/mL; Emax, Hill coefficient and ke0 NOT FOUND: not computed.",
        source_id="simons-2022-pd",
        available=False,
    ),
    PDLink(
        "haemodynamics",
        "heart rate and mean arterial pressure",
        "HR up to +43.5% and MAP up to +27% across 159-1959 ng/mL; no fitted model found: not computed.",
        source_id="langsjo-2005",
        available=False,
    ),
)


@dataclass(frozen=True, slots=True)
class Durability:
    """Whether an antidepressant-durability model is available, and why not."""

    available: bool
    statement: str
    source_id: str


DURABILITY = Durability(
    available=False,
    statement="No calibrated antidepressant-durability model: relapse rates by single-infusion dose exist "
    "(Salloum 2020) but no fitted exposure-to-relapse model; predicted durability is not reported.",
    source_id="salloum-2020",
)
