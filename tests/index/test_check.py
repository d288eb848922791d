"""The consistency check: it passes on a sound index and names each kind of damage done on purpose."""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from index.diskspace import DiskFull, disk_full_as_error, disk_full_detail
from index.keyword import KeywordIndex
from index.lexicon import Lexicon
from index.store import IndexStore
from ingest.pipeline import prepare_file
from tests.helpers import invoke_cli, make_reports

MAX = 50 * 2**20


@pytest.fixture(scope="module")
def template(tmp_path_factory, embedder, corpus_dir) -> Path:
    """Two reports indexed once; each test damages its own copy."""
    folder = tmp_path_factory.mktemp("check")
    store = IndexStore(folder / "data", embedder)
    for path in make_reports(folder / "in", corpus_dir, 2):
        store.add_document(prepare_file(path, MAX))
    store.refresh_keywords()
    return folder / "data"


@pytest.fixture
def store(template, tmp_path, embedder) -> IndexStore:
    shutil.copytree(template, tmp_path / "data")
    return IndexStore(tmp_path / "data", embedder)


def _sql(store: IndexStore, statement: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(store.catalog.path)
    try:
        with conn:
            conn.execute(statement, params)
    finally:
        conn.close()


def _drop_keyword_passage(folder: Path, passage_id: str) -> None:
    """Delete one passage from the keyword index on disk, as damage the store did not make."""
    index = KeywordIndex.open(folder, Lexicon.from_texts([]))
    writer = index._index.writer(heap_size=15_000_000, num_threads=1)
    writer.delete_documents_by_term("passage_id", passage_id)
    writer.commit()
    writer.wait_merging_threads()


@pytest.mark.slow
def test_each_kind_of_damage_is_named_and_vector_damage_is_repaired(store):
    clean = store.check()
    assert clean.consistent, clean.problems()
    assert clean.documents == 2 and clean.passages == clean.vectors > 0 and clean.facts > 0
    doc = store.documents()[0]
    first, second = (p.passage_id for p in store.catalog.passages_of(doc.doc_id)[:2])
    fact = store.catalog.facts(doc_ids=[doc.doc_id])[0]

    store.vectors.delete_ids([first])  # a passage dense search can no longer find
    passage = store.catalog.passages([second])[second]
    store.vectors.collection.upsert(  # a vector made from another text than the catalog's
        ids=[second], embeddings=[np.ones(store.embedder.dim).tolist()], documents=["văn bản khác"]
    )
    store.vectors.collection.upsert(  # a vector of a document the catalog never received
        ids=["feedbeef-p0"], embeddings=[np.ones(store.embedder.dim).tolist()], documents=["x"]
    )
    _sql(store, "UPDATE facts SET text = '999 tỷ USD' WHERE fact_id = ?", (fact.fact_id,))
    _sql(store, "UPDATE facts SET passage_id = 'nowhere-p0' WHERE rowid = (SELECT MAX(rowid) FROM facts)")
    _drop_keyword_passage(store.data_dir / "keyword", first)  # a passage keyword search can no longer find

    report = store.check()
    assert not report.consistent
    assert report.missing_vectors == [first]
    assert report.stale_vectors == [second]
    assert report.stray_vectors == ["feedbeef-p0"]
    assert report.misplaced_facts == [fact.fact_id]
    assert len(report.facts_without_passage) == 1
    assert len(report.keyword_missing) == 1 and not report.keyword_extra
    assert len(report.problems()) == 6
    assert any("no vector" in p and doc.doc_id in p for p in report.problems())

    assert store.reconcile().missing_vectors_added == 1  # the routine repair skips current documents' texts
    assert store.check().keyword_missing == [first]  # ...and the keyword index at the catalog's generation
    repaired = store.reconcile(thorough=True)
    assert repaired.missing_vectors_added == 1
    assert store.vectors.texts([second]) == {second: passage.text}
    after = store.check()
    assert not (after.missing_vectors or after.stale_vectors or after.stray_vectors)
    assert not (after.keyword_missing or after.keyword_extra)
    assert after.misplaced_facts and after.facts_without_passage  # the catalog is not guessed at


@pytest.mark.slow
def test_partial_document_and_homeless_passages(store):
    doc = store.documents()[0]
    passages = store.catalog.passages_of(doc.doc_id)
    _sql(store, "DELETE FROM passages WHERE passage_id = ?", (passages[-1].passage_id,))
    # foreign keys are only enforced where the catalog turns them on, not in this connection
    _sql(store, "UPDATE passages SET doc_id = 'ghost' WHERE passage_id = ?", (passages[0].passage_id,))
    report = store.check()
    assert report.partial_documents == [doc.doc_id]
    assert report.passages_without_document == [passages[0].passage_id]


@pytest.mark.slow
def test_a_failed_write_leaves_no_vectors_behind(store, tmp_path, corpus_dir, monkeypatch):
    """Regression: a write that failed (not killed) used to leave its vectors in Chroma."""
    extra = make_reports(tmp_path / "more", corpus_dir, 3)[2]
    doc = prepare_file(extra, MAX)

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store.catalog, "put_document", full)
    with pytest.raises(DiskFull, match="disk space"):
        store.add_document(doc)
    monkeypatch.undo()
    assert not {p.passage_id for p in doc.passages} & store.vectors.ids()
    assert store.check().consistent
    assert store.add_document(doc).status == "added"


@pytest.mark.slow
def test_removal_leaves_no_facts_and_the_cli_reports_damage(store):
    doc = store.documents()[0]
    store.remove_documents([doc.doc_id])
    assert store.catalog.facts(doc_ids=[doc.doc_id]) == []
    assert store.check().consistent

    kept = store.documents()[0]
    store.vectors.delete_ids([store.catalog.passages_of(kept.doc_id)[0].passage_id])
    data_dir = str(store.data_dir)
    broken = invoke_cli("docs", "check", "--data-dir", data_dir)
    assert broken.returncode == 1
    assert "INCONSISTENT" in broken.stdout and "no vector" in broken.stdout and kept.doc_id in broken.stdout
    fixed = invoke_cli("docs", "check", "--repair", "--json", "--data-dir", data_dir)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    body = json.loads(fixed.stdout)
    assert body["consistent"] and body["repaired"]["missing_vectors_added"] == 1


def test_disk_full_is_recognised_in_its_disguises(tmp_path):
    assert disk_full_detail(OSError(errno.ENOSPC, "No space left on device")) == "no space left on the device"
    assert disk_full_detail(OSError(errno.EFBIG, "File too large")) == "a file reached the size limit"
    assert disk_full_detail(sqlite3.OperationalError("database or disk is full"))
    wrapped = RuntimeError("Error executing plan: Internal error: No space left on device (os error 28)")
    assert disk_full_detail(wrapped)
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise ValueError("could not write") from inner
    except ValueError as outer:
        assert disk_full_detail(outer)
    assert disk_full_detail(OSError(errno.EACCES, "Permission denied")) is None
    assert disk_full_detail(ValueError("bad value")) is None
    with pytest.raises(DiskFull, match="free some space"):
        with disk_full_as_error(tmp_path):
            raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(KeyError):  # anything else goes up unchanged
        with disk_full_as_error(tmp_path):
            raise KeyError("x")
