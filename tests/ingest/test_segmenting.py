"""ingest/segmenting.py: exact sentence offsets, and passages made of whole sentences of one paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.cleaning import clean_text
from ingest.models import Span
from ingest.tables import find_tables
from ingest.segmenting import (
    MAX_SENTENCE_CHARS,
    build_passages,
    paragraphs,
    split_paragraph,
    split_sentences,
)

DIGEST = "000_3e8bb5ddf6e4ca61.txt"
QUANG_TRI = "002_193b1d33f1a3b910.txt"
BAC_KAN = "003_f65ee7e4e13a0a9b.txt"
HOA_BINH = "004_42ce4d65ffbb8cef.txt"
ALL_FILES = [DIGEST, "001_1502ea04308651e3.txt", QUANG_TRI, BAC_KAN, HOA_BINH]


@pytest.fixture(scope="module")
def segmented(cleaned_report):
    """``segmented(name)`` -> (cleaned text, sentence spans, passages), computed once per file."""
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            text = cleaned_report(name).text
            sentences = split_sentences(text)
            cache[name] = (text, sentences, build_passages("doc", text, sentences))
        return cache[name]

    return get


def assert_valid_sentence_spans(text: str, spans: list[Span]) -> None:
    # only the header or a row of a table whose cells sit one per line spans lines
    table_parts = {
        (part.start, part.end) for t in find_tables(text) for part in [t.header_span, *(r.span for r in t.rows)] if part
    }
    previous_end = 0
    for span in spans:
        sentence = text[span.start : span.end]
        assert sentence, span
        assert sentence == sentence.strip(), repr(sentence)
        assert "\n" not in sentence or (span.start, span.end) in table_parts, repr(sentence)
        assert span.start >= previous_end, "spans overlap or are out of order"
        previous_end = span.end


# --------------------------------------------------------------------------- sentences of the corpus


@pytest.mark.parametrize("name", ALL_FILES)
def test_sentence_spans_point_exactly_at_their_sentence(segmented, name):
    text, sentences, _ = segmented(name)
    assert len(sentences) >= 3
    assert_valid_sentence_spans(text, sentences)
    assert all(0 <= s.start < s.end <= len(text) for s in sentences)


@pytest.mark.parametrize("name", ALL_FILES)
def test_sentences_cover_all_the_text(segmented, name):
    text, sentences, _ = segmented(name)
    covered = "".join(text[s.start : s.end] for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())
    # only whitespace lies between consecutive sentences
    for a, b in zip(sentences, sentences[1:], strict=False):
        assert not text[a.end : b.start].strip(), repr(text[a.end : b.start])


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_sentence_lies_inside_one_paragraph(segmented, name):
    text, sentences, _ = segmented(name)
    paras = list(paragraphs(text))
    assert len(paras) == len(text.split("\n"))
    for s in sentences:
        assert any(p.start <= s.start and s.end <= p.end for p in paras), text[s.start : s.end][:80]


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            QUANG_TRI,
            "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai "
            "với số vốn giải ngân đạt 17.216.450,40 USD.",
        ),
        (BAC_KAN, "Số vốn giải ngân thực tế đến tháng 6/2023 là hơn 48,9 tỷ đồng, đạt 90,7% kế hoạch."),
        (
            BAC_KAN,
            "Giai đoạn 2015 - 2023, Tổ chức ChildFund Việt Nam đã tài trợ 6 xã trên địa bàn huyện (gồm Cư Lễ, "
            "Trần Phú, Quang Phong, Dương Sơn, Xuân Dương, Đổng Xá) 16 dự án tổng giá trị hơn 53,9 tỷ đồng.",
        ),
        (HOA_BINH, "Tổng giá trị cam kết viện trợ 16,2 triệu USD."),
    ],
)
def test_known_sentences_are_found_whole(segmented, name, sentence):
    """Decimal commas, thousands dots and abbreviations like "6/2023" do not end a sentence."""
    text, sentences, _ = segmented(name)
    assert sentence in [text[s.start : s.end] for s in sentences]


# --------------------------------------------------------------------------- passages of the corpus


@pytest.mark.parametrize("name", ALL_FILES)
def test_passages_are_made_of_whole_sentences(segmented, name):
    text, sentences, passages = segmented(name)
    assert passages
    index = {s: i for i, s in enumerate(sentences)}
    for p in passages:
        assert p.text == text[p.start : p.end]
        assert p.sentences, p
        assert p.sentences[0].start == p.start and p.sentences[-1].end == p.end
        positions = [index[s] for s in p.sentences]  # KeyError: not a span of split_sentences
        assert positions == list(range(positions[0], positions[0] + len(positions)))  # consecutive
    # every sentence is in exactly one passage, in order
    assert [s for p in passages for s in p.sentences] == sentences
    # no passage boundary falls strictly inside a sentence
    for p in passages:
        for s in sentences:
            assert s.end <= p.start or s.start >= p.end or (p.start <= s.start and s.end <= p.end)


@pytest.mark.parametrize("name", ALL_FILES)
def test_no_passage_spans_two_paragraphs(segmented, name):
    text, _, passages = segmented(name)
    paras = list(paragraphs(text))
    for p in passages:
        assert "\n" not in p.text
        assert sum(para.start <= p.start and p.end <= para.end for para in paras) == 1


@pytest.mark.parametrize("name", ALL_FILES)
def test_passage_bookkeeping(segmented, name):
    _, _, passages = segmented(name)
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    assert [p.passage_id for p in passages] == [f"doc-p{i}" for i in range(len(passages))]
    assert all(p.doc_id == "doc" for p in passages)
    for p in passages:
        assert len(p.sentences) <= 4
        assert len(p.text) <= 700 or len(p.sentences) == 1
    assert [p.start for p in passages] == sorted(p.start for p in passages)


def test_each_summary_of_the_digest_gets_its_own_passages(segmented):
    text, _, passages = segmented(DIGEST)
    lines = text.split("\n")
    assert len(lines) == 40
    assert len(passages) >= len(lines)
    assert all("\n" not in p.text for p in passages)
    # the passages of each line, joined, are that line
    for line_span in paragraphs(text):
        inside = [p for p in passages if line_span.start <= p.start and p.end <= line_span.end]
        assert inside, line_span.of(text)[:80]
        assert inside[0].start == line_span.start and inside[-1].end == line_span.end


def test_passage_metadata_names_what_the_passage_itself_names(segmented):
    _, _, passages = segmented(QUANG_TRI)
    quang_tri = next(p for p in passages if "17.216.450,40" in p.text)
    assert quang_tri.provinces == ["Quảng Trị"]
    assert 2023 in quang_tri.years
    assert all(y < 2100 for p in passages for y in p.years)


# --------------------------------------------------------------------------- rules on synthetic text


def test_closing_quote_stays_with_the_sentence_it_closes():
    paragraph = "Ông A nói: “Đây là kết quả tốt.” Sau đó, ông B phát biểu!"
    sentences = [paragraph[s:e] for s, e in split_paragraph(paragraph)]
    assert sentences == ["Ông A nói: “Đây là kết quả tốt.”", "Sau đó, ông B phát biểu!"]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            'Ông A nói: "Đây là kết quả tốt." Sau đó, ông B phát biểu!',
            ['Ông A nói: "Đây là kết quả tốt."', "Sau đó, ông B phát biểu!"],
        ),
        (
            "Bà nói: “Chúng tôi sẽ tiếp tục hỗ trợ.” “Cảm ơn!” Hết.",
            ["Bà nói: “Chúng tôi sẽ tiếp tục hỗ trợ.”", "“Cảm ơn!”", "Hết."],
        ),
        ("Ông nói: “Tốt.”", ["Ông nói: “Tốt.”"]),
    ],
)
def test_closing_quotes_in_other_shapes(paragraph, expected):
    sentences = [paragraph[s:e] for s, e in split_paragraph(paragraph)]
    assert sentences == expected
    assert not any(s.startswith(("”", '"')) and s.count('"') + s.count("”") == 1 for s in sentences)


def test_closing_quote_fix_holds_in_document_offsets():
    text = "Tiêu đề\nÔng A nói: “Đây là kết quả tốt.” Sau đó, ông B phát biểu!"
    spans = split_sentences(text)
    assert [s.of(text) for s in spans] == ["Tiêu đề", "Ông A nói: “Đây là kết quả tốt.”", "Sau đó, ông B phát biểu!"]


def _run_on(n_items: int) -> str:
    return "; ".join(f"mục {i} gồm hỗ trợ nước sạch, y tế và giáo dục cho xã" for i in range(n_items)) + "."


def test_a_5000_character_run_on_sentence_is_cut_at_clause_boundaries():
    paragraph = _run_on(100)
    assert len(paragraph) >= 5000
    spans = split_paragraph(paragraph)
    assert len(spans) >= 5
    assert all(0 < e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    # nothing lost, nothing repeated, in order
    assert "".join(paragraph[s:e] for s, e in spans).replace(" ", "") == paragraph.replace(" ", "")
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert e1 <= s2 and not paragraph[e1:s2].strip()
    # cut after a "; ", never inside an item
    for s, e in spans[:-1]:
        assert paragraph[s:e].endswith(";"), paragraph[e - 20 : e + 5]


def test_run_on_sentence_limit_applies_in_documents_and_passages():
    text = "Danh mục dự án\n" + _run_on(100)
    spans = split_sentences(text)
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in spans)
    assert len(spans) >= 6
    passages = build_passages("doc", text, spans)
    assert all(len(p.text) <= 700 or len(p.sentences) == 1 for p in passages)


def test_a_run_without_any_space_is_still_cut():
    paragraph = "x" * 5000
    spans = split_paragraph(paragraph)
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert "".join(paragraph[s:e] for s, e in spans) == paragraph


def test_custom_limit():
    paragraph = _run_on(10)
    spans = split_paragraph(paragraph, limit=200)
    assert len(spans) > 1 and all(e - s <= 200 for s, e in spans)


def test_size_limits_of_passages():
    text = " ".join(f"Câu số {i} nói về viện trợ PCPNN tại tỉnh Quảng Trị trong năm 2023." for i in range(12))
    sentences = split_sentences(text)
    assert len(sentences) == 12
    passages = build_passages("doc", text, sentences, max_chars=300, max_sentences=3)
    assert len(passages) == 4
    assert all(len(p.sentences) == 3 and len(p.text) <= 300 for p in passages)
    one_each = build_passages("doc", text, sentences, max_chars=10)
    assert len(one_each) == 12  # a sentence longer than max_chars is a passage of its own


def test_heading_becomes_context_not_metadata():
    text = "Báo cáo\nHòa Bình năm 2020\nGiá trị giải ngân của năm đạt trên 4,1 triệu USD. Tỉnh có 53 dự án."
    passages = build_passages("doc", text, split_sentences(text))
    body = next(p for p in passages if "4,1 triệu" in p.text)
    assert body.context == "Hòa Bình năm 2020"
    assert body.provinces == [] and body.years == []
    assert passages[0].context is None  # the title line sits under no heading


def test_empty_and_blank_text():
    assert split_sentences("") == []
    assert split_sentences("\n \n\t\n") == []
    assert build_passages("doc", "", []) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_segments_without_error(text):
    spans = split_sentences(text)
    assert_valid_sentence_spans(text, spans)
    passages = build_passages("doc", text, spans)
    assert [s for p in passages for s in p.sentences] == spans
    for p in passages:
        assert p.text == text[p.start : p.end] and "\n" not in p.text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aàb.!?…“”\"'() \n\t;:,ĐQ1")), max_size=300))
def test_punctuation_heavy_text_segments_without_error(text):
    spans = split_sentences(text)
    assert_valid_sentence_spans(text, spans)
    covered = "".join(text[s.start : s.end] for s in spans)
    assert "".join(covered.split()) == "".join(text.split())


_CELL_LINES = ["Năm", "Số dự án", "Giá trị (USD)", "cùng nhà tài trợ", "Tổng cộng", "2017", "2018", "18",
               "1.682.941", "-", "| 2017 | 18 |", "|---|---|", "2018 18 18 1.536.781", "Câu văn có dấu chấm.",
               ""]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_CELL_LINES), max_size=40).map("\n".join))
def test_table_like_lines_segment_into_whole_sentences_and_passages(text):
    """Lines that look like table cells, in any order: sentences stay exact, in order and cover every
    line; every sentence is in one passage; a table's sentences are in passages of their own."""
    spans = split_sentences(text)
    assert_valid_sentence_spans(text, spans)
    covered = "".join(text[s.start : s.end] for s in spans)
    assert "".join(covered.split()) == "".join(text.split())
    passages = build_passages("doc", text, spans)
    assert [s for p in passages for s in p.sentences] == spans
    tables = find_tables(text)
    for p in passages:
        assert p.text == text[p.start : p.end]
        inside = [t for t in tables if t.span.start < p.end and p.start < t.span.end]
        assert len(inside) <= 1
        if inside:  # within the table's lines ("| 2017 | 18 |" keeps its outer pipes)
            first_line = text.rfind("\n", 0, inside[0].span.start) + 1
            last_line = text.find("\n", inside[0].span.end)
            last_line = len(text) if last_line < 0 else last_line
            assert first_line <= p.start and p.end <= last_line
