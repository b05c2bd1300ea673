"""A medication list's names mapped to the classes the screening and the pre-dose checklist already know.

Only the concomitant classes of ``medical_profile.CONCOMITANT_CLASSES`` (the REMS Patient Monitoring Form's, S8,
S9) are produced, plus ``nasal_medicine`` (a nasal corticosteroid or decongestant: the esketamine label's
1-hour timing, ``checklist.NASAL_MEDICINE_MINUTES``). Each entry names its WHO ATC group (source ``who-atc``). A
name the table does not know maps to nothing and says so (``Classified`` is ``None``): it is never guessed from
its spelling, and the list shows it as "not classified" so that a clinician ticks the class by hand.

Other classes that a clinic may ask about (naltrexone, lamotrigine, memantine...) have no rule in the core and so
are not mapped here: a class is added to the core's rules with its source first, then to this table.

>>> classify("Lorazepam 1 mg").concomitant_class, classify("Ativan").atc_group
('benzodiazepine', 'N05BA')
>>> sorted(concomitant_classes(["zolpidem", "Adderall XR", "sertraline"]))
['non_benzodiazepine_hypnotic', 'psychostimulant']
>>> classify("sertraline") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from ketamine_trd.clinical.drugs import normalise_name
from ketamine_trd.clinical.medical_profile import CONCOMITANT_CLASSES

__all__ = ["CLASSES", "MAPPING_SOURCE", "NASAL_MEDICINE", "Classified", "classify", "concomitant_classes"]

MAPPING_SOURCE = "who-atc"
NASAL_MEDICINE = "nasal_medicine"
#: every class this table may produce, in the order the medication list shows them
CLASSES: tuple[str, ...] = (*CONCOMITANT_CLASSES, NASAL_MEDICINE)


@dataclass(frozen=True, slots=True)
class Classified:
    """The class of one medication name, the generic it was read as, and its ATC group and source."""

    generic: str
    concomitant_class: str
    atc_group: str
    source: str = MAPPING_SOURCE


_GROUPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("benzodiazepine", "N05BA"): ("diazepam", "chlordiazepoxide", "oxazepam", "lorazepam", "bromazepam",
                                  "clobazam", "alprazolam", "clorazepate", "prazepam"),
    ("benzodiazepine", "N05CD"): ("flurazepam", "nitrazepam", "flunitrazepam", "estazolam", "triazolam",
                                  "lormetazepam", "temazepam", "midazolam", "quazepam", "loprazolam"),
    ("benzodiazepine", "N03AE"): ("clonazepam",),
    ("non_benzodiazepine_hypnotic", "N05CF"): ("zopiclone", "zolpidem", "zaleplon", "eszopiclone"),
    ("psychostimulant", "N06BA"): ("amfetamine", "amphetamine", "dexamfetamine", "dextroamphetamine",
                                   "metamfetamine", "methylphenidate", "dexmethylphenidate", "modafinil",
                                   "armodafinil", "lisdexamfetamine", "atomoxetine", "solriamfetol"),
    ("maoi", "N06AF"): ("isocarboxazid", "phenelzine", "tranylcypromine"),
    ("maoi", "N06AG"): ("moclobemide",),
    ("maoi", "N04BD"): ("selegiline", "selegiline transdermal", "rasagiline", "safinamide"),
    ("opioid", "N02A"): ("morphine", "hydromorphone", "oxycodone", "hydrocodone", "codeine", "fentanyl",
                         "tramadol", "tapentadol", "oxymorphone", "pethidine", "meperidine"),
    ("opioid", "N07BC"): ("buprenorphine", "methadone"),
    (NASAL_MEDICINE, "R01AD"): ("fluticasone nasal", "mometasone nasal", "budesonide nasal",
                                "beclometasone nasal", "triamcinolone nasal", "ciclesonide nasal"),
    (NASAL_MEDICINE, "R01AA"): ("oxymetazoline", "xylometazoline", "naphazoline", "phenylephrine nasal"),
}  # fmt: skip

#: brand names read as the generic (US and UK/EU names)
_BRANDS: dict[str, str] = {
    "valium": "diazepam", "ativan": "lorazepam", "xanax": "alprazolam", "klonopin": "clonazepam",
    "rivotril": "clonazepam", "restoril": "temazepam", "halcion": "triazolam", "ambien": "zolpidem",
    "stilnox": "zolpidem", "lunesta": "eszopiclone", "zimovane": "zopiclone", "sonata": "zaleplon",
    "adderall": "amphetamine", "vyvanse": "lisdexamfetamine", "elvanse": "lisdexamfetamine",
    "ritalin": "methylphenidate", "concerta": "methylphenidate", "focalin": "dexmethylphenidate",
    "provigil": "modafinil", "nuvigil": "armodafinil", "strattera": "atomoxetine", "nardil": "phenelzine",
    "parnate": "tranylcypromine", "marplan": "isocarboxazid", "emsam": "selegiline transdermal",
    "manerix": "moclobemide", "oxycontin": "oxycodone", "ultram": "tramadol", "subutex": "buprenorphine",
    "suboxone": "buprenorphine", "flonase": "fluticasone nasal", "nasonex": "mometasone nasal",
    "rhinocort": "budesonide nasal", "nasacort": "triamcinolone nasal", "afrin": "oxymetazoline",
    "otrivin": "xylometazoline",
}  # fmt: skip

_TABLE: MappingProxyType[str, Classified] = MappingProxyType(
    {generic: Classified(generic, cls, atc) for (cls, atc), names in _GROUPS.items() for generic in names}
)
#: words of a product's form that do not change what it is ("spray", strengths)
_FORM_WORDS = re.compile(r"\b(spray|drops|patch|\d+(\.\d+)?\s*(mg|mcg|microgram|micrograms|%)?)\b")


def _key(name: str) -> str:
    text, _ = normalise_name(name)
    text = _FORM_WORDS.sub(" ", text)
    text = " ".join(w for w in text.split() if w not in ("intranasal",)).replace("nasal nasal", "nasal")
    return _BRANDS.get(text.split(" ")[0], text) if text.split(" ")[0] in _BRANDS else text


def classify(name: str) -> Classified | None:
    """The class of ``name`` (generic or brand; salt, release and strength words ignored), or ``None``.

    A nasal corticosteroid counts only when its name says nasal (fluticasone inhaled for asthma is not one).

    >>> classify("Flonase").generic, classify("fluticasone") is None
    ('fluticasone nasal', True)
    """
    key = _key(name)
    return _TABLE.get(key) or _TABLE.get(key.replace(" nasal", "")) if key else None


def concomitant_classes(names: Iterable[str]) -> frozenset[str]:
    """The screening's concomitant classes of a list of current medication names (``nasal_medicine`` left out).

    >>> sorted(concomitant_classes(["Afrin", "methadone"]))
    ['opioid']
    """
    found = (classify(n) for n in names)
    return frozenset(c.concomitant_class for c in found if c and c.concomitant_class in CONCOMITANT_CLASSES)
