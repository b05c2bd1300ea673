"""The pure packages import no web, database or clinic code (docs/adr/0002-layering.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
)
LAZY_ONLY = ("jax", "dask", "pandas", "matplotlib", "numba")

PURE = [
    "ketamine_trd.clinical",
    "ketamine_trd.pharmacology",
    "ketamine_trd.errors",
]


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
def test_pure_packages_import_no_web_or_database(module: str) -> None:
    loaded = _modules_after_import(module)
    bad = sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN + LAZY_ONLY))
    assert not bad, f"{module} (and its submodules) imported {bad}"
