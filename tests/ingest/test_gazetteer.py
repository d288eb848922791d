from __future__ import annotations

from ingest.gazetteer import all_provinces, find_province_mentions, find_provinces, find_years, get_province


def test_names_with_and_without_diacritics():
    assert find_provinces("Về phía tỉnh Quảng Trị, năm 2023") == ["Quảng Trị"]
    assert find_provinces("quang tri giai ngan bao nhieu nam 2023") == ["Quảng Trị"]
    assert find_provinces("Tinh Hoa Binh va Ha Noi") == ["Hòa Bình", "Hà Nội"]
    assert find_provinces("Tỉnh Hoà Bình") == ["Hòa Bình"]  # the other tone-mark convention


def test_aliases():
    assert find_provinces("Liên hiệp Các tổ chức hữu nghị TP Hồ Chí Minh") == ["TP. Hồ Chí Minh"]
    assert find_provinces("tại TP.HCM") == ["TP. Hồ Chí Minh"]
    assert find_provinces("tỉnh Thừa Thiên - Huế") == ["Thừa Thiên Huế"]
    assert find_provinces("tỉnh Bắc Cạn") == ["Bắc Kạn"]


def test_common_words_and_people_are_not_places():
    assert find_provinces("công tác hòa bình, đoàn kết, hữu nghị") == []
    assert find_provinces("Đồng chí Phan Anh Sơn là Phó Chủ nhiệm") == []
    assert find_provinces("Chủ tịch Hồ Chí Minh") == []


def test_mentions_carry_offsets():
    text = "Giải ngân của Quảng Trị và Hòa Bình"
    mentions = find_province_mentions(text)
    assert [(text[m.start : m.end], m.name) for m in mentions] == [("Quảng Trị", "Quảng Trị"), ("Hòa Bình", "Hòa Bình")]


def test_2025_reorganisation():
    assert get_province("quang binh").merged_into == "Quảng Trị"
    assert get_province("Yên Bái").current_name == "Lào Cai"
    assert get_province("Quảng Trị").merged_into is None
    assert get_province("Atlantis") is None
    units = all_provinces()
    assert len([p for p in units if p.name != "Huế"]) == 63
    current = {p.name for p in units if p.merged_into is None}
    assert len(current) == 34
    assert {p.merged_into for p in units if p.merged_into} <= current


def test_years():
    assert find_years("Chiều 12/4/2024, giai đoạn 2015 - 2023 và Nghị định 58/2022/NĐ-CP") == [2015, 2022, 2023, 2024]
    assert find_years("17.216.450,40 USD; 2.200 người; 12020 đồng; 2019,5") == []
