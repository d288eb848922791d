"""Question analysis: what is asked, clause by clause, and how the parts of a question relate.

The questions here are written for these tests (none comes from a question set), in the forms users
type: several quantities in one question, comparisons, differences, no diacritics, English.
"""

from __future__ import annotations

import pytest

from assistant.question import MONEY, analyze, detect_language
from vntext.metrics import SPECIFIC


def test_each_ask_keeps_the_words_of_its_own_clause():
    q = analyze("Năm 2019 tỉnh Bắc Kạn có bao nhiêu dự án PCPNN và tổng vốn giải ngân là bao nhiêu?")
    assert [a.unit for a in q.asks] == ["projects", MONEY]
    assert "dự án" in q.asks[0].clause and "giải ngân" in q.asks[1].clause
    assert q.asks[1].metrics & SPECIFIC == {"disbursed"} and not q.asks[0].metrics & SPECIFIC
    assert q.kind == "quantity" and q.places == ["Bắc Kạn"]


def test_a_period_named_in_one_clause_belongs_to_it_and_the_next_ask_inherits_it_softly():
    q = analyze("Tại hội nghị năm 2016, bao nhiêu tổ chức cam kết tài trợ trong năm 2017 và tổng số tiền là bao nhiêu?")
    assert [p.label for p in q.asks[0].periods] == ["2017"]
    assert [p.label for p in q.asks[1].periods] == ["2017"] and q.asks[1].periods_inherited
    assert q.kind == "quantity"  # two years, but nothing compared


def test_english_head_noun_is_the_last_counted_word():
    q = analyze("How many NGO programmes were in health, and how many in education?")
    assert q.language == "en"
    assert [a.unit for a in q.asks] == ["projects", "projects"]


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("Tổ chức X tài trợ bao nhiêu cho dự án nước sạch?", MONEY),  # "bao nhiêu cho dự án": an amount
        ("Hội đã trao bao nhiêu xe lăn cho người khuyết tật?", "xe"),  # a counted thing the project does not know
        ("Viện trợ của tổ chức Y chiếm bao nhiêu phần trăm tổng viện trợ của tỉnh?", "percent"),
        ("Tỉnh nhận được bao nhiêu vốn viện trợ năm 2020?", MONEY),
    ],
)
def test_what_bao_nhieu_asks_for(question, unit):
    assert analyze(question).asks[0].unit == unit


def test_comparison_of_periods_gives_one_side_per_period():
    q = analyze("So sánh giá trị giải ngân viện trợ PCPNN của tỉnh Lai Châu năm 2018 và năm 2021.")
    assert q.kind == "comparison"
    assert [s.label for s in q.sides] == ["2018", "2021"]
    listed = analyze("Giải ngân của cả nước các năm 2015, 2016 và 2018 là bao nhiêu?")
    assert [s.label for s in listed.sides] == ["2015", "2016", "2018"]


def test_difference_between_two_figures_the_question_states():
    q = analyze("Hai con số (khoảng 120 triệu USD và hơn 125 triệu USD) chênh nhau bao nhiêu?")
    assert q.kind == "derived" and q.operation == "difference"
    assert [s.figure.value for s in q.sides] == [120e6, 125e6]


def test_difference_between_two_named_things():
    q = analyze("Vốn của dự án Hướng Dương lớn hơn vốn của dự án Tân Lập bao nhiêu?")
    assert q.kind == "derived" and len(q.sides) == 2
    assert {"huong", "duong"} <= set(q.sides[0].words) and {"tan", "lap"} <= set(q.sides[1].words)


def test_commitments_not_yet_disbursed_are_a_difference_of_two_metrics():
    q = analyze("Phần vốn đã cam kết nhưng chưa giải ngân của tỉnh Điện Biên năm 2022 là bao nhiêu?")
    assert q.operation == "difference"
    assert [s.metrics for s in q.sides] == [{"committed"}, {"disbursed"}]


def test_a_total_over_a_period_may_be_added_up_from_its_years():
    q = analyze("Tổng giá trị viện trợ giải ngân tại tỉnh Sơn La giai đoạn 2016-2018 là bao nhiêu?")
    assert q.kind == "quantity" and q.operation == "sum"


def test_questions_about_sources_and_scale():
    conflict = analyze("Các nguồn nói gì về tổng viện trợ cho tỉnh Gia Lai năm 2019? Có thống nhất không?")
    assert conflict.conflict and conflict.asks and conflict.asks[0].unit == MONEY
    scale = analyze("So sánh quy mô viện trợ cho tỉnh Gia Lai năm 2015 với năm 2019.")
    assert scale.every_measure and scale.kind == "comparison"


def test_a_question_beside_the_quantity_is_kept_for_the_words_answer():
    q = analyze("How many NGOs received awards in 2019, and who presented them?")
    assert q.asks and q.entity_clause and "who" in q.entity_clause


def test_a_document_number_is_not_a_quantity():
    q = analyze("Quyết định số mấy của UBND tỉnh phê duyệt dự án?")
    assert q.asks == [] and q.kind == "entity"


def test_an_organisations_country_office_is_not_the_whole_country():
    q = analyze("Plan International tại Việt Nam tài trợ cho tỉnh Hà Giang bao nhiêu năm 2019?")
    assert q.places == ["Hà Giang"]


def test_a_proper_name_with_national_in_it_is_not_the_whole_country():
    q = analyze("How much did the fund give to Cuc Phuong National Park?")
    assert q.places == []


@pytest.mark.parametrize(
    ("text", "language"),
    [("How much aid did the province receive in 2020?", "en"), ("tinh nhan bao nhieu vien tro nam 2020", "vi"),
     ("Tỉnh nhận bao nhiêu viện trợ?", "vi")],
)  # fmt: skip
def test_language(text, language):
    assert detect_language(text) == language


def test_a_source_year_is_soft_unless_it_opens_a_list_of_years():
    # "theo báo cáo năm 2020": the year of the source, not of the figure
    sourced = analyze("Theo báo cáo năm 2020, Quảng Trị có bao nhiêu dự án?")
    assert [p.label for p in sourced.soft_periods] == ["2020"] and sourced.sides == []
    # "theo các nguồn năm 2018, 2020 và đầu năm 2025": three years compared, the first one included
    listed = analyze("Số tổ chức PCPNN tại Việt Nam theo các nguồn năm 2018, 2020 và đầu năm 2025 là bao nhiêu?")
    assert [s.label for s in listed.sides] == ["2018", "2020", "2025"] and listed.soft_periods == []


def test_an_english_event_named_after_its_period_makes_the_period_soft():
    q = analyze("At the 2020 annual meeting, how many NGOs pledged aid for 2021?")
    assert [p.label for p in q.periods] == ["2021"] and [p.label for p in q.soft_periods] == ["2020"]
    conference = analyze("Who attended the July 2018 conference, and how many programmes do NGOs support each year?")
    assert conference.periods == [] and [p.start for p in conference.soft_periods] == ["2018-07-01"]


def test_so_voi_the_nao_asks_for_a_comparison_and_compare_is_no_topic_word():
    q = analyze("Viện trợ cho Quảng Trị năm 2023 so với năm 2022 thế nào?")
    assert q.kind == "comparison" and [s.label for s in q.sides] == ["2023", "2022"]
    assert not {"so", "sanh", "compare"} & analyze("So sánh giá trị viện trợ năm 2020 và năm 2024").keywords
    assert "compare" not in analyze("Compare the aid value in 2020 and 2024").keywords


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("Dự án ở Hà Giang được tài trợ bao nhiêu tỷ đồng?", MONEY),
        ("Tỉnh nhận được bao nhiêu triệu?", MONEY),
        ("How many million US dollars did the province receive?", MONEY),
        ("Bao nhiêu nghìn người được hưởng lợi từ dự án?", "people"),
    ],
)
def test_a_scale_with_a_currency_or_alone_asks_for_money(question, unit):
    assert analyze(question).asks[0].unit == unit


def test_a_bare_district_name_counts_when_it_is_a_district_of_the_province_named():
    q = analyze("Tổ chức tài trợ bao nhiêu cho chương trình ở Mường Lát (Thanh Hóa)?")
    assert q.places == ["Thanh Hóa"] and q.districts == ["Mường Lát"]
    # the province's own name is not read as its capital district
    assert analyze("Thanh Hóa nhận bao nhiêu viện trợ năm 2022?").districts == []


def test_two_amounts_asked_with_one_question_word_are_two_asks():
    q = analyze("Ở Kon Tum, vốn cam kết của các dự án cũ và của các dự án mới lần lượt là bao nhiêu?")
    assert [a.unit for a in q.asks] == [MONEY, MONEY]


@pytest.mark.parametrize(
    "question",
    ["How much of the aid committed to the province has not yet been disbursed?", "Số vốn cam kết chưa được giải ngân là bao nhiêu?"],
)
def test_what_is_not_yet_disbursed_is_a_difference(question):
    assert analyze(question).operation == "difference"


def test_two_periods_joined_by_and_are_one_ask_over_both():
    q = analyze("Giá trị giải ngân ở tỉnh năm 2017 và năm 2019 là bao nhiêu?")
    assert len(q.asks) == 1 and [s.label for s in q.sides] == ["2017", "2019"]
