"""Answers that are words: who is named with a title, what a "who/which/through whom" question asks
for, and the span that answers it, on sentences from the reports of ../shared/eval/corpus2."""

from __future__ import annotations

import pytest

from assistant import extract
from assistant.question import analyze


@pytest.mark.parametrize(
    "sentence, person",
    [
        # the name runs up to the sentence's verb
        (
            "Phát biểu tại buổi gặp, Phó Chủ tịch UBND thành phố Hồ Kỳ Minh đã nhìn lại những kết quả nổi bật mà thành phố giành được trong năm 2016.",
            "Phó Chủ tịch UBND thành phố Hồ Kỳ Minh",
        ),
        (
            "Tại Hà Nội sáng 5/7, Thủ tướng Nguyễn Xuân Phúc đã đến dự hội nghị tổng kết các hoạt động trong giai đoạn 1996-2017.",
            "Thủ tướng Nguyễn Xuân Phúc",
        ),
        ("Giám đốc Sở Ngoại vụ Nguyễn Văn An chủ trì hội nghị.", "Giám đốc Sở Ngoại vụ Nguyễn Văn An"),
        # an embassy is not an ambassador, and a province after a title is no name
        ("Chính phủ Ai-len đã quyết định, thông qua Đại sứ quán Ai-len tại Việt Nam, dành khoản hỗ trợ 260,000 Euro.", None),
        ("Chủ tịch UBND tỉnh Yên Bái đã ký quyết định phê duyệt dự án.", None),
    ],
)
def test_people_named_with_a_title(sentence, person):
    assert extract.people([sentence], "vi") == person


@pytest.mark.parametrize(
    "question, who",
    [
        ("Ai chủ trì hội nghị?", True),
        ("Which leader attended the review conference?", True),
        ("Lãnh đạo nào đã tiếp đoàn?", True),
        ("Chính phủ Ai-len hỗ trợ bao nhiêu cho Quảng Bình?", False),  # Ireland
        ("Ai Cập có dự án nào ở Việt Nam?", False),  # Egypt
    ],
)
def test_who_questions_and_place_names_that_start_like_who(question, who):
    assert bool(extract._WHO.search(analyze(question).folded)) is who


def test_a_which_organisation_clause_beside_an_amount_is_kept_for_the_words_answer():
    q = analyze("Khoản hỗ trợ lũ lụt của Ai-len cho Quảng Bình là bao nhiêu và được chuyển qua tổ chức nào?")
    assert q.asks and q.asks[0].unit == "money"
    assert q.entity_clause == "được chuyển qua tổ chức nào"
    through = analyze("Chính phủ Ai-len hỗ trợ bao nhiêu để khắc phục lũ lụt ở Quảng Bình, thông qua đâu?").about_words()
    # the organisation named with a project, not cut at the project's first word
    assert extract.key_span(through, "Khoản hỗ trợ này sẽ được chuyển qua tổ chức Plan International Việt Nam và Dự án RENEW.") == (
        "tổ chức Plan International Việt Nam và Dự án RENEW"
    )


def test_a_question_asked_in_other_words_shares_the_concepts_of_the_sentence():
    from vntext.glossary import concepts_in

    asked = set(concepts_in("Ai điểm lại thành tựu của thành phố năm 2016?"))
    said = set(concepts_in("Phó Chủ tịch UBND thành phố Hồ Kỳ Minh đã nhìn lại những kết quả nổi bật mà thành phố giành được"))
    assert {"reviewed", "achievement"} <= asked & said
    english = set(concepts_in("Who attended the conference and through which organisation was the aid channelled?"))
    vietnamese = set(concepts_in("Thủ tướng đã đến dự hội nghị; khoản hỗ trợ được chuyển qua tổ chức Plan International"))
    assert {"attended", "channelled", "conference"} <= english & vietnamese
    assert "attended" not in concepts_in("dự án nước sạch")  # "dự" of "dự án" is not attending
