"""The answerers' cached reads follow the catalog document by document: a change costs what changed.
The words around each figure come from the catalog, as they were worked out at the first answer."""

from __future__ import annotations

import json
import sqlite3

import pytest

from assistant.question import content_words, metrics_in
from assistant.sources import FactWords, Sources
from index.catalog import CATALOG_FILE
from ingest.models import Fact
from ingest.pipeline import prepare_document
from vntext.glossary import concepts_in
from vntext.vietnamese import fold

NEW_REPORT = (
    "Viện trợ PCPNN tại tỉnh Thử Nghiệm năm 2025\n\n"
    "Năm 2025, các tổ chức phi chính phủ nước ngoài đã giải ngân 4.321.000 USD cho 27 dự án tại tỉnh.\n"
)


def _ids(facts) -> list[str]:
    return [f.fact_id for f in facts]


def test_a_change_keeps_what_was_read_of_other_documents(sample_store):
    sources = Sources(sample_store)
    sources.refresh()
    before = sources.facts(("USD",))
    assert before
    kept = before[0]
    words = sources.words(kept)
    text = sources.text(kept.doc_id)

    outcome = sample_store.add_document(prepare_document(NEW_REPORT.encode("utf-8"), "thu-nghiem.txt"))
    sources.refresh()
    after = sources.facts(("USD",))
    # the new report's figures are in, after the others, as a fresh read of the catalog gives them
    fresh = Sources(sample_store)
    fresh.refresh()
    assert _ids(after) == _ids(fresh.facts(("USD",)))
    assert any(f.doc_id == outcome.doc_id and f.value == 4_321_000 for f in after)
    assert _ids(after)[: len(before)] == _ids(before)
    # what was worked out for the other documents was not worked out again
    assert sources.words(kept) is words and sources.text(kept.doc_id) is text

    sample_store.remove_documents([kept.doc_id])
    sources.refresh()
    assert kept.doc_id not in {f.doc_id for f in sources.facts(("USD",))}
    assert _ids(sources.facts(("USD",))) == [f for f in _ids(after) if not f.startswith(kept.doc_id)]
    assert sources.text(kept.doc_id) == ""  # read again: the document is gone


def _worked_out(sources: Sources, fact: Fact) -> FactWords:
    """A figure's words as answers worked them out before the catalog stored them."""
    before = fact.descriptor.split()
    close = " ".join(before[-12:] + [fact.unit_text or ""] + fact.trailing.split()[:12])
    near = {w: 0.5 for w in content_words(" ".join(before[:-12]))}
    near.update({w: 1.0 for w in content_words(close)})
    around = f"{fact.descriptor} {fact.unit_text or ''} {fact.trailing}"
    sentence = sources.sentence(fact)
    text = sources.text(fact.doc_id)
    info = sources.documents().get(fact.doc_id)
    title = info.title if info is not None else None
    headline = (title is not None and sentence.strip() == title.strip()) or (
        "\n" not in text[: fact.sentence.start] and not sentence.rstrip().endswith((".", "!", "?", "…"))
    )
    return FactWords(
        near=near,
        sentence=frozenset(content_words(sentence)),
        concepts=frozenset(concepts_in(around)),
        folded_near=fold(around.lower()),
        folded_sentence=fold(sentence.lower()),
        headline=headline,
        sentence_metrics=frozenset(metrics_in(sentence)),
        language=info.frame.language if info is not None and info.frame is not None else "vi",
        published_year=info.published_year if info is not None else None,
    )


def _no_text(doc_id: str) -> str:
    raise AssertionError(f"read the text of {doc_id} for words the catalog holds")


def test_figures_stored_before_their_words_were_get_them_worked_out(sample_store):
    sources = Sources(sample_store)
    sources.refresh()
    stored = {f.fact_id: sources.words(f) for f in sources.facts(None)}
    assert stored
    with sqlite3.connect(sample_store.data_dir / CATALOG_FILE) as conn:
        conn.execute("UPDATE facts SET words = NULL")  # as in a catalog from before migration 4
    old = Sources(sample_store)
    old.refresh()
    assert all(words is None for _, words in sample_store.catalog.facts_with_words())
    assert {f.fact_id: old.words(f) for f in old.facts(None)} == stored
    assert {f.fact_id: _worked_out(old, f) for f in old.facts(None)} == stored


@pytest.mark.slow
def test_the_stored_words_of_every_figure_of_both_corpora_are_those_worked_out_before(both_corpora_store):
    pairs = both_corpora_store.catalog.facts_with_words()
    assert len(pairs) > 250 and all(words is not None for _, words in pairs)
    reference = Sources(both_corpora_store)
    reference.refresh()
    sources = Sources(both_corpora_store)
    sources.refresh()
    facts = sources.facts(None)
    sources.text = _no_text  # every figure's words come from the catalog
    for fact in facts:
        assert sources.words(fact) == _worked_out(reference, fact), fact.fact_id
    # those of documents set aside too
    for fact, words in pairs:
        expected = _worked_out(reference, fact)
        assert (words.near, words.sentence, words.concepts, words.folded_near, words.folded_sentence, words.headline,
                words.sentence_metrics) == (expected.near, expected.sentence, expected.concepts, expected.folded_near,
                                            expected.folded_sentence, expected.headline, expected.sentence_metrics)  # fmt: skip


def test_a_repair_stores_the_words_an_older_catalog_lacks(sample_store):
    """``ngoaid docs check --repair`` gives the figures of an older data folder the words an ingest
    now stores, the same words, and leaves nothing to do the second time."""
    from tests.helpers import invoke_cli

    stored = {f.fact_id: w for f, w in sample_store.catalog.facts_with_words()}
    assert stored and all(w is not None for w in stored.values())
    with sqlite3.connect(sample_store.data_dir / CATALOG_FILE) as conn:
        conn.execute("UPDATE facts SET words = NULL")  # as in a catalog from before migration 4
    out = invoke_cli("docs", "check", "--repair", "--json", "--data-dir", str(sample_store.data_dir))
    assert out.returncode == 0 and json.loads(out.stdout)["figure_words_stored"] == len(stored)
    assert {f.fact_id: w for f, w in sample_store.catalog.facts_with_words()} == stored
    assert sample_store.fill_figure_words() == 0
