"""Every source id cited in the code exists in the one registry (clinical/sources.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ketamine_trd.clinical import sources

SRC = Path(__file__).resolve().parents[1] / "src" / "ketamine_trd"
CITING_KEYWORDS = {"source", "source_id", "sources", "source_ids"}
CITING_CALLS = {"cite", "get_source"}


def _literal_ids(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [i for elt in node.elts for i in _literal_ids(elt)]
    return []


def _cited_ids() -> list[tuple[str, int, str]]:
    found = []
    for path in SRC.rglob("*.py"):
        if "source_tables" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                values = list(node.args[:1]) if name in CITING_CALLS else []
                values += [kw.value for kw in node.keywords if kw.arg in CITING_KEYWORDS]
                for value in values:
                    for sid in _literal_ids(value):
                        found.append((str(path.relative_to(SRC)), node.lineno, sid))
    return found


def test_registry_ids_are_unique_and_titled() -> None:
    reg = sources.registry()
    assert "S1" in reg and "S47" in reg and "platform-defined" in reg
    assert all(s.title for s in reg.values())


@pytest.mark.parametrize("where", _cited_ids(), ids=lambda w: f"{w[0]}:{w[1]}")
def test_every_cited_source_exists(where: tuple[str, int, str]) -> None:
    path, line, sid = where
    assert sid in sources.registry(), f"{path}:{line} cites unknown source {sid!r}"


def test_unknown_source_is_refused() -> None:
    with pytest.raises(sources.UnknownTermError):
        sources.get("S9999")
