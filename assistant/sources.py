"""What answers and drafts read from the index, kept per catalog generation, and how they cite it.

Facts, document texts, names and the words around each figure change only when the catalog does;
reading them again for every fact of every question made answers slow on large indexes. Documents
that address an AI assistant instead of a reader are set aside here, once, for answers and drafts
alike. A citation is always a whole sentence of a document with its exact offsets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from assistant import conflicts
from assistant.models import Citation, FactRef
from index.catalog import DocumentInfo
from index.hybrid import SearchResults
from index.store import IndexStore
from ingest.figure_words import FigureWords, figure_words
from ingest.instructions import instruction_in
from ingest.models import Fact, Passage, Span
from vntext.gazetteer import find_district_mentions
from vntext.glossary import concepts_in
from vntext.vietnamese import fold


@dataclass(frozen=True)
class FactWords(FigureWords):
    """What scoring compares with a question, worked out once per fact: Vietnamese word
    normalisation is too slow to repeat for every fact of every question in a large index. The
    figure's words are stored with the fact (see ``ingest.figure_words``); its document's language
    and year are added here."""

    language: str = "vi"  # the language of the figure's document
    published_year: int | None = None  # the year its document was published


class Sources:
    """The index as answers and drafts see it: cached reads, set-aside documents and citations."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._facts: dict[tuple[str, ...] | None, list[Fact]] = {}
        self._texts: dict[str, str] = {}
        self._documents: dict[str, DocumentInfo] = {}
        self._words: dict[str, FactWords] = {}
        self._stored: dict[str, FigureWords] = {}  # fact_id -> its stored words, until _words has them
        self._worded: dict[str, list[str]] = {}  # doc_id -> the IDs of its facts in _words
        self._instructions: dict[str, str | None] = {}
        self._passages: dict[str, list[Passage]] = {}
        self._districts: dict[str, frozenset[str]] = {}
        self._stating: dict[str, list[Fact]] = {}

    def refresh(self) -> None:
        """Bring the cached reads up to the catalog's generation. Only what concerns the documents that
        came, went or changed is read again: after an upload to an index of 100,000 passages, dropping
        every cache made the next answer read and prepare every figure of its unit again (11 s)."""
        generation = self.store.catalog.generation()
        with self._lock:
            if generation == self._generation:
                return
            documents = dict(self.store.documents_by_id())
            changed = {i for i in self._documents.keys() | documents.keys() if self._documents.get(i) != documents.get(i)}
            if self._generation < 0 or len(changed) > len(documents) // 2:
                self._facts, self._texts, self._words, self._instructions, self._passages = {}, {}, {}, {}, {}
                self._districts, self._worded, self._stored = {}, {}, {}
            else:
                self._documents = documents  # before _forget, which reads the new documents' flags
                self._forget(changed, added=[i for i in changed if i in documents])
            self._stating = {}  # a figure's other statements may be in any document
            self._documents, self._generation = documents, generation

    def _forget(self, changed: set[str], added: list[str]) -> None:
        """Drop what was read from the ``changed`` documents, and add the figures of the ``added``
        ones to the figure lists already read (in catalog order: new rows come last)."""
        for cache in (self._texts, self._instructions, self._passages, self._districts):
            for doc_id in changed & cache.keys():
                del cache[doc_id]
        for doc_id in changed:
            for fact_id in self._worded.pop(doc_id, ()):
                self._words.pop(fact_id, None)
        for units, facts in list(self._facts.items()):  # other threads may add lists meanwhile
            kept = [f for f in facts if f.doc_id not in changed]
            for gone in facts:
                if gone.doc_id in changed:
                    self._stored.pop(gone.fact_id, None)
            new = self._read_facts(units, doc_ids=added) if added else []
            self._facts[units] = kept + new

    @property
    def generation(self) -> int:
        """The catalog generation the cached reads belong to."""
        return self._generation

    # --- reads ------------------------------------------------------------------------------------

    def documents(self) -> dict[str, DocumentInfo]:
        return self._documents

    def name(self, doc_id: str) -> str:
        info = self._documents.get(doc_id)
        return info.name if info else doc_id

    def label(self, doc_id: str) -> str:
        """How an answer names a source for a reader: the site it came from, its outlet or its title,
        else its file name."""
        info = self._documents.get(doc_id)
        if info is None:
            return doc_id
        frame = info.frame
        if frame is not None and frame.source_url:
            host = urlsplit(frame.source_url).hostname or ""
            if host:
                return host.removeprefix("www.")
        if frame is not None and frame.masthead:
            return frame.masthead
        title = info.title or ""
        return f"“{title[:60]}”" if title else info.name

    def text(self, doc_id: str) -> str:
        text = self._texts.get(doc_id)
        if text is None:
            text = self.store.catalog.document_text(doc_id) or ""
            self._texts[doc_id] = text
        return text

    def passages_of(self, doc_id: str) -> list[Passage]:
        passages = self._passages.get(doc_id)
        if passages is None:
            passages = self.store.catalog.passages_of(doc_id)
            self._passages[doc_id] = passages
        return passages

    def districts_of(self, doc_id: str) -> frozenset[str]:
        """Districts a document names anywhere, as the gazetteer writes them, folded."""
        found = self._districts.get(doc_id)
        if found is None:
            found = frozenset(fold(m.name.lower()) for m in find_district_mentions(self.text(doc_id)))
            self._districts[doc_id] = found
        return found

    def facts(self, units: tuple[str, ...] | None) -> list[Fact]:
        """Facts of these units (all when None), without those of set-aside documents."""
        if units not in self._facts:
            self._facts[units] = self._read_facts(units)
        return self._facts[units]

    def _read_facts(self, units: tuple[str, ...] | None, doc_ids: list[str] | None = None) -> list[Fact]:
        """Facts of these units from the catalog, keeping the words stored with them for ``words``."""
        found = self.store.catalog.facts_with_words(units=list(units) if units is not None else None, doc_ids=doc_ids)
        kept = []
        for fact, stored in found:
            if self.instruction(fact.doc_id) is None:
                kept.append(fact)
                if stored is not None and fact.fact_id not in self._words:
                    self._stored[fact.fact_id] = stored
        return kept

    def sentence(self, fact: Fact) -> str:
        return fact.sentence.of(self.text(fact.doc_id))

    def words(self, fact: Fact) -> FactWords:
        words = self._words.get(fact.fact_id)
        if words is None:
            # stored when the fact was: 68,129 facts of one unit at 100,000 passages took 27 s to work
            # out at the first answer under profile (normalising words, matching concepts, reading
            # each text); read from the catalog they take 2.3 s, and the cold first answer went from
            # 22 to 8 s
            stored = self._stored.pop(fact.fact_id, None)
            if stored is None:  # a fact stored before the catalog kept its words
                info = self._documents.get(fact.doc_id)
                stored = figure_words(fact, self.text(fact.doc_id), info.title if info is not None else None)
            words = FactWords(
                **vars(stored), language=self._language(fact.doc_id), published_year=self._published_year(fact.doc_id)
            )
            self._words[fact.fact_id] = words
            self._worded.setdefault(fact.doc_id, []).append(fact.fact_id)
        return words

    def _published_year(self, doc_id: str) -> int | None:
        info = self._documents.get(doc_id)
        return info.published_year if info is not None else None

    def _language(self, doc_id: str) -> str:
        info = self._documents.get(doc_id)
        return info.frame.language if info is not None and info.frame is not None else "vi"

    # --- documents set aside ----------------------------------------------------------------------

    def instruction(self, doc_id: str) -> str | None:
        """The text in a document that addresses an assistant, if any: such a document is set aside.
        The catalog finds it when the document is stored."""
        info = self._documents.get(doc_id)
        if info is not None:
            return info.instruction
        if doc_id not in self._instructions:  # a document newer than this copy of the catalog's list
            self._instructions[doc_id] = instruction_in(self.text(doc_id))
        return self._instructions[doc_id]

    def set_aside(self, search: SearchResults) -> tuple[SearchResults, list[str]]:
        """The search without passages of documents that carry instructions to an assistant (ranked
        anew), and the names of those documents. Such a document's other sentences may hold the
        figures the instruction promotes, so none of it is used; the facts skip it too."""
        kept, names = [], []
        for hit in search.hits:
            if self.instruction(hit.passage.doc_id) is None:
                kept.append(hit)
            elif hit.doc_name not in names:
                names.append(hit.doc_name)
        if not names:
            return search, []
        return replace(search, hits=[replace(h, rank=n) for n, h in enumerate(kept, 1)]), names

    # --- citations --------------------------------------------------------------------------------

    def citation(self, doc_id: str, span: Span, passage_id: str | None = None) -> Citation:
        return Citation(
            doc=self.name(doc_id),
            doc_id=doc_id,
            passage_id=self._passage_of(doc_id, span) or passage_id or "",
            sentence=span.of(self.text(doc_id)),
            start=span.start,
            end=span.end,
        )

    def fact_citations(self, facts: list[Fact]) -> list[Citation]:
        """The sentence of each figure, the earlier sentences its subject or period came from, the
        other sentences of its document that state the same figure (see ``restatements``) and the
        sentences of other documents that agree with it (see ``corroborating``)."""
        citations: list[Citation] = []
        for fact in facts:
            spans = [(fact.doc_id, span, fact.passage_id) for span in [*fact.context, fact.sentence]]
            spans += [(fact.doc_id, other.sentence, other.passage_id) for other in self.restatements(fact)]
            spans += [(other.doc_id, other.sentence, other.passage_id) for other in self.corroborating(fact)]
            for doc_id, span, passage_id in spans:
                citation = self.citation(doc_id, span, passage_id)
                if citation not in citations:
                    citations.append(citation)
        return citations

    def corroborating(self, fact: Fact, limit: int = 2) -> list[Fact]:
        """Other documents stating the very same figure for the same place, period and measure: the
        national total of a year is often reported by several outlets, and the reader sees that the
        figure does not rest on one of them. Cited, not quoted; documents set aside are left out."""
        usable = [f for f in self._same_value(fact) if self.instruction(f.doc_id) is None]
        return conflicts.corroborating(fact, usable)[:limit]

    def restatements(self, fact: Fact, limit: int = 2) -> list[Fact]:
        """Other sentences of the figure's document that state the same figure of the same scope: a
        news report gives its key figure in the lede and again in the body, and a reader checking
        the answer may look for either. Each is cited; the answer quotes only the figure's own."""
        same = [
            f for f in self._same_value(fact)
            if f.doc_id == fact.doc_id and f.sentence != fact.sentence and not f.change
            and (f.district, f.organization, f.part_of_total) == (fact.district, fact.organization, fact.part_of_total)
            and (f.period.label if f.period else None) == (fact.period.label if fact.period else None)
        ]  # fmt: skip
        return list({f.sentence: f for f in same}.values())[:limit]

    def _same_value(self, fact: Fact) -> list[Fact]:
        """Facts of any document stating this figure's value in its unit for its place (one indexed
        query, kept until the catalog changes)."""
        found = self._stating.get(fact.fact_id)
        if found is None:
            found = self.store.catalog.facts_stating(fact.unit, fact.place, fact.value)
            self._stating[fact.fact_id] = found
        return found

    def fact_ref(self, fact: Fact) -> FactRef:
        return FactRef(
            value=fact.value, unit=fact.unit, qualifier=fact.qualifier, text=fact.text, subject=fact.subject,
            period=fact.period.label if fact.period else None, doc=self.name(fact.doc_id), metric=fact.metric,
        )  # fmt: skip

    def _passage_of(self, doc_id: str, span: Span) -> str | None:
        for passage in self.passages_of(doc_id):
            if passage.start <= span.start and span.end <= passage.end:
                return passage.passage_id
        return None

