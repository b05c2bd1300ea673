"""Run the docstring examples of the analytics modules (not in pytest's doctest paths)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "export_schema",
    "synth_figures",
    "synth",
    "synth_ids",
    "synth_assessments",
    "definitions",
    "outcomes",
    "meta",
    "evidence",
    "evidence_counts",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"ketamine_trd.analytics.{name}")
    failures, _ = doctest.testmod(module)
    assert failures == 0
