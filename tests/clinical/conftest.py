"""Shared helpers for the clinical-core tests: example files and history builders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def load_example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def make_history(*trials: dict[str, Any], **episode: Any) -> dict[str, Any]:
    """A history dict with a moderate 6-month current episode unless overridden."""
    ep = {"duration_months": 6, "severity": "moderate"} | episode
    return {"episode": ep, "trials": list(trials)}


def trial(
    drug: str, dose: float | None, weeks: float | None, improvement: float | None = 0, **extra: Any
) -> dict[str, Any]:
    return {"drug": drug, "daily_dose_mg": dose, "weeks": weeks, "improvement_percent": improvement} | extra


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
