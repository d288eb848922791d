"""The synthetic scale corpus (eval.synthetic) and a smoke run of the query benchmark."""

from __future__ import annotations

import json
import math
import shutil
import unicodedata

import pytest

from eval.synthetic import (
    YEARS,
    generate_corpus,
    places,
    prepare,
    synthetic_questions,
    write_corpus,
)
from vntext.gazetteer import all_provinces, find_provinces
from vntext.periods import Period
from ingest.pipeline import prepare_file
from vntext.vietnamese import normalize_text
from tests.helpers import SAMPLES


@pytest.fixture(scope="module")
def small_corpus():
    """300 passages, generated and run through the pipeline once for the module."""
    docs = generate_corpus(300, seed=1)
    return docs, [prepare(d) for d in docs]


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert generate_corpus(400, seed=7) == generate_corpus(400, seed=7)
    assert [d.text for d in generate_corpus(400, seed=7)] != [d.text for d in generate_corpus(400, seed=8)]


@pytest.mark.parametrize("n", [2, 25, 137, 1000])
def test_the_requested_number_of_passages_is_generated(n):
    docs = generate_corpus(n, seed=2)
    assert sum(d.n_passages for d in docs) == n
    assert all(2 <= d.n_passages for d in docs)


def test_the_pipeline_makes_about_as_many_passages_as_requested(small_corpus):
    docs, prepared = small_corpus
    assert [len(doc.passages) for doc in prepared] == [d.n_passages for d in docs]
    assert abs(sum(len(doc.passages) for doc in prepared) - 300) <= 3


def test_provinces_and_years_vary():
    docs = generate_corpus(5000, seed=3)
    names = {p.name for p in all_provinces()}
    assert {d.province for d in docs} <= names
    assert len({d.province for d in docs}) >= 40
    years = {d.year for d in docs}
    assert min(years) >= YEARS[0] and max(years) <= YEARS[1]
    assert len(years) >= 12
    # within documents too: patterns and figures are not one repeated paragraph
    assert len({p.template for d in docs for p in d.paragraphs}) >= 20
    assert len({p.text for d in docs for p in d.paragraphs}) > 0.95 * sum(len(d.paragraphs) for d in docs)


def test_every_province_is_written_so_that_the_gazetteer_finds_it():
    for place in places():
        assert find_provinces(f"Năm 2020, {place.full} có 12 dự án.") == [place.name], place


def test_every_figure_is_extracted_as_a_fact_and_nothing_else(small_corpus):
    docs, prepared = small_corpus
    for synthetic, doc in zip(docs, prepared, strict=True):
        values = [f.value for f in doc.facts]
        for figure in synthetic.figures:
            assert any(_same(figure.value, v) for v in values), (synthetic.name, figure)
        # no date, year or code read as a figure
        for fact in doc.facts:
            assert any(_same(fact.value, f.value) for f in synthetic.figures), (synthetic.name, fact.text)


def test_headline_figures_are_about_the_documents_province_and_year(small_corpus):
    docs, prepared = small_corpus
    checked = 0
    for synthetic, doc in zip(docs, prepared, strict=True):
        assert doc.provinces[0] == synthetic.province
        for fact in doc.facts:
            if fact.metric == "disbursed" and fact.unit == "USD" and fact.qualifier is None:
                assert fact.place == synthetic.province
                assert fact.period == Period.year(synthetic.year)
                checked += 1
    assert checked >= 5


def test_text_is_nfc_in_the_projects_convention(small_corpus):
    docs, prepared = small_corpus
    for synthetic, doc in zip(docs, prepared, strict=True):
        assert unicodedata.is_normalized("NFC", synthetic.text)
        assert normalize_text(synthetic.text) == synthetic.text
        # what the pipeline keeps is the generated text, less the date line it reads as metadata
        assert doc.text == synthetic.text.replace(f"\n{synthetic.published}", "").strip()
        assert doc.title == synthetic.title
        assert doc.published is not None and doc.published.startswith(str(synthetic.year + 1))


def test_written_files_ingest_as_the_same_documents(tmp_path, small_corpus):
    docs, prepared = small_corpus
    paths = write_corpus(docs[:3], tmp_path / "corpus")
    assert [p.name for p in paths] == [d.name for d in docs[:3]]
    for path, doc in zip(paths, prepared, strict=False):
        from_disk = prepare_file(path, max_bytes=2**20)
        assert from_disk.doc_id == doc.doc_id
        assert [p.text for p in from_disk.passages] == [p.text for p in doc.passages]


def test_generated_questions_have_the_figure_every_document_states():
    docs = generate_corpus(3000, seed=4)
    questions = synthetic_questions(docs, 30, seed=4)
    assert len(questions) == 30
    assert len({q.question for q in questions}) == 30
    assert questions == synthetic_questions(docs, 30, seed=4)
    for q in questions:
        assert unicodedata.is_normalized("NFC", q.question)
        stating = [
            d for d in docs if d.province == q.province and d.year == q.year and any(_same(f.value, q.value) for f in d.figures)
        ]
        assert stating, q


@pytest.mark.slow
def test_bench_query_smoke(tmp_path, capsys, embedder):
    """The query benchmark end to end on a tiny setup: one sample report and 60 synthetic passages."""
    from eval import bench_query

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLES / "quang-tri-vien-tro-pcpnn.txt", corpus)
    questions = tmp_path / "questions.jsonl"
    row = {
        "id": "q1", "question": "Quảng Trị giải ngân bao nhiêu vốn viện trợ PCPNN năm 2023?",
        "answer": "17.216.450,40 USD", "answer_value": 17216450.4, "unit": "USD", "kind": "number",
        "evidence": [{"doc": "quang-tri-vien-tro-pcpnn.txt", "text": "17.216.450,40 USD"}],
    }  # fmt: skip
    questions.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "figures.json"

    argv = [
        "--corpus", str(corpus), "--questions", str(questions), "--synthetic", "60", "--synthetic-questions", "2",
        "--rounds", "1", "--work-dir", str(tmp_path / "work"), "--json", str(out),
    ]  # fmt: skip
    assert bench_query.main(argv) == 0
    printed = capsys.readouterr().out
    assert "== corpus + 60 synthetic passages ==" in printed
    assert printed.count("search, all: p50") == 2 and printed.count("ask, all: p50") == 2
    assert "p95" in printed and "RSS after load" in printed and "MB on disk" in printed

    figures = json.loads(out.read_text(encoding="utf-8"))
    shared, synthetic = figures["setups"]
    assert synthetic["passages"] == shared["passages"] + 60
    assert synthetic["ask_ms"]["synthetic"]["n"] == 4  # two questions, as written and folded
    assert synthetic["first_round_ask_ms"]["n"] == 6  # one round: the dev question and the two synthetic, both forms
    assert "ask, first round only: p50" in printed
    assert shared["holds_expected_figure"]["dev"] == [2, 2]
    assert (tmp_path / "work" / "synthetic-60-seed0" / "bench_manifest.json").exists()
