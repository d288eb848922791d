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
