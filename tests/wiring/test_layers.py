"""Imports run one way, down the layers: wiring (ngoaid) → ui and eval → assistant → index → ingest →
vntext. ui and eval are side by side and do not import each other. Every import in every module
counts, those inside functions too: a lazy import up the layers is still a cycle in the design."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYER = {"ngoaid": 5, "ui": 4, "eval": 4, "assistant": 3, "index": 2, "ingest": 1, "vntext": 0}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def upward_imports() -> list[str]:
    wrong = []
    for package, rank in LAYER.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, module in _imports(path):
                target = module.split(".")[0]
                if target in LAYER and target != package and LAYER[target] >= rank:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return wrong


def test_every_import_runs_down_the_layers():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """A positive control: the same walk over a module that imports up the layers reports it."""
    module = tmp_path / "vntext" / "bad.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from assistant.answering import Answerer\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_imports() == ["vntext/bad.py:2 imports assistant.answering"]
