"""Search orders passages by what they are about: the years asked, and substance before bare headings.

On the reports of both corpora (``both_corpora_store``): a question about one year gets the passages
about that year first, and a list of sub-headings or related headlines never fills the top of the
list.
"""

from __future__ import annotations

import pytest

from index.hybrid import _bare_heading
from vntext.gazetteer import find_years


@pytest.mark.parametrize(
    "line",
    [
        "Bạn bè quốc tế đặt kỳ vọng gì vào Việt Nam tương lai",  # a related article's headline
        "Đổi mới tư duy và cách tiếp cận khi vận động viện trợ phi chính phủ nước ngoài",
        "Boosting Operational Effectiveness After Organizational Restructuring",  # an English sub-heading
    ],
)
def test_headlines_without_a_figure_are_bare_headings(line):
    assert _bare_heading(line)


@pytest.mark.parametrize(
    "text",
    [
        "VUFO certificates of merit go to 50 foreign NGOs",  # a headline with a figure
        "Nearly 9 million USD of this went to overcoming flood and storm damage in the Central region.",
        "(VOV) - Ở Cao Bằng, 50 dự án phi Chính phủ, trị giá tổng cộng 120 tỷ đồng, đã đóng góp đáng kể.",
        "Tổ chức World Vision đã hỗ trợ xây dựng trường học cho trẻ em ở các xã vùng cao của tỉnh.",
        "Năm 2019\n18 dự án",  # a table's cells
    ],
)
def test_sentences_and_figures_are_not_bare_headings(text):
    assert not _bare_heading(text)


def _top(store, query: str, k: int = 5):
    return store.search(query, top_k=k).hits


@pytest.mark.slow
def test_bare_headings_never_come_before_substance(both_corpora_store):
    for query in (
        "Viện trợ PCPNN cho Việt Nam năm 2024 là bao nhiêu?",
        "Cao Bằng: so sánh quy mô viện trợ PCPNN năm 2011 với giai đoạn 2019-2025",
        "tong gia tri vien tro cua cac to chuc phi chinh phu nuoc ngoai cho viet nam nam 2020",
    ):
        bare = [_bare_heading(h.passage.text) for h in _top(both_corpora_store, query, 10)]
        assert bare == sorted(bare), f"{query}: a bare heading before a passage with substance: {bare}"


@pytest.mark.slow
def test_a_question_about_a_year_gets_passages_about_that_year_first(both_corpora_store):
    documents = {d.doc_id: d for d in both_corpora_store.documents()}
    query = "Tổng giá trị viện trợ của các tổ chức phi chính phủ nước ngoài cho Việt Nam năm 2020 ước tính bao nhiêu?"
    for hit in _top(both_corpora_store, query):
        doc = documents[hit.passage.doc_id]
        published = doc.published or (doc.frame.published if doc.frame else None) or ""
        frame_years = {doc.frame.main_year} if doc.frame and doc.frame.main_year else set()
        years = set(hit.passage.years) or frame_years
        assert 2020 in years or published.startswith("2020") or not years, (hit.doc_name, hit.passage.text[:100])


@pytest.mark.slow
def test_a_question_without_a_year_is_not_reordered_by_year(both_corpora_store):
    query = "Tổ chức World Vision hỗ trợ những huyện nào của Yên Bái?"
    assert find_years(query) == []
    hits = _top(both_corpora_store, query)
    assert hits and all("yenbai" in h.doc_name for h in hits[:2]), [h.doc_name for h in hits]
