"""Sentences around figures: every form of fact can be stated in both languages."""

from __future__ import annotations

import pytest

from assistant.phrasing import says_what_it_measures, statement_en, statement_vi
from ingest.models import Fact, Span
from vntext.periods import Period


def _fact(**changes) -> Fact:
    base = dict(
        fact_id="d-p0-f0", doc_id="d", passage_id="d-p0", sentence=Span(0, 40), span=Span(10, 20),
        value=2.6e6, unit="USD", unit_text="USD", text="2,6 triệu USD", metric="disbursed",
        place="Vĩnh Phúc", period=Period.year(2015), period_source="sentence",
    )  # fmt: skip
    base.update(changes)
    return Fact(**base)


@pytest.mark.parametrize("state", [statement_vi, statement_en])
@pytest.mark.parametrize("source", ["sentence", "paragraph", "document", None])
def test_every_period_source_can_be_stated(state, source):
    # A figure dated only by its report ("document") used to raise UnboundLocalError in
    # statement_vi: a local name shadowed phrasing.undated.
    text = state(_fact(period_source=source))
    assert "2,6 triệu USD" in text
    if source == "document":
        assert "2015" in text


def test_a_figure_joined_to_the_one_before_by_and_is_not_described_by_the_and():
    text = statement_vi(_fact(value=88831, text="88.831USD", metric=None, descriptor="và", place="Nam Định"))
    assert "và 88.831USD" not in text and "88.831USD" in text


def test_words_that_lead_into_the_next_figure_are_not_the_counts_description():
    fact = _fact(
        value=800, unit="organizations", unit_text="tổ chức phi Chính phủ", text="800 tổ chức phi Chính phủ",
        metric=None, place="Việt Nam", trailing="đang hoạt động khắp cả",
    )  # fmt: skip
    assert statement_vi(fact).endswith("đang hoạt động.")


def test_the_figures_own_year_is_not_said_twice():
    fact = _fact(
        value=36, unit="projects", unit_text="chương trình, dự án", text="36 chương trình, dự án", metric=None,
        place="Quảng Trị", period=Period.year(2023), trailing="mới được vận động vào năm 2023 với số vốn",
    )  # fmt: skip
    assert statement_vi(fact) == "Năm 2023, Quảng Trị có 36 chương trình, dự án mới được vận động."
    # another year after the count is a different claim and stays
    other = statement_vi(_fact(**{**fact.__dict__, "trailing": "mới được vận động vào năm 2022 với số vốn"}))
    assert other.endswith("vào năm 2022.")


def test_a_figure_whose_measure_cannot_be_said_is_known_as_such():
    assert says_what_it_measures(_fact())  # "giá trị giải ngân"
    unnamed = _fact(metric=None, descriptor="giáo dục cho các trường học vùng cao của tỉnh Hà Giang, tổng trị giá")
    assert statement_vi(unnamed).startswith("Năm 2015, con số") and not says_what_it_measures(unnamed)
    assert not says_what_it_measures(_fact(unit="count", text="Hơn 500 triệu", metric=None))
    assert says_what_it_measures(_fact(unit="projects", text="94 dự án", metric=None))
    assert not says_what_it_measures(_fact(unit="lĩnh", text="03 lĩnh", metric=None, trailing=""))
    assert says_what_it_measures(_fact(unit="trẻ", text="300 trẻ", metric=None, trailing="em khuyết tật được hỗ trợ"))


def test_a_bracket_cut_open_by_the_source_is_not_left_dangling():
    fact = _fact(
        value=60, unit="organizations", unit_text="tổ chức phi chính phủ nước ngoài", metric=None, place="Đồng Nai",
        text="60 tổ chức phi chính phủ nước ngoài", trailing="PCPNN) đang hoạt động",
    )  # fmt: skip
    assert statement_vi(fact) == "Năm 2015, Đồng Nai có 60 tổ chức phi chính phủ nước ngoài PCPNN đang hoạt động."


def test_a_computed_amount_takes_the_answers_language_for_its_scale_and_digits():
    from assistant.phrasing import amount_in_scale

    english = _fact(value=250e6, text="250 million USD", unit_text="USD")
    assert amount_in_scale(20e6, english, "vi") == "20 triệu USD"
    assert amount_in_scale(20e6, english, "en") == "20 million USD"
    digits = _fact(value=4450116, text="USD 4,450,116", unit_text="USD")
    assert amount_in_scale(1981371, digits, "en") == "1,981,371 USD"
    assert amount_in_scale(1981371, digits, "vi") == "1.981.371 USD"
