"""Every code of the core's vocabularies has explicit plain words (clinical/labels.py)."""

import pytest

from ketamine_trd.clinical.labels import LABELS, VOCABULARIES, label


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_member_has_words(vocabulary: str) -> None:
    enum = VOCABULARIES[vocabulary]
    missing = [m.value for m in enum if m.value not in LABELS[vocabulary]]
    assert not missing, f"{vocabulary}: no plain words for {missing}"
    for member in enum:
        words = label(vocabulary, member)
        assert "_" not in words and words[:1].isupper(), words


def test_unknown_code_is_words_not_an_identifier() -> None:
    assert label("decision", "made_up_code") == "Made up code"
    assert label("decision", "") == "—"
