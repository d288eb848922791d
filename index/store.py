"""The index as one object: catalog (SQLite), vectors (Chroma) and keywords (BM25), kept consistent.

Write protocol for one document, chosen so that a crash at any point leaves the index as it was
before that document or with the document wholly in:

1. embed the passages (nothing written yet, and before the folder's write lock is taken, so other
   writers are not kept waiting by the slow part);
2. upsert the vectors into Chroma (invisible: search only returns catalog passages);
3. one SQLite transaction inserts the document and its passages and deletes the version it replaces;
4. delete the replaced version's vectors;
5. index the document's keyword tokens (tantivy; the replaced version's taken out) and record the
   catalog generation this reflects.

The keyword index follows the catalog document by document. A kill between 3 and 5 leaves it at an
older generation: the next search, write or repair compares it with the catalog and indexes again
only the documents that differ (``_follow_catalog``). An index missing, unreadable, of the earlier
bm25s format or made with another glossary is built once from the catalog. The diacritic lexicon's
counts are in the catalog itself, changed in step 3's transaction.

After a crash between 2 and 4, :meth:`IndexStore.reconcile` deletes vectors the catalog does not
know and embeds catalog passages whose vectors are missing. A write that fails (rather than being
killed) removes its own new vectors before the error goes up, so a process that carries on (the
server, the rest of a batch) leaves nothing behind. Writers take a file lock, so two processes never
ingest into one data folder at once. :meth:`IndexStore.check` verifies all of this without changing
anything.

Other processes' writes: the catalog and the keyword index follow the catalog's generation (a
search reloads the keyword index when the generation moved), but embedded Chroma keeps its nearest-neighbour index in memory and does not see vectors another process
added. A store that finds a generation no writer of its own process left reopens the vector store
before its next search or write (see ``_see_other_writers``).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from index.audit import AUDIT_FILE, Actor, AuditEntry, AuditLog
from index.catalog import CATALOG_FILE, Catalog, DocumentInfo
from index.consistency import CheckReport, VectorDrift
from index.diskspace import DiskFull, disk_full_as_error, disk_full_detail, ensure_space
from index.embeddings import Embedder
from index.hybrid import SearchResults, hybrid_search, refined
from index.keyword import Entry, KeywordIndex, differing_documents, digest, keyword_tokens
from index.lexicon import Lexicon
from index.vectors import VectorIndex, chroma_client
from vntext.vietnamese import fold
from ingest.models import PIPELINE_VERSION, Document, Passage, doc_id_of_passage

log = logging.getLogger("ngoaid.index")

__all__ = ["AddOutcome", "CheckReport", "DiskFull", "IndexBusy", "IndexStore", "ReconcileReport"]


# The catalog generation each data folder was last left at by a writer of this process. Stores of one
# process share one embedded Chroma system per folder (chromadb caches it), so a change made here is
# already in every store's vectors; only a generation this process did not write calls for a reopen.
_WRITTEN_HERE: dict[str, int] = {}


class IndexBusy(RuntimeError):
    """Another process is writing to the same data folder."""


class AddStatus(StrEnum):
    """What became of a file given to the index."""

    ADDED = "added"
    REPLACED = "replaced"  # an earlier version of the same file was taken out
    UNCHANGED = "unchanged"  # already indexed from the same place
    DUPLICATE = "duplicate"  # the same content is indexed under another name
    FAILED = "failed"  # it could not be read (in reports of a batch; never an AddOutcome's)


@dataclass
class AddOutcome:
    status: AddStatus
    doc_id: str
    name: str
    n_passages: int
    replaced: list[str] = field(default_factory=list)
    duplicate_of: str | None = None  # name of the document that already has this content


@dataclass
class BatchItem:
    """One file of a batch: what became of it, or why it did not go in."""

    key: str  # how the caller names it (a path, an uploaded file's name)
    outcome: AddOutcome | None = None
    error: Exception | None = None  # an IngestError, or an unexpected error in this file alone


@dataclass
class BatchReport:
    items: list[BatchItem] = field(default_factory=list)
    stopped_at: str | None = None  # the key of the file the batch stopped at, not added, nor those after it
    stopped_by: BaseException | None = None  # KeyboardInterrupt (Ctrl-C) or DiskFull

    @property
    def added(self) -> list[BatchItem]:
        return [i for i in self.items if i.outcome is not None]

    @property
    def failed(self) -> list[BatchItem]:
        return [i for i in self.items if i.error is not None]


@dataclass
class ReconcileReport:
    orphan_vectors_removed: int = 0
    missing_vectors_added: int = 0  # includes vectors made again because their text was stale
    temp_folders_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.orphan_vectors_removed or self.missing_vectors_added)


def _result(outcome: AddOutcome) -> str:
    """An add's outcome in the audit log's words."""
    if outcome.status is AddStatus.DUPLICATE:
        return f"duplicate of {outcome.duplicate_of}"
    if outcome.replaced:
        return f"{outcome.status.value}, earlier version {', '.join(outcome.replaced)} taken out"
    return outcome.status.value


def document_header(title: str | None, main_place: str | None) -> str | None:
    """What every passage of a document is read with: its title, and the place the whole document is
    about when the title does not name it (figures deep in a provincial report rarely repeat it)."""
    if main_place and not (title and fold(main_place.lower()) in fold(title.lower())):
        return f"{title} — {main_place}" if title else main_place
    return title


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
        self.catalog = Catalog(data_dir / CATALOG_FILE)
        self.audit = AuditLog(data_dir / AUDIT_FILE)
        reopen = None if chroma_url else (lambda: chroma_client(data_dir, None, fresh=True))
        self.vectors = VectorIndex(chroma_client(data_dir, chroma_url), embedder, reopen=reopen)
        self._keyword_dir = data_dir / "keyword"
        self._lexicon = Lexicon.over(self.catalog)
        self._keywords: KeywordIndex | None = None
        self._keywords_lock = threading.RLock()
        self._documents_cache: tuple[int, dict[str, DocumentInfo]] | None = None
        self._documents_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._lock_file = data_dir / "write.lock"
        self._lock_depth = 0
        # the catalog generation the open vector store has seen: a newer one written by another process
        # means vectors this process's embedded Chroma does not know yet (see _see_other_writers)
        self._vectors_seen = self.catalog.generation()
        self._vectors_lock = threading.Lock()
        self._folder = str(data_dir.resolve())
        self._engines_noted: set[str] = set()

    # --- locking --------------------------------------------------------------------------------

    @contextmanager
    def writing(self, wait_seconds: float = 600.0) -> Iterator[None]:
        """Hold the data folder's write lock (re-entrant within this process).

        The in-process lock is taken without blocking past ``wait_seconds`` too, so a reader that
        opportunistically repairs the keyword index can never wait on a writer that waits on it.
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
                self._see_other_writers()  # before writing next to another process's vectors
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0:
                    # every change since the lock was taken is this process's own: its store has them
                    self._vectors_seen = _WRITTEN_HERE[self._folder] = self.catalog.generation()
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                    os.close(self._lock_fd)
        finally:
            self._write_lock.release()

    # --- reads ----------------------------------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        return self.catalog.documents()

    def find_documents(self, ref: str) -> list[DocumentInfo]:
        return self.catalog.find_documents(ref)

    def _see_other_writers(self) -> None:
        """Reopen the vector store when the catalog changed since this process last saw it: another
        process (an ``ngoaid ingest`` beside a server) wrote to the folder. The catalog and the keyword
        index follow the catalog's generation by themselves; embedded Chroma does not. Writers hold the
        folder's lock, so a change seen while this process holds it is its own."""
        generation = self.catalog.generation()
        if generation == self._vectors_seen:
            return
        with self._vectors_lock:
            if generation == _WRITTEN_HERE.get(self._folder):
                self._vectors_seen = generation  # written by this process, through the shared system
            elif generation != self._vectors_seen:
                if self.vectors.reopen():
                    log.info("the index was changed by another process; reopened the vector store")
                self._vectors_seen = generation

    def search(self, query: str, top_k: int = 5) -> SearchResults:
        if self._lock_depth == 0:
            self._see_other_writers()
        return hybrid_search(
            query, self.catalog, self.vectors, self.keywords(), top_k, self.candidates, self.documents_by_id()
        )

    def refine(self, results: SearchResults, lists: list[list[str]], top_k: int, weight: float = 1.0) -> SearchResults:
        """A search's passages fused with other ranked lists of passage IDs (see :func:`index.hybrid.refined`)."""
        return refined(results, lists, self.catalog, self.documents_by_id(), top_k, weight)

    def documents_by_id(self) -> dict[str, DocumentInfo]:
        """The catalog's documents, read again only when the catalog changes: with thousands of
        documents, reading them all took longer than the rest of a search."""
        generation = self.catalog.generation()  # read first: a change after it only makes the copy newer
        with self._documents_lock:
            if self._documents_cache is None or self._documents_cache[0] != generation:
                known = self._documents_cache[1] if self._documents_cache else {}
                self._documents_cache = (generation, self.catalog.documents_since(known))
            return self._documents_cache[1]

    def warm_up(self, writes: bool = False) -> None:
        """Load everything a first search needs (segmentation models, keyword index, query path),
        and with ``writes`` what a first upload needs too (the passage engine: 156 MB, and 1.5-3 s
        that the first upload to a server paid), so that a server's first request is as fast as
        the rest."""
        self.search("Quảng Trị giải ngân năm 2023", top_k=1)
        if writes:
            self.embedder.embed_passages(["Quảng Trị tiếp nhận viện trợ năm 2023."])

    def keywords(self) -> KeywordIndex:
        """The keyword index at the catalog's current generation when it can be had: reloaded after
        another process's commit, or brought up to date here when no writer is at work. While a
        writer holds the lock, searches use the last commit; the writer brings it up to date."""
        generation = self.catalog.generation()
        with self._keywords_lock:
            current = self._keywords if self._keywords is not None and self._keywords.folder else None
            if current is not None and current.generation == generation:
                return current
            current = current or KeywordIndex.open(self._keyword_dir, self._lexicon)
            if current is not None:
                current.refresh()
                self._keywords = current
                if current.generation == generation:
                    return current
            try:
                with self.writing(wait_seconds=0):
                    return self._follow_catalog()
            except IndexBusy:
                pass
            except Exception as exc:  # a full disk must not fail a search: the last commit answers
                if disk_full_detail(exc) is None:
                    raise
                log.warning("no space to bring the keyword index in %s up to date: %s", self._keyword_dir, exc)
            return current or KeywordIndex.empty(self._lexicon)

    def _follow_catalog(self, compare_all: bool = False) -> KeywordIndex:
        """Bring the keyword index to the catalog's generation: build it when there is none (or it is
        of the earlier format), else compare it with the catalog when the generations differ (or
        ``compare_all``) and index again only the documents that differ. The caller holds the write
        lock."""
        with self._keywords_lock:
            generation = self.catalog.generation()
            current = self._keywords if self._keywords is not None and self._keywords.folder else None
            current = current or KeywordIndex.open(self._keyword_dir, self._lexicon)
            if current is None:
                log.info("building the keyword index in %s from the catalog", self._keyword_dir)
                current = KeywordIndex.build(self._keyword_dir, self.catalog.keyword_entries(), generation, self._lexicon)
            else:
                current.refresh()
                if compare_all or current.generation != generation:
                    changed = differing_documents(current, self.catalog.keyword_entries())
                    current.update(changed, self.catalog.keyword_entries(changed) if changed else [], generation)
                    if changed:
                        log.info("indexed again the keywords of %d document(s) that differed from the catalog", len(changed))
            self._keywords = current
            return current

    # --- writes ---------------------------------------------------------------------------------

    def add_document(
        self, doc: Document, progress: Callable[[int], None] | None = None, actor: Actor | None = None
    ) -> AddOutcome:
        """Add one prepared document; see the module docstring for the crash-safety protocol. What
        became of it goes into the audit log, in the name of ``actor`` (this process when None).

        Embedding, the slow part, is done before the write lock is taken (unless the caller holds
        it): another process's ingest and the server's uploads commit meanwhile instead of waiting for
        the whole of this one. Under the lock everything is checked again."""
        outcome = self._add(doc, progress)
        self.audit.record(AuditEntry.now(actor or Actor.local(), "add", doc.name, outcome.doc_id, _result(outcome)))
        return outcome

    def _add(self, doc: Document, progress: Callable[[int], None] | None) -> AddOutcome:
        header = document_header(doc.title, doc.frame.main_place if doc.frame else None)
        ready = None if self._is_current(doc) else self._embedded(doc, header, progress)
        with self.writing(), disk_full_as_error(self.data_dir):
            existing = self.catalog.document(doc.doc_id)
            replaced = [d.doc_id for d in self.catalog.documents_from_source(doc.source) if d.doc_id != doc.doc_id]
            if existing is not None and existing.pipeline_version == PIPELINE_VERSION:
                if replaced:  # the file now holds content the index already has under another name
                    self._remove(replaced)
                status = AddStatus.UNCHANGED if existing.source == doc.source else AddStatus.DUPLICATE
                return AddOutcome(
                    status, existing.doc_id, existing.name, existing.n_passages, replaced=replaced,
                    duplicate_of=existing.name if status is AddStatus.DUPLICATE else None,
                )  # fmt: skip
            before = self.catalog.generation()
            stale_ids = {p.passage_id for old in replaced for p in self.catalog.passages_of(old)}
            if existing is not None:
                stale_ids |= {p.passage_id for p in self.catalog.passages_of(doc.doc_id)}
            vectors, tokens = ready or self._embedded(doc, header, progress)  # removed meanwhile: embed now
            ensure_space(self.data_dir, len(doc.passages))
            try:
                self.vectors.add(doc, vectors)
                self.catalog.put_document(doc, tokens, replaces=replaced)
                self._note_passage_engine()
            except Exception:
                # Not KeyboardInterrupt: Ctrl-C stands for a kill here, and the next run's
                # reconcile removes what it leaves, as it does after a real kill.
                self._discard_uncatalogued({p.passage_id for p in doc.passages})
                raise
            self._delete_vectors_quietly(stale_ids - {p.passage_id for p in doc.passages})
            added = [(doc.doc_id, p.passage_id, t) for p, t in zip(doc.passages, tokens, strict=True)]
            self._keywords_after_write(before, [*replaced, doc.doc_id], added)
            status = AddStatus.REPLACED if replaced or existing is not None else AddStatus.ADDED
            return AddOutcome(status, doc.doc_id, doc.name, len(doc.passages), replaced=replaced)

    def _note_passage_engine(self) -> None:
        """Record in the catalog what embedded the passages just written (once per engine and store)."""
        name = getattr(self.embedder, "passage_variant", self.embedder.model_id)
        if name not in self._engines_noted:
            self.catalog.note_passage_engine(name, getattr(self.embedder, "agreement", None))
            self._engines_noted.add(name)

    def _is_current(self, doc: Document) -> bool:
        existing = self.catalog.document(doc.doc_id)
        return existing is not None and existing.pipeline_version == PIPELINE_VERSION

    def _embedded(self, doc: Document, header: str | None, progress: Callable[[int], None] | None):
        vectors = self._embed(doc.passages, header, progress)
        return vectors, [" ".join(keyword_tokens(keyword_text(p, header))) for p in doc.passages]

    def add_documents(
        self,
        items: Iterable[tuple[str, Callable[[], Document]]],
        on_item: Callable[[BatchItem], None] | None = None,
        actor: Actor | None = None,
    ) -> BatchReport:
        """Prepare and add a batch of documents, each committed on its own under the write lock (which
        is let go between documents and while each is read and embedded), keywords included. ``items`` are (key, prepare) pairs; ``prepare()`` returns the document (reading
        and cleaning the file happens there, so its errors are the file's). One bad file never stops
        the batch: an :class:`IngestError` or an unexpected error is reported for that file and the
        rest go in. Ctrl-C or a full disk stops it at that file (every later file would fail the
        same way), and what went in before stays in, searchable. ``on_item`` is called after each
        file (a progress bar). Each file, added or not, goes into the audit log in the name of
        ``actor`` (this process when None)."""
        from ingest.models import IngestError

        report = BatchReport()
        actor = actor or Actor.local()
        try:
            for key, prepare in items:
                item = BatchItem(key)
                try:
                    item.outcome = self.add_document(prepare(), actor=actor)
                except IngestError as exc:
                    item.error = exc
                    self.audit.record(AuditEntry.now(actor, "add", key, None, f"failed: {exc.reason}"))
                except (KeyboardInterrupt, DiskFull) as exc:
                    report.stopped_at, report.stopped_by = key, exc
                    stopped = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
                    self.audit.record(AuditEntry.now(actor, "add", key, None, f"stopped: {stopped}"))
                    break
                except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
                    log.exception("could not add %s", key)
                    item.error = exc
                    self.audit.record(AuditEntry.now(actor, "add", key, None, f"failed: {exc.__class__.__name__}"))
                report.items.append(item)
                if on_item is not None:
                    on_item(item)
        finally:
            self.refresh_keywords()
        return report

    def _discard_uncatalogued(self, passage_ids: set[str]) -> None:
        """After a failed write: delete those of ``passage_ids`` the catalog does not hold."""
        try:
            kept = set(self.catalog.passages(passage_ids))
        except Exception as exc:  # noqa: BLE001 - the write's own error is the one to report
            log.warning("could not read the catalog to clean up after a failed write: %s", exc)
            return
        self._delete_vectors_quietly(passage_ids - kept)

    def _delete_vectors_quietly(self, passage_ids: set[str]) -> None:
        # Once the catalog has its answer, vectors it does not know are invisible to search: if
        # deleting them fails (a full disk), the next reconcile removes them.
        try:
            self.vectors.delete_ids(passage_ids)
        except Exception as exc:  # noqa: BLE001
            log.warning("left %d stray vectors for the next repair: %s", len(passage_ids), exc)

    def remove_documents(self, doc_ids: list[str], actor: Actor | None = None) -> None:
        """Take documents out of every store; each goes into the audit log in the name of ``actor``
        (this process when None)."""
        names = {d.doc_id: d.name for d in (self.catalog.document(i) for i in doc_ids) if d is not None}
        self._remove(doc_ids)
        for doc_id in doc_ids:
            result = "removed" if doc_id in names else "not found"
            self.audit.record(AuditEntry.now(actor or Actor.local(), "remove", names.get(doc_id), doc_id, result))

    def _remove(self, doc_ids: list[str]) -> None:
        with self.writing(), disk_full_as_error(self.data_dir):
            before = self.catalog.generation()
            stale = {p.passage_id for doc_id in doc_ids for p in self.catalog.passages_of(doc_id)}
            self.catalog.delete_documents(doc_ids)
            self._delete_vectors_quietly(stale)
            self._keywords_after_write(before, doc_ids, [])

    def _keywords_after_write(self, before: int, remove: list[str], add: list[Entry]) -> None:
        """Step 5 of the write protocol (the caller holds the write lock): index this change alone when
        the keyword index reflected the catalog just before it, else compare the two. The catalog
        change stands whatever happens here: a full disk leaves the keyword index behind, and the
        next search or write brings it up to date."""
        try:
            with self._keywords_lock:
                current = self._keywords if self._keywords is not None and self._keywords.folder else None
                current = current or KeywordIndex.open(self._keyword_dir, self._lexicon)
                if current is not None:
                    current.refresh()
                    self._keywords = current
                    if current.generation == before:
                        current.update(remove, add, self.catalog.generation())
                        return
                self._follow_catalog()
        except Exception as exc:
            if disk_full_detail(exc) is None:
                raise
            log.warning("no space to update the keyword index in %s; it is brought up to date later", self._keyword_dir)

    def refresh_keywords(self, compare_all: bool = False) -> None:
        """Bring the keyword index up to the catalog (see :meth:`_follow_catalog`)."""
        with self.writing():
            self._follow_catalog(compare_all)

    def fill_figure_words(self, wait_seconds: float = 600.0) -> int:
        """Store the words of figures a catalog from before migration 4 holds without them, so that
        the first answer about their unit does not work them out (see ``index.catalog``); how many."""
        with self.writing(wait_seconds):
            return self.catalog.fill_figure_words()

    def reconcile(
        self, progress: Callable[[int], None] | None = None, wait_seconds: float = 600.0, thorough: bool = False
    ) -> ReconcileReport:
        """Make vectors match the catalog after an interrupted write or an embedding-model switch.

        ``thorough`` compares the text of every vector with its passage, as :meth:`check` does,
        instead of only those of documents an older pipeline made (see :meth:`_vector_drift`), and
        every passage of the keyword index with the catalog's, instead of only when the keyword
        index is at another generation.
        """
        report = ReconcileReport()
        with self.writing(wait_seconds), disk_full_as_error(self.data_dir):
            report.temp_folders_removed = self._remove_temp_folders()
            drift = self._vector_drift(compare_all_texts=thorough)
            if drift.stray:
                self.vectors.delete_ids(drift.stray)
                report.orphan_vectors_removed = len(drift.stray)
            by_doc: dict[str, list[str]] = {}
            for pid in drift.missing | drift.stale:
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
                self.vectors.add(doc, self._embed(passages, document_header(info.title, info.main_place), progress))
                self._note_passage_engine()
                report.missing_vectors_added += len(passages)
            self.refresh_keywords(compare_all=thorough)
        return report

    def _vector_drift(self, compare_all_texts: bool) -> VectorDrift:
        """How the vectors differ from the catalog (shared by :meth:`reconcile` and :meth:`check`).

        A vector's text can only differ from its passage's when a document was processed again by a
        newer pipeline under the same passage IDs and the catalog write did not happen; so repairs
        compare the texts of such documents only, and the full check compares them all.
        """
        in_catalog = self.catalog.passage_ids()
        in_vectors = self.vectors.ids()
        drift = VectorDrift(stray=in_vectors - in_catalog, missing=in_catalog - in_vectors)
        doc_ids = None if compare_all_texts else self.catalog.outdated_documents(PIPELINE_VERSION)
        if doc_ids == []:
            return drift
        expected = self.catalog.passage_texts(doc_ids)
        stored = self.vectors.texts(set(expected) & in_vectors)
        drift.stale = {pid for pid, text in stored.items() if text != expected[pid]}
        return drift

    def _remove_temp_folders(self) -> int:
        # A keyword index being built lives in a temporary folder until it is swapped in; a kill
        # leaves it behind. Saves happen under the write lock, which the caller holds.
        leftovers = [p for p in self.data_dir.glob(".keyword-*") if p.is_dir()]
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
        return len(leftovers)

    def check(self, wait_seconds: float = 600.0) -> CheckReport:
        """Verify, without changing anything, that every document is wholly in or wholly out.

        Holds the write lock so that a write in progress is not mistaken for an inconsistency.
        """
        with self.writing(wait_seconds):
            catalog = self.catalog.integrity()
            try:
                drift, n_vectors, unreadable = self._vector_drift(compare_all_texts=True), self.vectors.count(), None
            except Exception as exc:  # noqa: BLE001 - a check reports what it cannot read
                drift, n_vectors, unreadable = VectorDrift(), 0, exc
            report = CheckReport(
                documents=catalog.documents, passages=catalog.passages, vectors=n_vectors,
                facts=catalog.facts, sqlite=catalog.sqlite, partial_documents=catalog.partial_documents,
                passages_without_document=catalog.passages_without_document,
                missing_vectors=sorted(drift.missing), stray_vectors=sorted(drift.stray),
                stale_vectors=sorted(drift.stale), facts_without_passage=catalog.facts_without_passage,
                misplaced_facts=catalog.misplaced_facts,
                vectors_unreadable=None if unreadable is None else f"{type(unreadable).__name__}: {unreadable}",
            )  # fmt: skip
            self._check_keywords(report)
            leftovers = [p.name for p in self.data_dir.glob(".keyword-*")]
            if leftovers:
                report.notes.append(
                    f"{len(leftovers)} temporary keyword folder(s) left by an interrupted save; the next ingest removes them"
                )
        return report

    def _check_keywords(self, report: CheckReport) -> None:
        saved = KeywordIndex.open(self._keyword_dir, self._lexicon)
        generation = self.catalog.generation()
        if saved is None:
            report.notes.append("no keyword index (or one of an earlier format); it is built from the catalog at the next search")
            return
        if saved.generation != generation:
            report.notes.append(
                f"the keyword index reflects catalog change {saved.generation}, the catalog is at {generation}; "
                "the documents that differ are indexed again at the next search"
            )
            return
        expected = {pid: digest(tokens) for _, pid, tokens in self.catalog.keyword_entries() if tokens.strip()}
        have = saved.entries()
        report.keyword_missing = sorted(pid for pid, sig in expected.items() if pid not in have or have[pid][1] != sig)
        report.keyword_extra = sorted(set(have) - set(expected))

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
            "passage_engines": self.catalog.passage_engines(),
            "data_dir": str(self.data_dir),
        }
