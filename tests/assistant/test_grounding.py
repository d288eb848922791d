from __future__ import annotations

from assistant.grounding import numbers_in, ungrounded_numbers


def test_numbers_are_taken_as_written():
    assert numbers_in("đạt 17.216.450,40 USD, tăng 4,9 triệu; 71%.") == ["17.216.450,40", "4,9", "71"]
    assert numbers_in("từ 16/11/2023 đến 15/12/2024") == ["16", "11", "2023", "15", "12", "2024"]


def test_every_number_must_appear_in_a_source():
    sources = ["Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 dự án với số vốn giải ngân đạt 17.216.450,40 USD."]
    assert ungrounded_numbers("Năm 2023, Quảng Trị giải ngân 17.216.450,40 USD.", sources) == []
    assert ungrounded_numbers("Năm 2023, Quảng Trị giải ngân 17.216.450 USD.", sources) == ["17.216.450"]
    assert ungrounded_numbers("Năm 2022, Quảng Trị giải ngân 17.216.450,40 USD.", sources) == ["2022"]
    assert ungrounded_numbers("Năm 2022: 223,8", sources, allowed=["2022", "223,8"]) == []


def test_a_figure_spelled_out_in_the_source_grounds_its_digits():
    english = "Fifty foreign non-governmental organizations (NGOs) in Vietnam have been honoured with certificates."
    vietnamese = "World Vision thực hiện Chương trình Phát triển vùng (ngân sách gần ba triệu đô la Mỹ)."
    assert ungrounded_numbers("Fifty foreign NGOs (50)", [english]) == []
    assert ungrounded_numbers("gần ba triệu đô la Mỹ (3.000.000)", [vietnamese]) == []
    # only the figure spelled there: another number is still ungrounded
    assert ungrounded_numbers("51 tổ chức", [english]) == ["51"]
