"""One parametrized suite runs every instrument through the same invariants.

Totals lie in the published range for every valid answer set; totals are monotone in each item;
every out-of-range answer is refused naming the item and its allowed values; bands tile the
range; definitions never carry item text; C-SSRS risk never falls when an answer rises.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.instruments import Instrument, Item, MissingRule, Scoring
from ketamine_trd.clinical.instruments._scoring import score_instrument
from ketamine_trd.errors import InputError, UnknownTermError

ALL = instruments.all_instruments()
SCORED = [i for i in ALL if i.scoring.kind != "categorical"]
IDS = [i.id for i in ALL]
RISK_ORDER = ("none", "low", "moderate", "high")
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Answers = dict[str, int | None]


def valid_answers(inst: Instrument) -> st.SearchStrategy[Answers]:
    """Every item answered with an allowed value; gated items left out when their gate is closed."""

    def close_gates(values: dict[str, int]) -> Answers:
        out: Answers = dict(values)
        for gate in inst.gates:
            if out.get(gate.item) != gate.value:
                for item_id in gate.items:
                    out[item_id] = None
        return out

    items = {item.id: st.sampled_from(item.allowed) for item in inst.items}
    return st.fixed_dictionaries(items).map(close_gates)


def test_registry_has_the_contract_ids() -> None:
    wanted = "phq9 phq2 qids-sr16 qids-c16 madrs hamd17 gad7 cssrs-screener cadss cadss6 bprs-positive moaas "
    wanted += "cgi-s cgi-i sds icsi icpi moca"
    assert set(wanted.split()) <= set(IDS)
    assert len(IDS) == len(set(IDS))


def test_unknown_instrument_is_refused() -> None:
    with pytest.raises(UnknownTermError, match="instrument: 'phq10'"):
        instruments.get("phq10")


@pytest.mark.parametrize("inst", ALL, ids=IDS)
def test_definition_is_complete_and_shares_no_item_text(inst: Instrument) -> None:
    d = inst.to_dict()
    json.dumps(d)  # JSON-ready
    assert d["id"] == inst.id and d["version"] and d["recall_period"] and d["rater"]
    assert d["licence"]["status"] in ("free", "public-domain", "licence-required", "unknown")
    if inst.licence.status == "licence-required":
        assert not inst.text_shareable
    for item in d["items"]:
        assert set(item) == {"id", "label", "allowed", "scored", "optional", "loinc"}
        assert len(item["label"]) <= 60  # a short label, never an item's wording


@pytest.mark.parametrize("inst", [i for i in ALL if i.bands], ids=lambda i: i.id)
def test_bands_tile_the_total_range(inst: Instrument) -> None:
    assert inst.total_range is not None
    bands = sorted(inst.bands, key=lambda b: b.low)
    assert bands[0].low == inst.total_range[0] and bands[-1].high == inst.total_range[1]
    for before, after in zip(bands, bands[1:], strict=False):
        assert after.low == before.high + 1


@pytest.mark.parametrize("inst", SCORED, ids=lambda i: i.id)
def test_total_within_range_for_every_valid_answer_set(inst: Instrument) -> None:
    assert inst.total_range is not None
    low, high = inst.total_range

    @FAST
    @given(valid_answers(inst))
    def check(answers: Answers) -> None:
        result = instruments.score(inst.id, answers)
        if result.total is None:  # only where an optional scored item is left out
            assert any(i.optional and i.scored for i in inst.items)
            return
        assert low <= result.total <= high
        assert result.severity is not None or not inst.bands

    check()


@pytest.mark.parametrize("inst", SCORED, ids=lambda i: i.id)
def test_total_is_monotone_in_each_item(inst: Instrument) -> None:
    @FAST
    @given(valid_answers(inst), st.sampled_from([i for i in inst.items if i.scored]), st.data())
    def check(answers: Answers, item: Item, data: st.DataObject) -> None:
        if answers[item.id] is None:
            return
        higher = data.draw(st.sampled_from([v for v in item.allowed if v >= answers[item.id]]))  # type: ignore[operator]
        before = instruments.score(inst.id, answers).total
        after = instruments.score(inst.id, {**answers, item.id: higher}).total
        if before is not None and after is not None:
            assert after >= before

    check()


@pytest.mark.parametrize("inst", ALL, ids=IDS)
def test_every_out_of_range_answer_is_refused(inst: Instrument) -> None:
    @FAST
    @given(valid_answers(inst), st.sampled_from(inst.items), st.integers(-50, 150))
    def check(answers: Answers, item: Item, bad: int) -> None:
        if bad in item.allowed:
            return
        with pytest.raises(InputError) as caught:
            instruments.score(inst.id, {**answers, item.id: bad})
        assert caught.value.field == f"{inst.id}.{item.id}"
        assert str(item.high) in caught.value.allowed

    check()


@pytest.mark.parametrize("inst", ALL, ids=IDS)
def test_wrong_answer_count_and_unknown_items_are_refused(inst: Instrument) -> None:
    lengths = {len(layout) for layout in inst.layouts}
    wrong = max(lengths) + 1
    with pytest.raises(InputError, match=f"{inst.id}.answers"):
        instruments.score(inst.id, [inst.items[0].low] * wrong)
    with pytest.raises(InputError, match="is not an item"):
        instruments.score(inst.id, {"no_such_item": 0})
    with pytest.raises(InputError):
        instruments.score(inst.id, [True] * len(inst.items))


@pytest.mark.parametrize("inst", [i for i in ALL if i.missing.max_missing == 0], ids=lambda i: i.id)
def test_missing_required_item_is_refused_not_guessed(inst: Instrument) -> None:
    required = [i for i in inst.items if i.scored and not i.optional and not any(i.id in g.items for g in inst.gates)]
    if not required:
        pytest.skip("no required item")
    answers: Answers = {i.id: i.low for i in inst.items}
    answers[required[-1].id] = None
    with pytest.raises(InputError, match=f"{inst.id}.{required[-1].id}: None is missing"):
        instruments.score(inst.id, answers)


def test_proration_where_the_rule_allows_it_is_marked() -> None:
    # A synthetic instrument: no published instrument here allows proration (none was verified).
    toy = Instrument(
        id="toy",
        name="Toy",
        version="1",
        items=tuple(Item(f"q{n}", f"item {n}", (0, 1, 2, 3)) for n in range(1, 5)),
        scoring=Scoring("sum", source="platform-defined"),
        missing=MissingRule(1, source="platform-defined"),
        licence=instruments.Licence("free", "", source="platform-defined"),
        text_shareable=True,
        recall_period="n/a",
        rater="self",
        source="platform-defined",
    )
    result = score_instrument(toy, [3, 2, None, 2])
    assert result.prorated and result.total == 9 and result.missing_items == ("q3",)  # 7 * 4 / 3 = 9.33
    assert not score_instrument(toy, [3, 2, 1, 2]).prorated
    with pytest.raises(InputError, match="at most 1 missing"):
        score_instrument(toy, [3, None, None, 2])


def test_definitions_referring_to_unknown_items_are_refused() -> None:
    base = instruments.get("phq2")
    with pytest.raises(InputError, match=r"phq2\.alert_rules"):
        Instrument(
            **{
                **_fields(base),
                "alert_rules": (
                    instruments.AlertRule(
                        "x", AlertLevel.INFO, "m", "kroenke-2003", AlertKind.OTHER, items=("q9",), item_at_least=1
                    ),
                ),
            }
        )
    with pytest.raises(InputError, match=r"phq2\.scoring\.groups"):
        Instrument(**{**_fields(base), "scoring": Scoring("domain_max", source="kroenke-2003", groups=(("q1", "q3"),))})


def _fields(inst: Instrument) -> dict[str, object]:
    import dataclasses

    return {f.name: getattr(inst, f.name) for f in dataclasses.fields(inst)}


def _risk_rank(answers: Answers) -> int:
    risk = instruments.score("cssrs-screener", answers).risk
    assert risk is not None
    return RISK_ORDER.index(risk)


@FAST
@given(valid_answers(instruments.get("cssrs-screener")), st.sampled_from(["q1", "q2", "q3", "q4", "q5", "q6"]))
def test_cssrs_risk_never_falls_when_an_answer_rises(answers: Answers, item_id: str) -> None:
    if answers[item_id] != 0:
        return
    raised: Answers = {**answers, item_id: 1}
    if item_id == "q2":
        raised.update({k: 0 for k in ("q3", "q4", "q5") if raised[k] is None})
    if item_id == "q6":
        raised["q6_past_3_months"] = 0  # the least severe completion
    assert _risk_rank(raised) >= _risk_rank(answers)


@pytest.mark.parametrize("inst", ALL, ids=IDS)
def test_score_result_to_dict_matches_the_cli_contract(inst: Instrument) -> None:
    example: Answers = {i.id: i.low for i in inst.items}
    for gate in inst.gates:
        for item_id in gate.items:
            example[item_id] = None
    d = instruments.score(inst.id, example).to_dict()
    json.dumps(d)
    assert {"instrument", "total", "severity", "alerts", "prorated"} <= set(d)
    assert all(isinstance(a, str) for a in d["alerts"])
    assert ("risk" in d) is (inst.id == "cssrs-screener")


REFUSERS: list[Callable[[], object]] = [
    lambda: instruments.score("phq9", "0,1,2"),  # type: ignore[arg-type]
    lambda: instruments.score("phq9", [0.5] * 9),  # type: ignore[list-item]
]


@pytest.mark.parametrize("call", REFUSERS)
def test_malformed_answers_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(InputError):
        call()
