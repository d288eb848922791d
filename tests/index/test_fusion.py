"""Reciprocal rank fusion of ranked ID lists, and a search refined by lists of passages of its own
(what the answerer adds: the passages that state the best-matching figures)."""

from __future__ import annotations

import pytest

from index.hybrid import RRF_K, reciprocal_rank


def test_an_id_ranked_well_in_two_lists_beats_the_head_of_one():
    fused = [key for key, _ in reciprocal_rank([["a", "b", "c"], ["c", "d"]])]
    assert fused[0] == "c" and set(fused) == {"a", "b", "c", "d"}


def test_scores_are_weighted_votes_and_ties_keep_first_appearance():
    fused = dict(reciprocal_rank([["a", "b"], ["b", "a"]], [1.0, 1.0]))
    assert fused["a"] == pytest.approx(1 / RRF_K + 1 / (RRF_K + 1)) == fused["b"]
    assert [k for k, _ in reciprocal_rank([["a", "b"], ["b", "a"]])] == ["a", "b"]
    assert reciprocal_rank([["a"], ["b"]], [1.0, 2.0])[0][0] == "b"


def test_a_repeated_id_votes_once_per_list():
    assert dict(reciprocal_rank([["a", "a", "b"]]))["b"] == pytest.approx(1 / (RRF_K + 1))


@pytest.mark.slow
def test_a_refined_search_takes_in_a_listed_passage_and_drops_unknown_ones(corpus_store):
    found = corpus_store.search("giải ngân viện trợ năm 2023", top_k=5)
    shown = {h.passage.passage_id for h in found.hits}
    elsewhere = next(
        p.passage_id for d in corpus_store.catalog.documents() for p in corpus_store.catalog.passages_of(d.doc_id)
        if p.passage_id not in shown
    )  # fmt: skip
    refined = corpus_store.refine(found, [[elsewhere, "no-such-passage"], [elsewhere]], top_k=5)
    ids = [h.passage.passage_id for h in refined.hits]
    assert ids[0] == elsewhere  # two votes at the head of their lists
    assert "no-such-passage" not in ids and len(ids) == 5
    assert [h.rank for h in refined.hits] == [1, 2, 3, 4, 5]
    assert refined.hits[0].doc_name and refined.query == found.query
    assert corpus_store.refine(found, [[]], top_k=5) is found


@pytest.mark.slow
def test_a_query_and_its_sub_queries_are_embedded_in_one_batch_with_the_same_result(corpus_store, monkeypatch):
    """A comparison across years runs once per year (index.queries): the query and its sub-queries
    are embedded together, and the hits are those of embedding them one by one."""
    embedder = corpus_store.vectors.embedder
    query = "So sánh giá trị giải ngân viện trợ PCPNN các năm 2019, 2020 và 2023"
    calls: list[list[str]] = []
    real = embedder.embed_queries

    def batched(texts):
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(embedder, "embed_queries", batched)
    together = [h.passage.passage_id for h in corpus_store.search(query, top_k=8).hits]
    assert len(calls) == 1 and len(calls[0]) == 4 and calls[0][0] == query

    def one_by_one(texts):
        if len(texts) > 1:
            raise RuntimeError("no batches")  # the retrievers then embed each query themselves
        calls.append(list(texts))
        return real(texts)

    calls.clear()
    monkeypatch.setattr(embedder, "embed_queries", one_by_one)
    apart = [h.passage.passage_id for h in corpus_store.search(query, top_k=8).hits]
    assert len(calls) == 4 and apart == together
