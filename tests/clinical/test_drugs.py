"""The MGH-ATRQ minimum-dose table (S17) and name matching."""

from __future__ import annotations

import pytest

from ketamine_trd.clinical.drugs import TABLE, lookup

# (drug, minimum mg/day) transcribed from trd-and-eligibility.md section 2 (source S17).
S17_ROWS = [
    ("citalopram", 20), ("escitalopram", 10), ("fluoxetine", 20), ("paroxetine", 20), ("sertraline", 50),
    ("fluvoxamine", 50), ("venlafaxine", 150), ("desvenlafaxine", 50), ("duloxetine", 60), ("milnacipran", 100),
    ("levomilnacipran", 40), ("vortioxetine", 10), ("vilazodone", 40), ("amitriptyline", 150), ("imipramine", 150),
    ("clomipramine", 150), ("desipramine", 150), ("doxepin", 150), ("trimipramine", 150), ("amoxapine", 150),
    ("maprotiline", 150), ("nortriptyline", 75), ("protriptyline", 30), ("phenelzine", 45), ("tranylcypromine", 30),
    ("isocarboxazid", 30), ("moclobemide", 300), ("pirlindole", 200), ("bupropion", 300), ("mirtazapine", 15),
    ("mianserin", 30), ("trazodone", 300), ("nefazodone", 300), ("agomelatine", 25), ("tianeptine", 37.5),
    ("reboxetine", 4), ("pipofezine", 150), ("noxiptiline", 100), ("opipramol", 150),
]  # fmt: skip


@pytest.mark.parametrize(("drug", "minimum"), S17_ROWS)
def test_s17_minimum_doses(drug: str, minimum: float) -> None:
    row = lookup(drug)
    assert row is not None and row.min_daily_dose_mg == minimum and row.source == "S17"


def test_s17_paroxetine_cr_and_selegiline_patch() -> None:
    assert lookup("paroxetine CR").min_daily_dose_mg == 25  # type: ignore[union-attr]
    assert lookup("Emsam").min_daily_dose_mg == 6  # type: ignore[union-attr]
    assert lookup("selegiline") is None  # oral selegiline is not comparable with the patch


@pytest.mark.parametrize(
    ("name", "generic"),
    [("ZOLOFT", "sertraline"), ("Lexapro", "escitalopram"), ("sertraline hydrochloride", "sertraline"),
     ("Effexor XR", "venlafaxine"), ("bupropion XL", "bupropion"), ("Wellbutrin SR", "bupropion"),
     ("escitalopram oxalate", "escitalopram"), ("Cymbalta", "duloxetine"), ("  Prozac ", "fluoxetine")],
)  # fmt: skip
def test_brand_names_and_salts_map_to_generic(name: str, generic: str) -> None:
    row = lookup(name)
    assert row is not None and row.generic == generic


def test_unknown_names_are_unknown() -> None:
    assert lookup("ketamine") is None
    assert lookup("quetiapine") is None  # an augmentation in the S17 study, not an ATRQ antidepressant


def test_every_row_has_a_positive_minimum() -> None:
    assert all(row.min_daily_dose_mg > 0 for row in TABLE.values())
