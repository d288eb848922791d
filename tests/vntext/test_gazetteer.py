"""ingest/gazetteer.py: provinces named in a text (with or without diacritics), the 2025 merger, years."""

from __future__ import annotations

import unicodedata

import pytest

from vntext.gazetteer import all_provinces, find_province_mentions, find_provinces, find_years, get_province

# --------------------------------------------------------------------------- find_provinces


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Về phía tỉnh Quảng Trị, năm 2023", ["Quảng Trị"]),
        ("Hội nghị tại điểm cầu Hà Nội và Đà Nẵng", ["Hà Nội", "Đà Nẵng"]),
        ("Tại Hòa Bình, năm 2020, có 21 tổ chức PCPNN", ["Hòa Bình"]),
        ("Tỉnh Hoà Bình", ["Hòa Bình"]),  # the other tone-mark convention
        ("Thanh Hoá và Khánh Hoà", ["Thanh Hóa", "Khánh Hòa"]),
        ("HỆ THỐNG CỔNG THÔNG TIN ĐIỆN TỬ TỈNH QUẢNG TRỊ", ["Quảng Trị"]),  # all capitals
        ("người dân An Giang và Đồng Tháp; Đắk Lắk", ["An Giang", "Đồng Tháp", "Đắk Lắk"]),
        ("Quảng Trị, Quảng Bình và lại Quảng Trị", ["Quảng Trị", "Quảng Bình"]),  # each once, first-mention order
    ],
)
def test_names_with_diacritics(text, expected):
    assert find_provinces(text) == expected


def test_decomposed_text_is_matched_too():
    assert find_provinces(unicodedata.normalize("NFD", "tỉnh Quảng Trị và Hòa Bình")) == ["Quảng Trị", "Hòa Bình"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quang tri giai ngan bao nhieu nam 2023", ["Quảng Trị"]),
        ("QUANG TRI", ["Quảng Trị"]),
        ("Tinh Hoa Binh va Ha Noi", ["Hòa Bình", "Hà Nội"]),
        ("hoa binh co bao nhieu du an", ["Hòa Bình"]),  # folded text: lower case is fine
        ("vien tro cho dak lak va lao cai", ["Đắk Lắk", "Lào Cai"]),
        ("thua thien hue", ["Thừa Thiên Huế"]),
        ("son la", ["Sơn La"]),
    ],
)
def test_names_without_diacritics(text, expected):
    assert find_provinces(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tại TP.HCM", ["TP. Hồ Chí Minh"]),
        ("tp.hcm", ["TP. Hồ Chí Minh"]),
        ("TP HCM", ["TP. Hồ Chí Minh"]),
        ("TP Hồ Chí Minh", ["TP. Hồ Chí Minh"]),
        ("Liên hiệp Các tổ chức hữu nghị TP Hồ Chí Minh tổ chức tại TP Tuy Hòa", ["TP. Hồ Chí Minh"]),
        ("tại TP. Hồ Chí Minh", ["TP. Hồ Chí Minh"]),
        ("Sài Gòn", ["TP. Hồ Chí Minh"]),
        ("tỉnh Thừa Thiên - Huế", ["Thừa Thiên Huế"]),
        ("tỉnh Thừa Thiên-Huế", ["Thừa Thiên Huế"]),
        ("trên toàn quốc và Thừa Thiên Huế", ["Thừa Thiên Huế"]),
        ("Bà Rịa – Vũng Tàu", ["Bà Rịa - Vũng Tàu"]),
        ("tỉnh Bắc Cạn", ["Bắc Kạn"]),
        ("Đắc Lắc", ["Đắk Lắk"]),
    ],
)
def test_aliases(text, expected):
    assert find_provinces(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "hòa bình",  # peace
        "công tác hòa bình, đoàn kết, hữu nghị",
        "Giải thưởng hòa bình",
        "Phan Anh Sơn là Phó Chủ nhiệm",
        "Đồng chí Phan Anh Sơn là Phó Chủ nhiệm Ủy ban",
        "Chủ tịch Hồ Chí Minh",  # the person, not the city
        "tư tưởng Hồ Chí Minh",
        "ho chi minh",
        "quảng trị",  # typed with diacritics, a name is capitalised
        "Nam",
        "",
    ],
)
def test_common_words_and_people_are_not_places(text):
    assert find_provinces(text) == []


def test_people_and_peace_next_to_real_places():
    assert find_provinces("Đồng chí Phan Anh Sơn là Phó Chủ nhiệm, dự tại điểm cầu Hòa Bình") == ["Hòa Bình"]
    assert find_provinces("Thành phố Cần Thơ làm tốt công tác hòa bình, đoàn kết") == ["Cần Thơ"]
    assert find_provinces("Chủ tịch Hồ Chí Minh và tỉnh Sơn La") == ["Sơn La"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tăng cường kết nối giữa Thủ đô Hà Nội và Quảng Châu", ["Hà Nội"]),
        ("tại Thành phố Hồ Chí Minh", ["TP. Hồ Chí Minh"]),
        ("Thành phố Huế", ["Huế"]),
    ],
)
def test_official_full_names_are_found(text, expected):
    assert find_provinces(text) == expected


def test_mentions_carry_offsets_into_the_text():
    text = "Giải ngân của Quảng Trị và Hòa Bình, tại TP.HCM"
    mentions = find_province_mentions(text)
    assert [(text[m.start : m.end], m.name) for m in mentions] == [
        ("Quảng Trị", "Quảng Trị"),
        ("Hòa Bình", "Hòa Bình"),
        ("TP.HCM", "TP. Hồ Chí Minh"),
    ]
    folded = "giai ngan cua quang tri"
    [mention] = find_province_mentions(folded)
    assert folded[mention.start : mention.end] == "quang tri"


def test_provinces_in_the_corpus(cleaned_report):
    """Real reports: people named Sơn and the word for peace do not add provinces."""
    assert find_provinces(cleaned_report("001_1502ea04308651e3.txt").text) == []  # "Phan Anh Sơn - Phó ..."
    assert find_provinces(cleaned_report("004_42ce4d65ffbb8cef.txt").text) == ["Hòa Bình"]
    assert find_provinces(cleaned_report("002_193b1d33f1a3b910.txt").text) == ["Quảng Trị", "Hà Nội"]
    digest = find_provinces(cleaned_report("000_3e8bb5ddf6e4ca61.txt").text)
    assert {"Quảng Trị", "Đồng Nai", "Cần Thơ", "Thừa Thiên Huế", "Lạng Sơn"} <= set(digest)
    assert "Sơn La" not in digest


# --------------------------------------------------------------------------- get_province and the 2025 merger


def test_quang_binh_merged_into_quang_tri():
    for name in ("quang binh", "Quảng Bình", "QUẢNG BÌNH", "Quang Binh"):
        province = get_province(name)
        assert province is not None, name
        assert province.name == "Quảng Bình"
        assert province.merged_into == "Quảng Trị"
        assert province.current_name == "Quảng Trị"


def test_get_province_by_alias_and_unknown_names():
    assert get_province("TP.HCM").name == "TP. Hồ Chí Minh"
    assert get_province("Hoà Bình").name == "Hòa Bình"
    assert get_province("Quảng Trị").merged_into is None
    assert get_province("Quảng Trị").current_name == "Quảng Trị"
    assert get_province("Thừa Thiên Huế").merged_into == "Huế"
    assert get_province("Atlantis") is None
    assert get_province("") is None


def test_gazetteer_has_34_current_units():
    units = all_provinces()
    assert len(units) == 64  # 63 pre-2025 units plus Huế
    current = {p.name for p in units if p.merged_into is None and p.name != "Thừa Thiên Huế"}
    assert len(current) == 34
    assert {"Hà Nội", "TP. Hồ Chí Minh", "Huế", "Quảng Trị", "Đồng Nai", "Lào Cai"} <= current
    assert {"Quảng Bình", "Hòa Bình", "Bắc Kạn", "Yên Bái", "Thừa Thiên Huế"}.isdisjoint(current)
    # every merger points at a current unit
    assert {p.merged_into for p in units if p.merged_into} <= current
    assert all(p.kind in ("province", "city") for p in units)


# --------------------------------------------------------------------------- find_years


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Chiều 12/4/2024, Hội nghị", [2024]),
        ("12/4/2024", [2024]),
        ("15-04-2024 15:31", [2024]),
        ("từ 16/11/2023 đến ngày15/12/2024", [2023, 2024]),
        ("giai đoạn 2015 - 2023", [2015, 2023]),
        ("giai đoạn 2021-2025", [2021, 2025]),
        ("Nghị định số 58/2022/NĐ-CP", [2022]),
        ("năm 2020.", [2020]),
        ("năm 2020, có", [2020]),
        ("(2019)", [2019]),
        ("2023 2019 2023", [2019, 2023]),  # sorted, each once
        ("1940 và 2099", [1940, 2099]),
    ],
)
def test_years_are_found(text, years):
    assert find_years(text) == years


@pytest.mark.parametrize(
    "text",
    [
        "17.216.450,40 USD",
        "hơn 2.200 lượt người",
        "9.197.672,08 USD",
        "12020 đồng",
        "2019,5 triệu",
        "2,2019",
        "năm 1939",
        "năm 2100",
        "",
    ],
)
def test_parts_of_numbers_are_not_years(text):
    assert find_years(text) == []
