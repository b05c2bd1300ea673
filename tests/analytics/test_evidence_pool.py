"""Pooling the evidence table only where the rows measure the same thing (issue 15), and the issue-11 rows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ketamine_trd.analytics.evidence import evidence_rows, pooled_from_table, rows_to_pool
from ketamine_trd.cli import main
from ketamine_trd.errors import InputError


@pytest.mark.parametrize("text", ["", "  ", "re", "e"])
def test_a_selection_mixing_outcomes_or_comparators_is_refused_naming_the_rows(text: str) -> None:
    with pytest.raises(InputError) as caught:
        rows_to_pool(text)
    message = str(caught.value)
    assert "ESCAPE-TRD" in message and "SUSTAIN-1 (stable remitters)" in message
    assert "comparator placebo" in message and "active (quetiapine XR)" in message


def test_rows_sharing_outcome_comparator_and_measure_pool() -> None:
    rows = rows_to_pool("relapse")
    assert {r.pool_key() for r in rows} == {("relapse", "placebo", "proportion relapsed")}
    assert pooled_from_table("relapse", "RR", "DL").k == 2


def test_cli_pool_empty_text_exits_2_naming_the_rows(capsys: Any) -> None:
    assert main(["evidence", "--pool", ""]) == 2
    err = capsys.readouterr().err
    assert "pool" in err and "ESCAPE-TRD" in err
    assert main(["evidence", "--pool", "relapse", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["k"] == 2


def test_issue_11_rows_zarate_2006_and_murrough_24h_response() -> None:
    rows = {r.trial: r for r in evidence_rows()}
    z = rows["Zarate 2006"]
    assert z.n == 18 and z.design == "RCT crossover" and z.source == "zarate-2006"
    m = rows["Murrough 2013 (AJP)"]
    assert "64% vs 28%" in m.result and "response at 24 h" in m.outcome


def test_kaplan_meier_output_states_log_log_intervals_and_the_median_convention() -> None:
    import pandas as pd

    from ketamine_trd.analytics.survival import durability_from_table

    table = pd.DataFrame(
        {"duration_days": [5, 10, 20, 30, 40, 60], "lost": [1, 1, 0, 1, 1, 0], "product_route": ["a"] * 6,
         "maintenance": [False] * 6}
    )  # fmt: skip
    result = durability_from_table(table)
    assert "log-log" in result.interval_method
    assert "midpoint" in result.median_convention
