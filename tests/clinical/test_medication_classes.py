"""The medication-to-class table: only the core's classes, each entry with its ATC group and a known source."""

from __future__ import annotations

import pytest

from ketamine_trd.clinical import sources
from ketamine_trd.clinical.checklist import CONCOMITANT_CLASSES as CHECKLIST_CLASSES
from ketamine_trd.clinical.medication_classes import _TABLE, CLASSES, NASAL_MEDICINE, classify, concomitant_classes
from ketamine_trd.clinical.screening_rules import CONCOMITANT_RULES


def test_every_entry_is_a_class_the_core_has_a_rule_for() -> None:
    for entry in _TABLE.values():
        assert entry.concomitant_class in CLASSES
        assert entry.concomitant_class == NASAL_MEDICINE or entry.concomitant_class in CONCOMITANT_RULES
        assert entry.concomitant_class == NASAL_MEDICINE or entry.concomitant_class in CHECKLIST_CLASSES
        assert entry.atc_group and sources.get(entry.source)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lorazepam 1 mg tablets", "benzodiazepine"),
        ("Xanax XR", "benzodiazepine"),
        ("clonazepam", "benzodiazepine"),
        ("Ambien", "non_benzodiazepine_hypnotic"),
        ("methylphenidate ER", "psychostimulant"),
        ("Vyvanse", "psychostimulant"),
        ("Parnate", "maoi"),
        ("Emsam", "maoi"),
        ("oxycodone hydrochloride", "opioid"),
        ("Suboxone", "opioid"),
        ("Flonase", NASAL_MEDICINE),
        ("fluticasone nasal spray", NASAL_MEDICINE),
        ("oxymetazoline", NASAL_MEDICINE),
    ],
)
def test_names_brands_salts_and_release_forms(name: str, expected: str) -> None:
    found = classify(name)
    assert found is not None and found.concomitant_class == expected


@pytest.mark.parametrize("name", ["sertraline", "fluticasone", "naltrexone", "lamotrigine", "", "   ", "x" * 300])
def test_unknown_or_unmapped_names_are_never_guessed(name: str) -> None:
    assert classify(name) is None


def test_nasal_medicines_are_not_screening_classes() -> None:
    assert concomitant_classes(["Afrin", "Flonase"]) == frozenset()
    assert concomitant_classes(["Afrin", "diazepam", "tramadol"]) == {"benzodiazepine", "opioid"}
