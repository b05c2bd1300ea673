"""Products and routes: the ids other areas store and the parser that refuses unknown ones."""

from __future__ import annotations

import pytest

from ketamine_trd.clinical.products import RACEMIC_NON_IV, Product
from ketamine_trd.errors import UnknownTermError


def test_values_are_the_stored_ids() -> None:
    assert [p.value for p in Product] == [
        "esketamine-nasal", "ketamine-iv", "ketamine-im", "ketamine-oral", "ketamine-sublingual", "ketamine-intranasal",
    ]  # fmt: skip
    assert set(RACEMIC_NON_IV) == set(Product) - {Product.ESKETAMINE_NASAL, Product.KETAMINE_IV}


@pytest.mark.parametrize("text", ["ketamine-iv", "KETAMINE-IV", " ketamine_iv "])
def test_parse_is_forgiving_about_case_and_separators(text: str) -> None:
    assert Product.parse(text) is Product.KETAMINE_IV


@pytest.mark.parametrize("text", ["ketamine", "spravato", "ketamine-rectal", ""])
def test_parse_refuses_unknown_products(text: str) -> None:
    with pytest.raises(UnknownTermError) as caught:
        Product.parse(text)
    assert caught.value.field == "product" and "esketamine-nasal" in caught.value.allowed


def test_routes() -> None:
    assert [p.route for p in Product] == ["nasal", "iv", "im", "oral", "sublingual", "intranasal"]
    assert [p.is_esketamine for p in Product].count(True) == 1
