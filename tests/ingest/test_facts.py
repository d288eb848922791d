"""ingest.facts: figures of real report sentences with metric, subject, period and provenance.

The corpus tests run the whole pipeline (``prepare_file``) on the shared corpus and are skipped
when it is absent; the carry-over rules are also checked on small synthetic documents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.models import Document, Fact
from vntext.periods import Period
from ingest.pipeline import prepare_document, prepare_file

MAX_BYTES = 50 * 2**20


@pytest.fixture(scope="module")
def corpus_doc(corpus_path: Path):
    """``corpus_doc("002")``: the corpus file whose name starts with that number, prepared once."""
    cache: dict[str, Document] = {}

    def get(prefix: str) -> Document:
        if prefix not in cache:
            matches = sorted(corpus_path.glob(f"{prefix}_*.txt"))
            if not matches:
                pytest.skip(f"no {prefix}_*.txt in the shared corpus")
            cache[prefix] = prepare_file(matches[0], max_bytes=MAX_BYTES)
        return cache[prefix]

    return get


@pytest.fixture(scope="module")
def all_docs(corpus_path: Path) -> list[Document]:
    return [prepare_file(p, max_bytes=MAX_BYTES) for p in sorted(corpus_path.glob("*.txt"))]


def fact(doc: Document, text: str, in_sentence: str | None = None) -> Fact:
    """The one fact quoted as ``text`` (in the sentence containing ``in_sentence``)."""
    found = [
        f for f in doc.facts if f.text == text and (in_sentence is None or in_sentence in f.sentence.of(doc.text))
    ]
    assert len(found) == 1, f"{len(found)} facts quoted {text!r}: {[f.sentence.of(doc.text) for f in found]}"
    return found[0]


def label(period: Period | None) -> str | None:
    return period.label if period is not None else None


def sentence_spans(doc: Document) -> set:
    return {s for p in doc.passages for s in p.sentences}


# --- 002: Quảng Trị at the national review of 2023 ------------------------------------------------


def test_002_disbursed_in_quang_tri(corpus_doc):
    f = fact(corpus_doc("002"), "17.216.450,40 USD")
    assert f.value == pytest.approx(17216450.40, abs=1e-6)
    assert (f.unit, f.metric, f.place, label(f.period)) == ("USD", "disbursed", "Quảng Trị", "2023")
    assert f.qualifier is None and f.change is None and not f.part_of_total


def test_002_projects_in_quang_tri(corpus_doc):
    f = fact(corpus_doc("002"), "94 chương trình, dự án", in_sentence="Về phía tỉnh Quảng Trị")
    assert (f.value, f.unit, f.place, label(f.period)) == (94, "projects", "Quảng Trị", "2023")
    assert f.subject_source == "sentence"


def test_002_organizations_in_the_whole_country(corpus_doc):
    f = fact(corpus_doc("002"), "381 tổ chức phi chính phủ nước ngoài")
    assert (f.value, f.unit, f.place, label(f.period)) == (381, "organizations", "Việt Nam", "2023")


def test_002_national_aid_and_its_increase(corpus_doc):
    doc = corpus_doc("002")
    total = fact(doc, "228,7 triệu USD")
    assert total.value == 228.7e6
    assert (total.unit, total.place, label(total.period)) == ("USD", "Việt Nam", "2023")
    assert total.change is None and total.compared_to is None

    change = fact(doc, "4,9 triệu USD")
    assert change.value == 4.9e6
    assert change.change == "increase"
    assert label(change.compared_to) == "2022"
    assert label(change.period) == "2023"  # the reference year is not the figure's period
    assert change.place == "Việt Nam"


def test_002_part_of_a_total(corpus_doc):
    doc = corpus_doc("002")
    assert not fact(doc, "15.211.724 USD").part_of_total  # the total, before "trong đó"
    part = fact(doc, "15.121.555,63 USD")
    assert part.part_of_total
    assert part.value == pytest.approx(15121555.63, abs=1e-6)
    assert fact(doc, "90.168,37 USD").part_of_total


def test_002_place_carried_from_an_earlier_sentence(corpus_doc):
    doc = corpus_doc("002")
    sentence = "Năm 2023, có 33 tổ chức PCPNN và 11 tổ chức quốc tế hoạt động trên địa bàn tỉnh."
    assert sentence in doc.text
    f = fact(doc, "33 tổ chức PCPNN", in_sentence=sentence)
    assert f.sentence.of(doc.text) == sentence
    assert (f.value, f.unit, label(f.period)) == (33, "organizations", "2023")
    assert f.place == "Quảng Trị"  # not named in the sentence itself
    assert "Quảng Trị" not in sentence
    assert f.subject_source == "paragraph"
    cited = [c.of(doc.text) for c in f.context]
    assert any(c.startswith("Về phía tỉnh Quảng Trị, năm 2023") for c in cited), cited
    for c in f.context:
        assert c in sentence_spans(doc)
        assert c.end <= f.sentence.start  # an earlier sentence
        assert "\n" not in doc.text[c.start : f.sentence.start]  # of the same paragraph


# --- 004: the 2020 national review, Hòa Bình, body repeated in the raw file -----------------------


def test_004_rate_with_relative_year(corpus_doc):
    doc = corpus_doc("004")
    f = fact(doc, "71%")
    assert "trong năm qua" in f.sentence.of(doc.text)
    assert "2020" not in f.sentence.of(doc.text)
    assert (f.value, f.unit, f.metric, f.place) == (71, "percent", "rate", "Việt Nam")
    assert label(f.period) == "2020"  # "năm qua" resolved with the year of the earlier sentence, not 2019
    assert any("Năm 2020" in c.of(doc.text) for c in f.context)


def test_004_decrease_against_2019(corpus_doc):
    doc = corpus_doc("004")
    f = fact(doc, "15%")
    assert f.change == "decrease"
    assert label(f.compared_to) == "2019"
    assert label(f.period) == "2020"
    disbursed = fact(doc, "220 triệu USD")
    assert (disbursed.metric, label(disbursed.period)) == ("disbursed", "2020")


def test_004_sector_amounts_take_the_metric_of_the_paragraph(corpus_doc):
    doc = corpus_doc("004")
    f = fact(doc, "trên 51 triệu USD")
    assert f.sentence.of(doc.text).startswith("Lĩnh vực y tế")  # no metric word in the sentence itself
    assert (f.value, f.metric, f.qualifier, f.place, label(f.period)) == (51e6, "aid", "more than", "Việt Nam", "2020")


def test_004_disbursed_in_hoa_binh(corpus_doc):
    f = fact(corpus_doc("004"), "trên 4,1 triệu USD")
    assert f.value == 4100000.0
    assert (f.unit, f.metric, f.place, label(f.period), f.qualifier) == (
        "USD",
        "disbursed",
        "Hòa Bình",
        "2020",
        "more than",
    )


def test_004_committed_carried_from_previous_sentence(corpus_doc):
    doc = corpus_doc("004")
    f = fact(doc, "16,2 triệu USD")
    assert f.sentence.of(doc.text) == "Tổng giá trị cam kết viện trợ 16,2 triệu USD."
    assert (f.value, f.metric, f.place, label(f.period)) == (16.2e6, "committed", "Hòa Bình", "2020")
    assert f.subject_source == "paragraph"
    previous = [c.of(doc.text) for c in f.context]
    assert any(c.startswith("Tại Hòa Bình, năm 2020") for c in previous), previous


def test_004_projects_inside_brackets_are_parts(corpus_doc):
    doc = corpus_doc("004")
    assert not fact(doc, "53 chương trình dự án").part_of_total
    transferred = fact(doc, "35 chương trình, dự án")
    assert transferred.part_of_total
    assert (transferred.unit, transferred.place, label(transferred.period)) == ("projects", "Hòa Bình", "2020")
    assert fact(doc, "18 chương trình, dự án").part_of_total


def test_004_repeated_body_yields_each_fact_once(corpus_doc, raw_report, corpus_path):
    doc = corpus_doc("004")
    raw_name = next(corpus_path.glob("004_*.txt")).name
    assert raw_report(raw_name).count("trên 4,1 triệu USD") == 2  # the page repeats its body
    assert sum(f.text == "trên 4,1 triệu USD" for f in doc.facts) == 1
    keys = [(f.text, f.sentence.of(doc.text)) for f in doc.facts]
    assert len(keys) == len(set(keys))


# --- 003: Bắc Kạn, ChildFund in Na Rì ----------------------------------------------------------------


def test_003_organization_and_district(corpus_doc):
    doc = corpus_doc("003")
    f = fact(doc, "16 dự án")
    assert "ChildFund Việt Nam" in f.sentence.of(doc.text)
    assert (f.value, f.unit) == (16, "projects")
    assert f.organization == "ChildFund"
    assert f.district == "Na Rì"
    assert label(f.period) == "2015-2023"
    assert f.place != "Việt Nam"  # "Việt Nam" in "ChildFund Việt Nam" is part of a name
    assert f.place == "Bắc Kạn"


def test_003_disbursed_since_2019(corpus_doc):
    f = fact(corpus_doc("003"), "2,8 triệu USD")
    assert (f.value, f.metric, f.place) == (2.8e6, "disbursed", "Bắc Kạn")
    assert label(f.period) == "từ 2019"
    assert f.period.end is None and f.period.start == "2019-01-01"


def test_003_aid_items_are_not_confused_with_the_year(corpus_doc):
    f = fact(corpus_doc("003"), "35 khoản viện trợ")
    assert (f.value, f.unit, f.place, label(f.period)) == (35, "aid items", "Bắc Kạn", "từ 2019")


# --- 000: a collection of snippets ------------------------------------------------------------------


def test_000_committed_over_exact_dates(corpus_doc):
    f = fact(corpus_doc("000"), "9.197.672,08 USD")
    assert f.value == pytest.approx(9197672.08, abs=1e-6)
    assert (f.metric, f.place) == ("committed", "Quảng Trị")
    assert label(f.period) == "16/11/2023-15/12/2024"
    assert (f.period.start, f.period.end) == ("2023-11-16", "2024-12-15")


def test_000_victims_in_dong_nai(corpus_doc):
    f = fact(corpus_doc("000"), "gần 8 ngàn nạn nhân")
    assert (f.value, f.unit, f.place, f.qualifier) == (8000, "people", "Đồng Nai", "nearly")


def test_000_vnd_commitment(corpus_doc):
    f = fact(corpus_doc("000"), "trên 91,7 tỷ đồng")
    assert (f.value, f.unit, f.metric, f.qualifier, label(f.period)) == (91.7e9, "VND", "committed", "more than", "2024")


def test_000_no_facts_from_codes_dates_or_ordinals(corpus_doc):
    doc = corpus_doc("000")
    not_figures = ["145/KH-BCTPCPNN", "lần thứ 24", "Chiều 20/12", "Chiều 12/4", "Chiều 12-4", "Ngày 15-8", "bão số 3"]
    spans = []
    for phrase in not_figures:
        found = [m.span() for m in re.finditer(re.escape(phrase), doc.text)]
        assert found, phrase  # the phrase is in the cleaned text
        spans += found
    spans += [m.span(1) for m in re.finditer(r"[Nn]ăm (20\d\d)", doc.text)]
    for f in doc.facts:
        for start, end in spans:
            assert f.span.end <= start or f.span.start >= end, (f.text, doc.text[start:end])


# --- provenance, on every fact of every corpus document ---------------------------------------------


def test_every_fact_quotes_its_own_text(all_docs):
    assert sum(len(d.facts) for d in all_docs) > 50
    for doc in all_docs:
        for f in doc.facts:
            assert f.doc_id == doc.doc_id
            assert doc.text[f.span.start : f.span.end] == f.text, f.fact_id
            assert f.text.strip() == f.text and f.text


def test_every_fact_lies_in_its_sentence_and_passage(all_docs):
    for doc in all_docs:
        passages = {p.passage_id: p for p in doc.passages}
        for f in doc.facts:
            assert f.sentence.start <= f.span.start < f.span.end <= f.sentence.end, f.fact_id
            passage = passages[f.passage_id]
            assert f.sentence in passage.sentences, f.fact_id
            assert passage.start <= f.sentence.start and f.sentence.end <= passage.end
            assert passage.text == doc.text[passage.start : passage.end]


def test_every_context_span_is_a_sentence_of_the_document(all_docs):
    for doc in all_docs:
        sentences = sentence_spans(doc)
        for f in doc.facts:
            for c in f.context:
                assert c in sentences, (f.fact_id, c)
                assert c != f.sentence


def test_fact_ids_are_unique(all_docs):
    ids = [f.fact_id for d in all_docs for f in d.facts]
    assert len(ids) == len(set(ids))


# --- carry-over rules on synthetic paragraphs ----------------------------------------------------------

TITLE = "Báo cáo công tác viện trợ phi chính phủ nước ngoài"


def synthetic(*paragraphs: str) -> Document:
    return prepare_document("\n".join([TITLE, *paragraphs]).encode("utf-8"), "bao-cao.txt")


def test_subject_and_period_carry_within_a_paragraph_only():
    doc = synthetic(
        "Năm 2023 là năm bản lề; kế hoạch năm 2023 của tỉnh được triển khai đồng bộ trong cả năm 2023.",
        "Năm 2021, tỉnh Hòa Bình tiếp nhận 12 dự án mới của các tổ chức phi chính phủ nước ngoài. "
        "Tổng giá trị giải ngân của các dự án này đạt 3,5 triệu USD.",
        "Tổng giá trị cam kết của các nhà tài trợ đạt 7,2 triệu USD theo báo cáo của Sở Ngoại vụ.",
    )
    assert doc.reference_year == 2023

    carried = fact(doc, "3,5 triệu USD")
    assert (carried.place, label(carried.period), carried.metric) == ("Hòa Bình", "2021", "disbursed")
    assert carried.subject_source == "paragraph"
    assert carried.period_source == "paragraph"
    assert [c.of(doc.text)[:29] for c in carried.context] == ["Năm 2021, tỉnh Hòa Bình tiếp "]

    reset = fact(doc, "7,2 triệu USD")
    assert reset.place is None  # a new line: Hòa Bình is not carried
    assert reset.subject_source != "paragraph"
    assert label(reset.period) == "2023"  # the report's year, not 2021 from the previous paragraph
    assert reset.period_source == "document"
    assert not any("Hòa Bình" in c.of(doc.text) for c in reset.context)


def test_a_year_singled_out_inside_a_sentence_is_not_carried_to_the_next():
    # the shape of a corpus2 report: a sentence about recent years nationwide singles out one year,
    # the next gives the province's own figures, which that year does not date
    doc = synthetic(
        "Hội nghị năm 2017 của tỉnh Tuyên Quang đã diễn ra. Những năm gần đây, vốn giải ngân của các tổ chức phi chính phủ "
        "nước ngoài cho Việt Nam tăng nhanh, riêng năm 2015 đã đạt 290 triệu USD. "
        "Với riêng tỉnh Tuyên Quang, 40 dự án phi chính phủ có tổng giá trị 90 tỷ đồng.",
        "Riêng năm 2016, tỉnh tiếp nhận 8 dự án mới. Tổng giá trị các dự án này đạt 12 tỷ đồng.",
    )
    assert label(fact(doc, "290 triệu USD").period) == "2015"
    province = fact(doc, "90 tỷ đồng")
    assert province.place == "Tuyên Quang"
    assert label(province.period) == "2017"  # the paragraph's own year, not the one singled out
    # at the head of its sentence the year frames what follows, and carries
    assert label(fact(doc, "12 tỷ đồng").period) == "2016"


def test_a_new_province_switches_the_subject():
    doc = synthetic(
        "Năm 2022, tỉnh Quảng Trị tiếp nhận 20 dự án của các tổ chức phi chính phủ nước ngoài. "
        "Tỉnh Quảng Bình tiếp nhận 15 dự án trong cùng thời gian. "
        "Tổng vốn giải ngân của các dự án này đạt 2 triệu USD."
    )
    assert fact(doc, "20 dự án").place == "Quảng Trị"
    assert fact(doc, "15 dự án").place == "Quảng Bình"
    last = fact(doc, "2 triệu USD")
    assert last.place == "Quảng Bình"
    assert last.subject_source == "paragraph"
    assert label(last.period) == "2022"
    assert any(c.of(doc.text).startswith("Tỉnh Quảng Bình") for c in last.context)


def test_a_comparison_year_is_never_the_period_of_a_figure():
    doc = synthetic(
        "Năm 2020, tỉnh Hòa Bình giải ngân 4 triệu USD viện trợ phi chính phủ nước ngoài. "
        "Giá trị cam kết giảm 10% so với năm 2019.",
        "Tỉnh Lào Cai tiếp nhận 5 triệu USD viện trợ, tăng 1 triệu USD so với năm 2019.",
    )
    decrease = fact(doc, "10%")
    assert decrease.change == "decrease"
    assert label(decrease.period) == "2020"  # carried from the previous sentence
    assert label(decrease.compared_to) == "2019"
    increase = fact(doc, "1 triệu USD")
    assert increase.change == "increase" and label(increase.compared_to) == "2019"
    assert increase.place == "Lào Cai"
    for f in doc.facts:
        assert label(f.period) != "2019", f.text
    assert doc.reference_year == 2020  # comparisons do not make 2019 the report's year


def test_a_comparison_alone_does_not_date_a_figure():
    doc = synthetic("Tỉnh Lào Cai tiếp nhận 5 triệu USD viện trợ, tăng 1 triệu USD so với năm 2019.")
    assert doc.reference_year is None
    for f in doc.facts:
        assert f.period is None, f.text
    assert label(fact(doc, "1 triệu USD").compared_to) == "2019"


def test_a_figure_named_in_its_own_sentence_has_no_context():
    doc = synthetic("Năm 2022, tỉnh Quảng Trị tiếp nhận 20 dự án của các tổ chức phi chính phủ nước ngoài.")
    f = fact(doc, "20 dự án")
    assert (f.place, label(f.period), f.subject_source, f.period_source) == ("Quảng Trị", "2022", "sentence", "sentence")
    assert f.context == []


def test_figures_in_brackets_are_parts_and_the_figure_after_them_is_not():
    doc = synthetic(
        "Năm 2022, tỉnh Quảng Trị có 53 dự án (35 dự án chuyển tiếp, 18 dự án mới) "
        "với tổng vốn giải ngân đạt 4 triệu USD."
    )
    assert [(f.text, f.part_of_total) for f in doc.facts] == [
        ("53 dự án", False),
        ("35 dự án", True),
        ("18 dự án", True),
        ("4 triệu USD", False),
    ]


def test_relative_year_resolved_from_an_earlier_sentence_cites_it():
    doc = synthetic(
        "Năm 2020, các tổ chức phi chính phủ nước ngoài triển khai 40 dự án trên cả nước. "
        "Tại tỉnh Hòa Bình, tỷ lệ giải ngân trong năm qua đạt 71%."
    )
    f = fact(doc, "71%")
    assert (f.place, label(f.period)) == ("Hòa Bình", "2020")
    assert f.period_source == "paragraph"
    assert any(c.of(doc.text).startswith("Năm 2020") for c in f.context)


def test_the_present_dates_its_own_clause_from_the_time_of_writing():
    doc = prepare_document(
        "\n".join([
            TITLE,
            "09:11 | 03/02/2025",
            "Năm 2024, viện trợ của các tổ chức phi chính phủ nước ngoài cho cả nước ước đạt 230 triệu USD.",
            "Trong tổng số hơn 300 tổ chức phi chính phủ nước ngoài hiện hoạt động ở Việt Nam, có 44 tổ chức do "
            "người Việt ở nước ngoài sáng lập.",
            "Số tổ chức có quan hệ với Việt Nam hiện là trên 1.000, trong đó khoảng 500 tổ chức thường xuyên hoạt động.",
        ]).encode("utf-8"),
        "bao-cao.txt",
    )  # fmt: skip
    assert label(fact(doc, "hơn 300 tổ chức phi chính phủ nước ngoài").period) == "2025"  # written in February 2025
    assert label(fact(doc, "44 tổ chức").period) == "2024"  # another clause: the report's year
    assert label(fact(doc, "khoảng 500 tổ chức").period) == "2025"  # "trong đó": a part of the present count
    # "thực hiện" is another word: no present tense
    later = synthetic("Tỉnh đã thực hiện có hiệu quả 12 dự án của các tổ chức phi chính phủ nước ngoài năm 2023.")
    assert label(fact(later, "12 dự án").period) == "2023"


def test_a_count_of_all_63_provinces_is_about_the_whole_country():
    # a sentence of a provincial report on a conference (corpus2, Cao Bằng 2011)
    doc = synthetic(
        "Hội nghị xúc tiến vận động viện trợ phi Chính phủ nước ngoài tỉnh Cao Bằng đã khai mạc sáng 27/5. "
        "Theo các tham luận trình bày tại Hội nghị, hiện có 800 tổ chức phi Chính phủ đang hoạt động khắp cả "
        "63 tỉnh, thành phố của Việt Nam."
    )
    assert fact(doc, "800 tổ chức").place == "Việt Nam"


def test_a_figure_beside_a_list_of_districts_is_about_none_of_them_alone():
    doc = synthetic(
        "Từ năm 2000, tổ chức đóng góp 14 tỷ đồng mỗi năm cho dự án phát triển kinh tế - xã hội ở các huyện "
        "Tư Nghĩa, Nghĩa Hành, Sơn Tịnh và Sơn Hà của tỉnh Quảng Ngãi.",
        "Dự án ở huyện Sơn Tịnh trị giá 5 tỷ đồng, còn các huyện Tư Nghĩa và Nghĩa Hành nhận 3 tỷ đồng.",
    )
    assert fact(doc, "14 tỷ đồng").district is None
    assert fact(doc, "5 tỷ đồng").district == "Sơn Tịnh"  # named alone
    assert fact(doc, "3 tỷ đồng").district is None
