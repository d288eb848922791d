"""The answerer on the reports of both corpora, asked in words of our own (not those of a question set):
an English report's figure given exactly to a Vietnamese question, sources that disagree named,
a difference computed from two reports, a person answered with their role, and every number of
every answer in a sentence it cites.
"""

from __future__ import annotations

import re

import pytest

from assistant.answering import Answerer
from assistant.grounding import numbers_in, ungrounded_numbers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answerer(both_corpora_store):
    return Answerer(both_corpora_store)


def _grounded(answer) -> bool:
    allowed = numbers_in(answer.question) + numbers_in(answer.calculation or "")
    allowed += numbers_in(" ".join(c.doc for c in answer.citations))
    return ungrounded_numbers(answer.answer, [c.sentence for c in answer.citations], allowed) == []


def test_an_english_reports_figure_answers_a_vietnamese_question_exactly(answerer):
    answer = answerer.ask("Tổng giá trị cam kết viện trợ PCPNN của Cao Bằng giai đoạn 2019-2025 là bao nhiêu?")
    assert answer.language == "vi" and answer.answer.startswith("Giai đoạn 2019-2025")
    assert "USD 11,879,191" in answer.answer  # as the report writes it
    assert any("USD 11,879,191" in c.sentence for c in answer.citations) and _grounded(answer)


def test_the_same_question_in_english_gets_an_english_answer(answerer):
    answer = answerer.ask("How much committed aid did Cao Bang receive from foreign NGOs from 2019 to 2025?")
    assert answer.language == "en" and "USD 11,879,191" in answer.answer and _grounded(answer)


def test_sources_that_disagree_on_one_figure_are_each_named(answerer):
    answer = answerer.ask("Năm 2024, các tổ chức PCPNN viện trợ cho Việt Nam bao nhiêu?")
    assert "không thống nhất" in answer.answer
    assert "233 triệu USD" in answer.answer and re.search(r"230 (?:triệu USD|million)", answer.answer)
    assert len({c.doc for c in answer.citations}) >= 2 and _grounded(answer)


def test_a_difference_between_two_reports_is_computed_and_shown(answerer):
    answer = answerer.ask("Chênh lệch vốn giữa Chương trình vùng Thường Xuân và Chương trình vùng Quan Hóa 2 là bao nhiêu?")
    assert answer.calculation == "48,2 tỷ đồng − 43 tỷ đồng = 5,2 tỷ đồng"
    cited = {c.doc for c in answer.citations}
    assert any("thuongxuan" in d for d in cited) and any("quanhoa" in d for d in cited)
    assert _grounded(answer)


def test_who_is_answered_with_the_person_and_their_role(answerer):
    answer = answerer.ask("Ai là Phó Chủ tịch UBND tỉnh Quảng Trị đã tiếp đoàn Plan International?")
    assert answer.answer.startswith("Phó Chủ tịch UBND tỉnh Quảng Trị Hoàng Xuân Tân")
    assert any("Hoàng Xuân Tân" in c.sentence for c in answer.citations)


@pytest.mark.parametrize("asked", ["How many foreign NGOs operated in Ha Tinh?", "Hà Tĩnh có bao nhiêu tổ chức PCPNN hoạt động?"])
def test_a_question_without_a_period_gets_the_reports_latest_figure(answerer, asked):
    # the report's table gives 2017, 2018 and 2019; asked with no year, the latest row answers
    answer = answerer.ask(asked)
    assert "2019" in answer.answer.split(".")[0] and any(c.sentence.startswith("2019") for c in answer.citations)


def test_each_signatory_is_given_with_the_role_the_report_gives_them(answerer):
    answer = answerer.ask("Ai đã ký thỏa thuận hợp tác giữa tỉnh Yên Bái và World Vision cho giai đoạn 2023-2027?")
    # "Phó Chủ tịch UBND tỉnh" completed with the province the report is about
    assert "Ngô Hạnh Phúc, Phó Chủ tịch UBND tỉnh Yên Bái" in answer.answer
    assert "Doseba Tua Sinay, Trưởng đại diện Tổ chức Tầm nhìn Thế giới tại Việt Nam" in answer.answer


def test_an_english_role_keeps_its_body_and_the_bodys_acronym(answerer):
    answer = answerer.ask("Who was the head of the Committee for Foreign NGO Affairs delegation in Cao Bang?")
    assert answer.answer.startswith("Do Thi Kim Dung, Deputy Head of the People's Aid Coordinating Committee (PACCOM)")
    assert "Union of Friendship Organizations (VUFO)" in answer.answer


def test_a_sentence_that_announces_a_list_is_quoted_with_the_list_past_a_photo_caption(answerer):
    answer = answerer.ask("UBND tỉnh Thanh Hóa dùng quyết định nào để điều chỉnh khoản viện trợ cho Chương trình vùng Thường Xuân?")
    assert answer.answer.startswith("Quyết định số 3724/QĐ-UBND")
    assert any("552/QĐ-UBND" in c.sentence for c in answer.citations)  # the first item of the list "gồm:"


def test_each_part_gets_a_place_of_the_kind_it_asks_for(answerer):
    answer = answerer.ask("Khoản gần 2 triệu USD của World Vision ở Hưng Yên dành cho huyện nào, và ở những xã nào?")
    # the district from the sentence that refers back to the headline's figure ("Khoản kinh phí này ...")
    assert answer.answer.startswith("huyện Tiên Lữ")
    assert "Cương Chính, Minh Phượng, Lệ Xá và Trung Dũng" in answer.answer.split("Theo tài liệu")[0]


def test_a_compared_year_on_which_reports_disagree_shows_both_figures(answerer):
    answer = answerer.ask("Viện trợ PCPNN dành cho Việt Nam năm 2024 so với năm 2020 thế nào?")
    assert re.search(r"250 (?:million|triệu)", answer.answer) and "233 triệu USD" in answer.answer
    assert re.search(r"230 (?:million|triệu)", answer.answer)  # the other report's 2024 total, named beside it
    assert _grounded(answer)


def test_a_count_of_organisations_honoured_does_not_answer_how_many_operate(answerer):
    operating = answerer.ask("Năm 2010 cả nước có bao nhiêu tổ chức phi chính phủ nước ngoài đang hoạt động?")
    assert "800" in operating.answer and "109" not in operating.answer.split("Theo tài liệu")[0]
    honoured = answerer.ask("How many foreign NGOs were honoured with VUFO certificates of merit for 2020?")
    assert "Fifty" in honoured.answer and _grounded(honoured)


def test_a_question_about_a_yearly_amount_gets_the_figure_stated_per_year(answerer):
    answer = answerer.ask("How much does Plan International contribute each year to the socio-economic development project in Quang Ngai?")
    assert answer.answer.split("The report says")[0].count("14 billion VND") >= 1
    assert "21 billion" not in answer.answer.split("The report says")[0] and _grounded(answer)


def test_who_did_what_is_found_by_what_they_did_said_in_other_words(answerer):
    # "điểm lại thành tựu" in the question, "nhìn lại những kết quả nổi bật" in the report; another
    # sentence of the same report names the same person as merely attending
    answer = answerer.ask("Ai đã điểm lại kết quả nổi bật năm 2016 của thành phố Đà Nẵng?")
    assert answer.answer.startswith("Phó Chủ tịch UBND thành phố Hồ Kỳ Minh")
    assert "nhìn lại" in answer.citations[0].sentence


def test_an_english_who_clause_beside_an_amount_is_answered_from_a_vietnamese_report(answerer):
    answer = answerer.ask(
        "Which leader attended the conference reviewing the 1996-2017 period, and how much non-refundable aid was disbursed over those years?"
    )
    assert answer.language == "en" and "4,3 tỷ USD" in answer.answer and "Thủ tướng Nguyễn Xuân Phúc" in answer.answer
    assert any("Nguyễn Xuân Phúc đã đến dự hội nghị" in c.sentence for c in answer.citations) and _grounded(answer)


def test_where_an_amount_went_is_read_from_the_sentence_that_goes_on_about_it(answerer):
    answer = answerer.ask("Khoản hỗ trợ lũ lụt của Ai-len cho Quảng Bình là bao nhiêu và được chuyển qua tổ chức nào?")
    assert "260,000 Euro" in answer.answer and "Plan International Việt Nam" in answer.answer
    assert any(c.sentence.startswith("Khoản hỗ trợ này sẽ được chuyển qua") for c in answer.citations) and _grounded(answer)


def test_a_figure_the_report_states_twice_cites_both_places(answerer):
    # the lede and the body of one report both give the province's 50 projects worth 120 billion đồng
    answer = answerer.ask("Cao Bằng có bao nhiêu dự án phi chính phủ?")
    assert "50 dự án" in answer.answer
    stating = [c for c in answer.citations if "50 dự án phi Chính phủ" in c.sentence]
    assert len(stating) == 2 and len({c.doc for c in stating}) == 1
    assert answer.answer.count("“") == 1  # one sentence quoted, both cited


def test_another_report_stating_the_same_figure_is_cited_beside_it(answerer):
    answer = answerer.ask("Ước tính năm 2024 cả nước giải ngân bao nhiêu vốn viện trợ phi chính phủ nước ngoài?")
    assert "230 triệu USD" in answer.answer
    stating = {c.doc for c in answer.citations if re.search(r"230 triệu USD|US\$230 million", c.sentence)}
    assert len(stating) >= 2  # a Vietnamese and an English report agree on it
    assert "US$230 million" not in answer.answer  # cited, not quoted again
    assert _grounded(answer)
