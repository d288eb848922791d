"""The keyword side of retrieval: BM25 over Vietnamese word tokens with diacritics folded.

Tokens come from underthesea's word segmentation. Each compound word ("giải ngân") yields the
compound ("giai_ngan") and its syllables ("giai", "ngan"), so a query segmented differently, as
text typed without diacritics usually is, still matches syllable by syllable. Numbers such as
"17.216.450,40" and "2,3" stay whole, and one-letter words are kept.

The index is tantivy's, on disk, updated per document: adding or removing a document indexes or
deletes that document's passages only. bm25s (under llama-index's ``BM25Retriever``), used before,
cannot add or remove a document without building the whole index again: 28 s at 100,000 passages,
inside the write lock, after every upload. At 100,000 passages tantivy builds in 1.9 s, adds a
30-passage document in 23 ms and answers a query at search depth in 4.2 ms (p50; see
eval/BENCHMARKS.md). SQLite FTS5, the other index that updates in place, took 228 ms a query at
that size in a trial, so it was not chosen. The tokens are fed through tantivy's whitespace
tokenizer with no filter: they are folded and lower-cased already, and its default tokenizer would
split "17.216.450,40" and "giai_ngan".

tantivy scores with BM25 at k1=1.2, b=0.75 (fixed in its Python bindings); bm25s used k1=1.5,
b=0.75. Both dev sets gave the same answers, hit@5 and MRR with either (dev 24/24, 100 %, 0.931;
dev2 101/107, 98.4 %, 0.867), so nothing was done to match them.

Each passage is stored with its document and passage IDs and a digest of its tokens, and a state
file records the catalog generation the last commit reflects: after a kill between the catalog's
commit and the keyword index's, the store compares the two and re-indexes only the documents that
differ (see :mod:`index.store`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Collection, Iterable
from pathlib import Path

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from index.lexicon import Lexicon
from vntext.glossary import find_concepts, fingerprint
from vntext.vietnamese import fold, normalize_text

log = logging.getLogger("ngoaid.index")

_TOKENIZER = "ngoaid_keywords"
_STATE_FILE = "state.json"
_FIELDS = ("tokens", "doc_id", "passage_id", "digest")
# One writer thread: the machine's other core serves searches. Heap per writer: below 15 MB tantivy
# flushes a segment per few hundred passages; 64 MB builds 100,000 passages in a handful.
_WRITER_HEAP = 64 * 2**20
# underthesea's word segmenter is one shared native object; concurrent calls from server threads
# must take turns.
_SEGMENTER_LOCK = threading.Lock()

Entry = tuple[str, str, str]  # (doc_id, passage_id, space-joined keyword tokens)


def keyword_tokens(text: str) -> list[str]:
    """Folded, lower-case keyword tokens of a text: compounds, their syllables and concepts."""
    from underthesea import word_tokenize

    from ingest.segmenting import split_paragraph

    text = normalize_text(text)
    tokens: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        # word_tokenize merges words across sentence ends ("USD. Ông"), so feed it sentences.
        for start, end in split_paragraph(line):
            with _SEGMENTER_LOCK:
                words = word_tokenize(line[start:end])
            for word in words:
                word = fold(word.lower())
                if not any(c.isalnum() for c in word):
                    continue
                parts = word.split()
                if len(parts) > 1:
                    tokens.append("_".join(parts))
                tokens.extend(parts)
    # Concept tokens let different wordings of one thing match ("PCPNN" / "phi chính phủ nước
    # ngoài" / "foreign NGOs"): see vntext.glossary.
    tokens.extend(f"#{m.concept}" for m in find_concepts(text))
    return tokens


def digest(tokens: str) -> str:
    """A short digest of a passage's tokens: tells a passage processed again under the same ID."""
    return hashlib.blake2b(tokens.encode("utf-8"), digest_size=8).hexdigest()


def _schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("tokens", tokenizer_name=_TOKENIZER, index_option="freq")
    for name in _FIELDS[1:]:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _opened(folder: Path):
    """The tantivy index in ``folder``, ready to read and write with the whitespace analyzer."""
    import tantivy

    index = tantivy.Index(_schema(), path=str(folder), reuse=True)
    # tantivy's whitespace tokenizer with no filter: tokens are already folded and lower-cased,
    # and "17.216.450,40", "giai_ngan" or "#pcpnn" must stay one token each.
    index.register_tokenizer(_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    # Searches see a commit when the store says so (when the catalog's generation moves): a
    # reader reloading by itself would show a change before the catalog has it.
    index.config_reader(reload_policy="Manual")
    return index


class KeywordIndex:
    """BM25 over passages in a tantivy index on disk, with the catalog generation it reflects.

    It also holds the corpus :class:`Lexicon` used to restore diacritics in queries (a view of the
    catalog's counts, never stale). ``passages_written`` counts the passages this object indexed,
    so that a caller (a test) can tell an update of one document from a rebuild.
    """

    def __init__(self, folder: Path | None, index: object | None, lexicon: Lexicon, state: dict[str, object]) -> None:
        self.folder = folder
        self._index = index  # tantivy.Index, or None for the empty stand-in
        self.lexicon = lexicon
        self._state = state
        self.passages_written = 0

    @property
    def generation(self) -> int:
        return int(self._state.get("generation", -1))

    @classmethod
    def empty(cls, lexicon: Lexicon) -> KeywordIndex:
        """No keyword index yet (a writer is building it): searches go on by meaning alone."""
        return cls(None, None, lexicon, {"generation": -1})

    @classmethod
    def open(cls, folder: Path, lexicon: Lexicon) -> KeywordIndex | None:
        """The index saved in ``folder``, or None when there is none, it cannot be read, it is the
        earlier bm25s format or it was built with another glossary (it is then built again)."""
        state = _read_state(folder)
        if state is None or state.get("glossary") != fingerprint() or not (folder / "meta.json").exists():
            return None
        try:
            index = _opened(folder)
            index.reload()
        except (OSError, ValueError) as exc:
            log.warning("the keyword index in %s cannot be read (%s); it is built again", folder, exc)
            return None
        return cls(folder, index, lexicon, state)

    @classmethod
    def build(cls, folder: Path, entries: Iterable[Entry], generation: int, lexicon: Lexicon) -> KeywordIndex:
        """Index every entry afresh next to ``folder`` and swap the result in, so that a reader or a
        kill never meets half an index (an earlier index, of any format, is replaced)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".keyword-", dir=folder.parent))
        try:
            index = _opened(tmp)
            written = _write(index, (), entries)
            _write_state(tmp, {"generation": generation, "glossary": fingerprint(), "build": uuid.uuid4().hex})
            del index  # its files are complete; it is opened again where it ends up
            old = folder.parent / f".keyword-old-{os.getpid()}"
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        built = cls.open(folder, lexicon)
        if built is None:
            raise RuntimeError(f"the keyword index just built in {folder} cannot be opened")
        built.passages_written = written
        return built

    def refresh(self) -> None:
        """See the last commit, this process's or another's (and a rebuild, which replaced the folder)."""
        if self._index is None or self.folder is None:
            return
        state = _read_state(self.folder)
        if state is None:
            return  # being replaced by a rebuild this very moment: keep what is open
        if state.get("build") != self._state.get("build"):
            self._index = _opened(self.folder)
        self._index.reload()
        self._state = state

    def update(self, remove: Collection[str], add: Iterable[Entry], generation: int) -> None:
        """Take the passages of documents ``remove`` out and index ``add``, in one commit, then record
        that the index reflects catalog ``generation``. Costs those documents, not the index."""
        if self._index is None or self.folder is None:
            raise RuntimeError("the empty keyword index stand-in cannot be written")
        self.passages_written += _write(self._index, remove, add)
        state = {**self._state, "generation": generation}
        _write_state(self.folder, state)
        self._state = state
        self._index.reload()

    def _searcher(self):
        return None if self._index is None else self._index.searcher()

    def entries(self) -> dict[str, tuple[str, str]]:
        """passage_id -> (doc_id, digest of its tokens) of every passage indexed, to compare with the
        catalog."""
        import tantivy

        searcher = self._searcher()
        if searcher is None or searcher.num_docs == 0:
            return {}
        hits = searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False).hits
        found = {}
        for _, address in hits:
            doc = searcher.doc(address)
            found[doc["passage_id"][0]] = (doc["doc_id"][0], doc["digest"][0])
        return found

    def passage_ids(self) -> set[str]:
        """The passages this index covers (to compare with the catalog)."""
        return set(self.entries())

    def __len__(self) -> int:
        searcher = self._searcher()
        return 0 if searcher is None else int(searcher.num_docs)

    def retriever(self, top_k: int) -> KeywordRetriever | None:
        """A llama-index retriever over this index; queries must be pre-tokenised strings."""
        if len(self) == 0:
            return None
        return KeywordRetriever(self._index, top_k)


class KeywordRetriever(BaseRetriever):
    """The ``top_k`` passages by BM25 for a query of keyword tokens joined by spaces.

    llama-index's ``BM25Retriever`` wraps bm25s, which cannot add or remove a document without
    building the whole index again; this is the same retriever over tantivy. The query is an OR of
    one term per token, not a parsed query string: a query parser would read "1/4", "#pcpnn" or
    "-" as syntax. A token repeated in the query counts again, as it did in bm25s.
    """

    def __init__(self, index: object, top_k: int) -> None:
        super().__init__()
        self._index = index
        self._top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        import tantivy

        tokens = query_bundle.query_str.split()
        if not tokens:
            return []
        schema = self._index.schema
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "tokens", t, index_option="freq")) for t in tokens]
        )
        searcher = self._index.searcher()
        hits = searcher.search(query, self._top_k, count=False).hits
        return [
            NodeWithScore(node=TextNode(id_=searcher.doc(address)["passage_id"][0], text=""), score=float(score))
            for score, address in hits
        ]


def differing_documents(index: KeywordIndex, expected: Iterable[Entry]) -> set[str]:
    """Documents whose passages in ``index`` differ from ``expected`` (the catalog's entries):
    missing, extra, or with other tokens (processed again under the same passage IDs)."""
    want = {pid: (doc_id, digest(tokens)) for doc_id, pid, tokens in expected if tokens.strip()}
    have = index.entries()
    changed = {doc_id for pid, (doc_id, sig) in want.items() if have.get(pid) != (doc_id, sig)}
    return changed | {doc_id for pid, (doc_id, sig) in have.items() if want.get(pid) != (doc_id, sig)}


def _write(index, remove: Collection[str], add: Iterable[Entry]) -> int:
    """One writer, one commit: documents ``remove`` out, ``add`` in. Returns the passages indexed.

    The writer is let go (its merges finished) before returning: another process, an ``ngoaid
    ingest`` beside the server, takes its own writer under the data folder's write lock."""
    import tantivy

    writer = index.writer(heap_size=_WRITER_HEAP, num_threads=1)
    done = False
    try:
        for doc_id in remove:
            writer.delete_documents_by_term("doc_id", doc_id)
        written = 0
        for doc_id, passage_id, tokens in add:
            if tokens.strip():
                writer.add_document(
                    tantivy.Document(tokens=tokens, doc_id=doc_id, passage_id=passage_id, digest=digest(tokens))
                )
                written += 1
        writer.commit()
        done = True
        return written
    finally:
        if not done:
            try:
                writer.rollback()  # nothing of this write reaches the disk's last commit
            except Exception:  # noqa: BLE001 - the write's own error is the one to report
                log.warning("could not roll back a failed keyword index write", exc_info=True)
        writer.wait_merging_threads()  # also lets the writer go, releasing tantivy's own lock


def _read_state(folder: Path) -> dict[str, object] | None:
    try:
        state = json.loads((folder / _STATE_FILE).read_text())
        return state if isinstance(state, dict) and isinstance(state.get("generation"), int) else None
    except (OSError, ValueError):
        return None


def _write_state(folder: Path, state: dict[str, object]) -> None:
    """Replace the state file in one step; it is written after the commit it describes, so a kill
    between the two leaves an older generation, which the store's comparison with the catalog
    settles."""
    tmp = folder / f".{_STATE_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(state))
    os.replace(tmp, folder / _STATE_FILE)
