"""Fixtures for the ingest tests: the real shared corpus, read and cleaned once per session.

The corpus lives in ``shared/corpus`` beside the project root (``/work/main/../shared/corpus``).
When it is absent, every test that needs it is skipped, not failed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = PROJECT_ROOT / ".." / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    """The shared corpus folder; skips the test when it is not there."""
    if not CORPUS_DIR.is_dir() or not any(CORPUS_DIR.glob("*.txt")):
        pytest.skip(f"the shared corpus ({CORPUS_DIR}) is not present")
    return CORPUS_DIR.resolve()


@pytest.fixture(scope="session")
def raw_report(corpus_path: Path) -> Callable[[str], str]:
    """``raw_report(name)``: the text of one corpus file; skips when that file is missing."""
    cache: dict[str, str] = {}

    def get(name: str) -> str:
        if name not in cache:
            path = corpus_path / name
            if not path.is_file():
                pytest.skip(f"{name} is not in the shared corpus")
            cache[name] = path.read_text(encoding="utf-8")
        return cache[name]

    return get


@pytest.fixture(scope="session")
def cleaned_report(raw_report: Callable[[str], str]):
    """``cleaned_report(name)``: ``clean_text`` of one corpus file, computed once."""
    from ingest.cleaning import clean_text

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = clean_text(raw_report(name))
        return cache[name]

    return get
