"""Run the docstring examples of the interop modules (not in pytest's doctest paths) and check their purity."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import ketamine_trd.interop

MODULES = sorted(m.name for m in pkgutil.walk_packages(ketamine_trd.interop.__path__, "ketamine_trd.interop."))


def test_modules_are_found() -> None:
    assert "ketamine_trd.interop.fhir.parse" in MODULES and "ketamine_trd.interop.records" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    failures, _ = doctest.testmod(importlib.import_module(name))
    assert failures == 0


def test_the_mapping_imports_no_web_or_database_code() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(json.loads(out.stdout))
    assert not {m for m in loaded if m.split(".")[0] in {"django", "ninja", "sqlite3", "psycopg"}}
    assert not {m for m in loaded if m.startswith(("ketamine_trd.clinic.", "fhir.resources"))}
    assert "ketamine_trd.clinic" not in loaded
