"""The layering of docs/adr/0002-layering.md.

The import rules are import-linter contracts in ``.importlinter`` (scripts/test runs ``lint-imports`` too); these
tests run them on the tree, prove on a copy of the tree that a forbidden import breaks its contract, and keep one
check that static analysis cannot make: importing every module of the pure packages in a fresh interpreter loads no
web or database code (dynamic ``import_module`` calls included) and no heavy optional library (those are lazy).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".importlinter"

FORBIDDEN = (
    "django",
    "ninja",
    "sqlalchemy",
    "psycopg",
    "psycopg2",
    "sqlite3",
    "waitress",
    "gunicorn",
    "uvicorn",
    "starlette",
    "fastapi",
    "flask",
    "requests",
    "httpx",
    "ketamine_trd.clinic",
    "ketamine_trd.interop",
    "ketamine_trd.analytics",
    "ketamine_trd.commands",
    "ketamine_trd.cli",
)
LAZY_ONLY = ("jax", "dask", "pandas", "matplotlib", "numba")

PURE = [
    "ketamine_trd.clinical",
    "ketamine_trd.pharmacology",
    "ketamine_trd.errors",
    "ketamine_trd.jsonable",
]


def _lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package found under ``src`` with the repository's contracts."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", code, "--config", str(CONFIG), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint_imports(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "contract"),
    [
        ("clinic/records/services/rems.py", "import ketamine_trd.commands", "The clinic never imports the CLI"),
        ("clinic/access.py", "from ketamine_trd.cli import main", "The clinic never imports the CLI"),
        ("clinical/dosing/weights.py", "import ketamine_trd.clinic.access", "The pure core (clinical, pharmacology)"),
        ("pharmacology/pd.py", "import django", "The pure core never imports Django"),
        ("analytics/outcomes.py", "import ketamine_trd.clinic.records.models", "Analytics never imports the clinic"),
        ("interop/records.py", "import ketamine_trd.clinic.audit", "Interop (FHIR, research exports) never imports"),
        (
            "clinic/measurement/trajectory.py",
            "from ketamine_trd.clinic.records import models",
            "Measurement imports records only through",
        ),
        (
            "clinic/records/services/sessions.py",
            "from ketamine_trd.clinic.measurement import services",
            "Records imports measurement only through",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, statement: str, contract: str) -> None:
    """A copy of the tree with one forbidden import added fails ``lint-imports``, naming the contract and the line."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "ketamine_trd", src / "ketamine_trd", ignore=shutil.ignore_patterns("__pycache__"))
    target = src / "ketamine_trd" / module
    target.write_text(target.read_text() + f"\n{statement}  # added by tests/test_layering.py\n")
    importer = "ketamine_trd." + module.removesuffix(".py").replace("/", ".")

    result = _lint_imports(src, tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in report, result.stdout
    assert importer in report, result.stdout


def _modules_after_import(module: str) -> set[str]:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", PURE)
def test_pure_packages_load_no_web_database_or_heavy_library_at_import(module: str) -> None:
    loaded = _modules_after_import(module)
    bad = sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN + LAZY_ONLY))
    assert not bad, f"{module} (and its submodules) imported {bad}"
