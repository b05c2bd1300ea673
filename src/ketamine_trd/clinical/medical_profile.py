"""The medical profile screened before a ketamine or esketamine course (shape in ``docs/formats.md``).

An unknown condition or medication class is refused, never ignored. Nothing the rules need is assumed: sex and
hepatic impairment (``unknown`` is an answer) must be given, and so must pregnancy for a female patient (``null``:
not known); until they are, the screening refuses to judge, naming what is missing in clinical words.

>>> p = MedicalProfile.from_dict({"age": 45, "sex": "female", "blood_pressure": {"systolic": 128, "diastolic": 80},
...     "conditions": ["psychosis"], "concomitant": ["benzodiazepine"], "hepatic_impairment": "none",
...     "pregnant": False})
>>> p.conditions, p.systolic_mmhg
(('psychosis',), 128.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ketamine_trd.clinical._fields import boolean, choice, dotted, mapping, number, refuse_unknown_keys, sequence
from ketamine_trd.errors import InputError, UnknownTermError

__all__ = ["CONCOMITANT_CLASSES", "CONDITIONS", "HEPATIC", "NEEDED", "MedicalProfile"]

CONDITIONS = (
    "aneurysmal_vascular_disease",
    "arteriovenous_malformation",
    "intracerebral_hemorrhage",
    "hypersensitivity",
    "recent_myocardial_infarction",
    "recent_stroke",
    "uncontrolled_hypertension",
    "psychosis",
    "bipolar_disorder",
    "substance_use_disorder",
    "ketamine_use_disorder",
    "urinary_symptoms",
    "cystitis",
    "raised_intracranial_pressure",
    "raised_intraocular_pressure",
    "hyperthyroidism",
    "sleep_apnea",
)
CONCOMITANT_CLASSES = ("benzodiazepine", "non_benzodiazepine_hypnotic", "psychostimulant", "maoi", "opioid")
HEPATIC = ("none", "child_pugh_a", "child_pugh_b", "child_pugh_c", "unknown")
#: what the screening rules need before they judge, in the words a clinician reads
NEEDED = {
    "sex": "Sex (the pregnancy and reproductive-potential rules depend on it)",
    "hepatic_impairment": "Hepatic impairment (Child-Pugh; 'unknown' if not assessed)",
    "pregnant": "Pregnancy status of a female patient ('unknown' if not known)",
}
_KEYS = ("age", "sex", "pregnant", "breastfeeding", "blood_pressure", "conditions", "hepatic_impairment",
         "concomitant", "rems_enrolled")  # fmt: skip


def _terms(data: dict[str, Any] | Any, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for i, item in enumerate(sequence(data, key, "")):
        text = item.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(item, str) else item
        if text == "intracerebral_haemorrhage":
            text = "intracerebral_hemorrhage"
        if text not in allowed:
            raise UnknownTermError(dotted(key, i), item, ", ".join(allowed))
        if text not in found:
            found.append(text)
    return tuple(found)


def _needed(d: dict[str, Any] | Any, key: str, options: tuple[str, ...], *, null_is_answer: bool = False) -> None:
    """Refuse to judge while ``key`` is unanswered (absent; or ``null`` unless ``null`` means "not known")."""
    if key not in d or (d[key] is None and not null_is_answer):
        raise InputError(key, None, f"{NEEDED[key]}: {', '.join(options)}",
                         reason="is not answered: the screening does not judge until it is")  # fmt: skip


@dataclass(frozen=True, slots=True)
class MedicalProfile:
    """Age in years, blood pressure in mmHg (``None``: no reading), conditions and concomitant classes."""

    age: float
    sex: str
    pregnant: bool | None = False
    breastfeeding: bool | None = False
    systolic_mmhg: float | None = None
    diastolic_mmhg: float | None = None
    conditions: tuple[str, ...] = ()
    hepatic_impairment: str = "none"
    concomitant: tuple[str, ...] = ()
    rems_enrolled: bool | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.age <= 120:
            raise InputError("age", self.age, "0 to 120 years")
        for c in self.conditions:
            if c not in CONDITIONS:
                raise UnknownTermError("conditions", c, ", ".join(CONDITIONS))
        for c in self.concomitant:
            if c not in CONCOMITANT_CLASSES:
                raise UnknownTermError("concomitant", c, ", ".join(CONCOMITANT_CLASSES))
        if (self.systolic_mmhg is None) != (self.diastolic_mmhg is None):
            raise InputError("blood_pressure", self.systolic_mmhg, "both systolic and diastolic, or neither")
        if (
            self.systolic_mmhg is not None
            and self.diastolic_mmhg is not None
            and self.diastolic_mmhg >= self.systolic_mmhg
        ):
            raise InputError("blood_pressure.diastolic", self.diastolic_mmhg, "below the systolic value")

    @classmethod
    def from_dict(cls, data: Any) -> MedicalProfile:
        """Read the JSON shape of ``docs/formats.md``; errors name the dotted field."""
        d = mapping(data, "")
        refuse_unknown_keys(d, "", _KEYS)
        systolic = diastolic = None
        if d.get("blood_pressure") is not None:
            bp = mapping(d["blood_pressure"], "blood_pressure")
            refuse_unknown_keys(bp, "blood_pressure", ("systolic", "diastolic", "systolic_mmhg", "diastolic_mmhg"))
            sk = "systolic_mmhg" if "systolic_mmhg" in bp else "systolic"
            dk = "diastolic_mmhg" if "diastolic_mmhg" in bp else "diastolic"
            systolic = number(bp, sk, "blood_pressure", minimum=50, maximum=300, unit="mmHg")
            diastolic = number(bp, dk, "blood_pressure", minimum=20, maximum=200, unit="mmHg")
        age = number(d, "age", "", minimum=0, maximum=120, unit="years")
        _needed(d, "sex", ("female", "male"))
        sex = choice(d, "sex", "", ("female", "male"))
        if sex == "female":  # null: not known (an information finding), never "not pregnant"
            _needed(d, "pregnant", ("true", "false", "null (not known)"), null_is_answer=True)
        pregnant = boolean(d, "pregnant", "") if "pregnant" in d else False
        conditions = _terms(d, "conditions", CONDITIONS)
        concomitant = _terms(d, "concomitant", CONCOMITANT_CLASSES)
        _needed(d, "hepatic_impairment", HEPATIC)
        return cls(
            age=age,
            sex=sex,
            pregnant=pregnant,
            breastfeeding=boolean(d, "breastfeeding", "", default=False),
            systolic_mmhg=systolic,
            diastolic_mmhg=diastolic,
            conditions=conditions,
            hepatic_impairment=choice(d, "hepatic_impairment", "", HEPATIC),
            concomitant=concomitant,
            rems_enrolled=boolean(d, "rems_enrolled", ""),
        )
