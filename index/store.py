"""The index as one object: catalog (SQLite), vectors (Chroma) and keywords (BM25), kept consistent.

Write protocol for one document, chosen so that a crash at any point leaves the index as it was
before that document or with the document wholly in:

1. embed the passages (nothing written yet);
2. upsert the vectors into Chroma (invisible: search only returns catalog passages);
3. one SQLite transaction inserts the document and its passages and deletes the version it replaces;
4. delete the replaced version's vectors; rebuild the keyword index from the catalog.

After a crash between 2 and 4, :meth:`IndexStore.reconcile` deletes vectors the catalog does not
know and embeds catalog passages whose vectors are missing. Writers take a file lock, so two
processes never ingest into one data folder at once.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from index.catalog import Catalog, DocumentInfo
from index.embeddings import Embedder
from index.hybrid import SearchResults, hybrid_search
from index.keyword import KeywordIndex, keyword_tokens
from index.vectors import VectorIndex, chroma_client
from ingest.models import PIPELINE_VERSION, Document, Passage, doc_id_of_passage


class IndexBusy(RuntimeError):
    """Another process is writing to the same data folder."""


@dataclass
class AddOutcome:
    status: str  # "added", "replaced", "unchanged" or "duplicate"
    doc_id: str
    name: str
    n_passages: int
    replaced: list[str] = field(default_factory=list)
    duplicate_of: str | None = None  # name of the document that already has this content


@dataclass
class ReconcileReport:
    orphan_vectors_removed: int = 0
    missing_vectors_added: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.orphan_vectors_removed or self.missing_vectors_added)


def embedding_text(passage: Passage, title: str | None) -> str:
    """What the dense model sees for a passage: the document title and the section heading give
    it the context (province, event, year) that passages deep in an article often leave implicit."""
    parts = [t for t in (title, passage.context) if t and t != passage.text]
    return "\n".join([*parts, passage.text])


def keyword_text(passage: Passage, title: str | None) -> str:
    """What the keyword index sees: the same context as the dense model."""
    return embedding_text(passage, title)


class IndexStore:
    def __init__(self, data_dir: Path, embedder: Embedder, chroma_url: str | None = None, candidates: int = 40):
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.candidates = candidates
        self.catalog = Catalog(data_dir / "catalog.sqlite3")
        self.vectors = VectorIndex(chroma_client(data_dir, chroma_url), embedder)
        self._keyword_dir = data_dir / "keyword"
        self._keywords: KeywordIndex | None = None
        self._keywords_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._lock_file = data_dir / "write.lock"
        self._lock_depth = 0

    # --- locking --------------------------------------------------------------------------------

    @contextmanager
    def writing(self, wait_seconds: float = 600.0) -> Iterator[None]:
        """Hold the data folder's write lock (re-entrant within this process).

        The in-process lock is taken without blocking past ``wait_seconds`` too, so a reader that
        opportunistically saves the keyword index can never wait on a writer that waits on it.
        """
        acquired = (
            self._write_lock.acquire(blocking=False)
            if wait_seconds <= 0
            else self._write_lock.acquire(timeout=wait_seconds)
        )
        if not acquired:
            raise IndexBusy(f"the index in {self.data_dir} is being written; try again when that has finished")
        try:
            if self._lock_depth == 0:
                fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o644)
                deadline = time.monotonic() + wait_seconds
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            os.close(fd)
                            raise IndexBusy(
                                f"another process is writing to {self.data_dir}; try again when it has finished"
                            ) from None
                        time.sleep(0.2)
                self._lock_fd = fd
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                    os.close(self._lock_fd)
        finally:
            self._write_lock.release()

    # --- reads ----------------------------------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        return self.catalog.documents()

    def find_documents(self, ref: str) -> list[DocumentInfo]:
        return self.catalog.find_documents(ref)

    def search(self, query: str, top_k: int = 5) -> SearchResults:
        return hybrid_search(query, self.catalog, self.vectors, self.keywords(), top_k, self.candidates)

    def warm_up(self) -> None:
        """Load everything a first search needs (segmentation models, keyword index, query path),
        so that a server's first request is as fast as the rest."""
        self.search("Quảng Trị giải ngân năm 2023", top_k=1)

    def keywords(self) -> KeywordIndex:
        """The keyword index for the catalog's current generation (loaded or rebuilt as needed)."""
        generation = self.catalog.generation()
        with self._keywords_lock:
            if self._keywords is None or self._keywords.generation != generation:
                loaded = KeywordIndex.load(self._keyword_dir)
                if loaded is not None and loaded.generation == generation:
                    self._keywords = loaded
                else:
                    self._keywords = KeywordIndex.build(self.catalog.keyword_items(), generation)
                    self._try_save_keywords(self._keywords)
            return self._keywords

    def _try_save_keywords(self, index: KeywordIndex) -> None:
        # Readers rebuild in memory when the saved copy is stale; they save it only when no
        # writer is active, so a reader never blocks on, or races with, an ingest.
        try:
            with self.writing(wait_seconds=0):
                if self.catalog.generation() == index.generation:
                    index.save(self._keyword_dir)
        except IndexBusy:
            pass

    # --- writes ---------------------------------------------------------------------------------

    def add_document(self, doc: Document, progress: Callable[[int], None] | None = None) -> AddOutcome:
        """Add one prepared document; see the module docstring for the crash-safety protocol."""
        with self.writing():
            existing = self.catalog.document(doc.doc_id)
            replaced = [d.doc_id for d in self.catalog.documents_from_source(doc.source) if d.doc_id != doc.doc_id]
            if existing is not None and existing.pipeline_version == PIPELINE_VERSION:
                if replaced:  # the file now holds content the index already has under another name
                    self.remove_documents(replaced)
                status = "unchanged" if existing.source == doc.source else "duplicate"
                return AddOutcome(
                    status, existing.doc_id, existing.name, existing.n_passages, replaced=replaced,
                    duplicate_of=existing.name if status == "duplicate" else None,
                )  # fmt: skip
            stale_ids = {p.passage_id for old in replaced for p in self.catalog.passages_of(old)}
            if existing is not None:
                stale_ids |= {p.passage_id for p in self.catalog.passages_of(doc.doc_id)}
            vectors = self._embed(doc.passages, doc.title, progress)
            tokens = [" ".join(keyword_tokens(keyword_text(p, doc.title))) for p in doc.passages]
            self.vectors.add(doc, vectors)
            self.catalog.put_document(doc, tokens, replaces=replaced)
            self.vectors.delete_ids(stale_ids - {p.passage_id for p in doc.passages})
            status = "replaced" if replaced or existing is not None else "added"
            return AddOutcome(status, doc.doc_id, doc.name, len(doc.passages), replaced=replaced)

    def remove_documents(self, doc_ids: list[str]) -> None:
        with self.writing():
            stale = {p.passage_id for doc_id in doc_ids for p in self.catalog.passages_of(doc_id)}
            self.catalog.delete_documents(doc_ids)
            self.vectors.delete_ids(stale)
            self.refresh_keywords()

    def refresh_keywords(self) -> None:
        """Rebuild and save the keyword index if the catalog changed since it was built."""
        with self.writing():
            generation = self.catalog.generation()
            with self._keywords_lock:
                current = self._keywords or KeywordIndex.load(self._keyword_dir)
                if current is None or current.generation != generation:
                    current = KeywordIndex.build(self.catalog.keyword_items(), generation)
                    current.save(self._keyword_dir)
                self._keywords = current

    def reconcile(self, progress: Callable[[int], None] | None = None) -> ReconcileReport:
        """Make vectors match the catalog after an interrupted write or an embedding-model switch."""
        report = ReconcileReport()
        with self.writing():
            in_catalog = self.catalog.passage_ids()
            in_vectors = self.vectors.ids()
            orphans = in_vectors - in_catalog
            if orphans:
                self.vectors.delete_ids(orphans)
                report.orphan_vectors_removed = len(orphans)
            missing = in_catalog - in_vectors
            by_doc: dict[str, list[str]] = {}
            for pid in missing:
                by_doc.setdefault(doc_id_of_passage(pid), []).append(pid)
            for doc_id, pids in by_doc.items():
                info = self.catalog.document(doc_id)
                if info is None:
                    continue
                passages = sorted(self.catalog.passages(pids).values(), key=lambda p: p.ordinal)
                doc = Document(
                    doc_id=doc_id, name=info.name, source=info.source, file_type=info.file_type,
                    size_bytes=info.size_bytes, text="", title=info.title, passages=passages,
                )  # fmt: skip
                self.vectors.add(doc, self._embed(passages, info.title, progress))
                report.missing_vectors_added += len(passages)
            self.refresh_keywords()
        return report

    def _embed(self, passages: list[Passage], title: str | None, progress: Callable[[int], None] | None):
        import numpy as np

        texts = [embedding_text(p, title) for p in passages]
        chunks = []
        for i in range(0, len(texts), 32):
            chunks.append(self.embedder.embed_passages(texts[i : i + 32]))
            if progress is not None:
                progress(len(chunks[-1]))
        if not chunks:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.concatenate(chunks)

    def stats(self) -> dict[str, object]:
        docs, passages = self.catalog.counts()
        return {
            "documents": docs,
            "passages": passages,
            "vectors": self.vectors.count(),
            "embed_model": self.embedder.model_id,
            "data_dir": str(self.data_dir),
        }
