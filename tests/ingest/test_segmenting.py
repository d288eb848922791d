"""Sentence offsets are exact and passages are made of whole sentences of one paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.cleaning import clean_text
from ingest.segmenting import MAX_SENTENCE_CHARS, build_passages, split_paragraph, split_sentences


@pytest.fixture(scope="module")
def documents(corpus_dir):
    return {p.name: clean_text(p.read_text(encoding="utf-8")).text for p in sorted(corpus_dir.glob("*.txt"))}


def test_sentence_offsets_point_at_the_sentence(documents):
    for name, text in documents.items():
        spans = split_sentences(text)
        assert spans, name
        previous_end = 0
        for span in spans:
            sentence = text[span.start : span.end]
            assert sentence and sentence == sentence.strip(), (name, sentence)
            assert "\n" not in sentence, (name, sentence)
            assert span.start >= previous_end
            previous_end = span.end
        # together the sentences cover every non-space character of the text
        covered = "".join(text[s.start : s.end] for s in spans)
        assert "".join(covered.split()) == "".join(text.split()), name


def test_known_sentence_is_found_exactly(documents):
    text = documents["002_193b1d33f1a3b910.txt"]
    wanted = (
        "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai "
        "với số vốn giải ngân đạt 17.216.450,40 USD."
    )
    assert wanted in [text[s.start : s.end] for s in split_sentences(text)]


def test_passages_are_whole_sentences_of_one_paragraph(documents):
    for name, text in documents.items():
        sentences = split_sentences(text)
        passages = build_passages("doc", text, sentences)
        seen = []
        for p in passages:
            assert p.text == text[p.start : p.end]
            assert "\n" not in p.text, name
            assert p.sentences[0].start == p.start and p.sentences[-1].end == p.end
            assert all(s in sentences for s in p.sentences)
            assert len(p.sentences) <= 4
            seen.extend(p.sentences)
        assert seen == sentences  # every sentence in exactly one passage, in order
        assert [p.ordinal for p in passages] == list(range(len(passages)))
        assert len({p.passage_id for p in passages}) == len(passages)


def test_each_news_item_of_the_digest_is_its_own_passage(documents):
    text = documents["000_3e8bb5ddf6e4ca61.txt"]
    lines = [line for line in text.split("\n") if line.strip()]
    passages = build_passages("doc", text, split_sentences(text))
    assert len(passages) >= len(lines)
    for p in passages:
        assert any(p.text in line for line in lines)


def test_passage_metadata(documents):
    text = documents["002_193b1d33f1a3b910.txt"]
    passages = build_passages("doc", text, split_sentences(text))
    quang_tri = next(p for p in passages if "17.216.450,40" in p.text)
    assert quang_tri.provinces == ["Quảng Trị"] and 2023 in quang_tri.years


def test_heading_becomes_context_not_metadata():
    text = "Báo cáo\nHòa Bình năm 2020\nGiá trị giải ngân của năm đạt trên 4,1 triệu USD. Tỉnh có 53 dự án."
    passages = build_passages("doc", text, split_sentences(text))
    body = next(p for p in passages if "4,1 triệu" in p.text)
    assert body.context == "Hòa Bình năm 2020"
    assert body.provinces == [] and body.years == []  # metadata says what the passage itself names


def test_size_limits():
    text = " ".join(f"Câu số {i} nói về viện trợ PCPNN tại tỉnh Quảng Trị trong năm 2023." for i in range(12))
    passages = build_passages("doc", text, split_sentences(text), max_chars=300, max_sentences=3)
    assert all(len(p.sentences) <= 3 for p in passages)
    assert all(len(p.text) <= 300 or len(p.sentences) == 1 for p in passages)


def test_closing_quote_stays_with_its_sentence():
    paragraph = "Ông A nói: “Đây là kết quả tốt.” Sau đó, ông B phát biểu!"
    sentences = [paragraph[s:e] for s, e in split_paragraph(paragraph)]
    assert sentences == ["Ông A nói: “Đây là kết quả tốt.”", "Sau đó, ông B phát biểu!"]


def test_run_on_sentence_is_cut_at_clause_boundaries():
    paragraph = "; ".join(f"mục {i} gồm hỗ trợ nước sạch, y tế và giáo dục cho xã" for i in range(120)) + "."
    assert len(paragraph) > 5000
    spans = split_paragraph(paragraph)
    assert len(spans) > 1
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert "".join(paragraph[s:e] for s, e in spans).replace(" ", "") == paragraph.replace(" ", "")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_segments_without_error(text):
    for span in split_sentences(text):
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
