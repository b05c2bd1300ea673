"""Antidepressants: the MGH-ATRQ minimum adequate daily doses, classes, brand names and salts.

The table is the study-specific MGH-ATRQ transcription of the reference set (S17, confidence M): a result
built on it says so. Names are matched case-insensitively; brand names and salt or release suffixes map to
the generic.

>>> lookup("Zoloft").generic, lookup("Zoloft").min_daily_dose_mg
('sertraline', 50.0)
>>> lookup("venlafaxine XR").generic
'venlafaxine'
>>> lookup("Paxil CR").min_daily_dose_mg
25.0
>>> lookup("no-such-drug") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ATRQ_SOURCE", "Antidepressant", "DrugClass", "lookup", "normalise_name"]

ATRQ_SOURCE = "S17"


class DrugClass:
    """Class names used by the Thase-Rush staging (distinct classes count separately)."""

    SSRI = "SSRI"
    SNRI = "SNRI"
    TCA = "TCA"
    MAOI = "MAOI"
    RIMA = "RIMA"
    MULTIMODAL = "multimodal"
    NDRI = "NDRI"
    NASSA = "NaSSA"
    SARI = "SARI"
    MELATONERGIC = "melatonergic"
    NRI = "NRI"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Antidepressant:
    """One row of the minimum-dose table: ``min_daily_dose_mg`` per day (selegiline: mg/24 h patch)."""

    generic: str
    drug_class: str
    min_daily_dose_mg: float
    source: str = ATRQ_SOURCE
    note: str = ""


def _rows() -> dict[str, Antidepressant]:
    c = DrugClass
    table: list[tuple[str, str, float]] = [
        ("citalopram", c.SSRI, 20),
        ("escitalopram", c.SSRI, 10),
        ("fluoxetine", c.SSRI, 20),
        ("paroxetine", c.SSRI, 20),
        ("sertraline", c.SSRI, 50),
        ("fluvoxamine", c.SSRI, 50),
        ("venlafaxine", c.SNRI, 150),
        ("desvenlafaxine", c.SNRI, 50),
        ("duloxetine", c.SNRI, 60),
        ("milnacipran", c.SNRI, 100),
        ("levomilnacipran", c.SNRI, 40),
        ("vortioxetine", c.MULTIMODAL, 10),
        ("vilazodone", c.MULTIMODAL, 40),
        ("amitriptyline", c.TCA, 150),
        ("imipramine", c.TCA, 150),
        ("clomipramine", c.TCA, 150),
        ("desipramine", c.TCA, 150),
        ("doxepin", c.TCA, 150),
        ("trimipramine", c.TCA, 150),
        ("amoxapine", c.TCA, 150),
        ("maprotiline", c.TCA, 150),
        ("nortriptyline", c.TCA, 75),
        ("protriptyline", c.TCA, 30),
        ("pipofezine", c.TCA, 150),
        ("noxiptiline", c.TCA, 100),
        ("opipramol", c.TCA, 150),
        ("phenelzine", c.MAOI, 45),
        ("tranylcypromine", c.MAOI, 30),
        ("isocarboxazid", c.MAOI, 30),
        ("selegiline transdermal", c.MAOI, 6),
        ("moclobemide", c.RIMA, 300),
        ("pirlindole", c.RIMA, 200),
        ("bupropion", c.NDRI, 300),
        ("mirtazapine", c.NASSA, 15),
        ("mianserin", c.NASSA, 30),
        ("trazodone", c.SARI, 300),
        ("nefazodone", c.SARI, 300),
        ("agomelatine", c.MELATONERGIC, 25),
        ("tianeptine", c.OTHER, 37.5),
        ("reboxetine", c.NRI, 4),
    ]
    rows = {name: Antidepressant(name, cls, float(dose)) for name, cls, dose in table}
    rows["paroxetine cr"] = Antidepressant("paroxetine", c.SSRI, 25.0, note="controlled-release form")
    rows["selegiline transdermal"] = Antidepressant(
        "selegiline transdermal", c.MAOI, 6.0, note="dose is mg per 24 h patch"
    )
    return rows


TABLE: MappingProxyType[str, Antidepressant] = MappingProxyType(_rows())

# Brand names (US, UK/EU) mapped to the table key.
BRANDS: MappingProxyType[str, str] = MappingProxyType(
    {
        "celexa": "citalopram", "cipramil": "citalopram", "lexapro": "escitalopram", "cipralex": "escitalopram",
        "prozac": "fluoxetine", "sarafem": "fluoxetine", "paxil": "paroxetine", "seroxat": "paroxetine",
        "pexeva": "paroxetine", "zoloft": "sertraline", "lustral": "sertraline", "luvox": "fluvoxamine",
        "faverin": "fluvoxamine", "effexor": "venlafaxine", "pristiq": "desvenlafaxine", "cymbalta": "duloxetine",
        "savella": "milnacipran", "ixel": "milnacipran", "fetzima": "levomilnacipran", "trintellix": "vortioxetine",
        "brintellix": "vortioxetine", "viibryd": "vilazodone", "elavil": "amitriptyline", "tofranil": "imipramine",
        "anafranil": "clomipramine", "norpramin": "desipramine", "sinequan": "doxepin", "surmontil": "trimipramine",
        "ludiomil": "maprotiline", "pamelor": "nortriptyline", "aventyl": "nortriptyline", "vivactil": "protriptyline",
        "nardil": "phenelzine", "parnate": "tranylcypromine", "marplan": "isocarboxazid",
        "emsam": "selegiline transdermal", "manerix": "moclobemide", "aurorix": "moclobemide",
        "wellbutrin": "bupropion", "zyban": "bupropion", "aplenzin": "bupropion", "remeron": "mirtazapine",
        "zispin": "mirtazapine", "tolvon": "mianserin", "desyrel": "trazodone", "oleptro": "trazodone",
        "molipaxin": "trazodone", "serzone": "nefazodone", "valdoxan": "agomelatine", "stablon": "tianeptine",
        "coaxil": "tianeptine", "edronax": "reboxetine",
    }
)  # fmt: skip

_SALTS = {
    "hydrochloride", "hcl", "hydrobromide", "hbr", "oxalate", "succinate", "besylate", "besilate", "maleate",
    "mesylate", "sulfate", "sulphate", "fumarate", "tartrate", "sodium", "citrate", "tablets", "tablet", "oral",
}  # fmt: skip
_RELEASE = {"xr", "er", "xl", "sr", "la", "cr", "mr", "odt", "extended", "release", "modified", "controlled"}
_CONTROLLED = {"cr", "controlled"}


def normalise_name(text: str) -> tuple[str, bool]:
    """Lower-case ``text``, drop salt and release words; also say whether it named a controlled-release form.

    >>> normalise_name("Sertraline Hydrochloride")
    ('sertraline', False)
    """
    words = re.split(r"[\s\-_/,()]+", text.strip().lower())
    controlled = any(w in _CONTROLLED for w in words)
    kept = [w for w in words if w and w not in _SALTS and w not in _RELEASE]
    return " ".join(kept), controlled


def lookup(name: str) -> Antidepressant | None:
    """The table row for ``name`` (generic, brand, salt or release form), or ``None`` when unknown."""
    key, controlled = normalise_name(name)
    key = BRANDS.get(key, key)
    if key == "selegiline":
        return None  # oral selegiline is not in the table: its dose is not comparable with the patch
    if key == "paroxetine" and controlled:
        return TABLE["paroxetine cr"]
    return TABLE.get(key)
