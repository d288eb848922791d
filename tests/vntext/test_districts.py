"""vntext.gazetteer districts and communes: keywords, bare names, lists, ambiguity, speed."""

from __future__ import annotations

import json
import time
import unicodedata
from importlib import resources

import pytest

from vntext.gazetteer import (
    all_districts,
    all_provinces,
    find_commune_mentions,
    find_district_mentions,
    find_districts,
    get_districts,
)


def names(text: str) -> list[tuple[str, str | None, bool]]:
    return [(m.name, m.province, m.explicit) for m in find_district_mentions(text)]


# --------------------------------------------------------------------------- the data


def test_every_province_has_districts_and_every_district_a_known_province():
    provinces = {p.name for p in all_provinces()}
    districts = all_districts()
    assert 690 <= len(districts) <= 720  # 696 units in mid-2025, plus two dissolved shortly before
    assert {d.province for d in districts} <= provinces
    # every pre-2025 unit has districts; Huế (a city only since 2025) has none of its own
    assert provinces - {d.province for d in districts} == {"Huế"}
    assert {d.kind for d in districts} == {"huyện", "quận", "thị xã", "thành phố"}


def test_the_data_records_its_source_and_licence():
    raw = json.loads(resources.files("vntext").joinpath("data/districts.json").read_text("utf-8"))
    assert "vietnamadminunits" in raw["_source"]
    assert raw["_licence"].startswith("MIT License")


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("Tiên Lữ", "Hưng Yên"),
        ("huyện Tiên Lữ", "Hưng Yên"),
        ("tien lu", "Hưng Yên"),
        ("Đakrông", "Quảng Trị"),  # written as one word; the data writes "Đa Krông"
        ("Dakrong", "Quảng Trị"),
        ("Tu Nghia", "Quảng Ngãi"),
        ("A Lưới", "Thừa Thiên Huế"),  # the province before 2025, not the city of Huế
        ("Ea H'leo", "Đắk Lắk"),
        ("huyện Đắk Đoa", "Gia Lai"),  # the data writes "Đak Đoa"
    ],
)
def test_get_districts(name, province):
    assert province in {d.province for d in get_districts(name)}


def test_same_name_in_several_provinces_keeps_them_all():
    assert len({d.province for d in get_districts("Châu Thành")}) == 10
    assert get_districts("Atlantis") == ()


# --------------------------------------------------------------------------- keywords


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chương trình Phát triển vùng tại huyện Tiên Lữ, gồm", [("Tiên Lữ", "Hưng Yên", True)]),
        ("Chương trình Phát triển vùng tại huyệnTiên Lữ, gồm", [("Tiên Lữ", "Hưng Yên", True)]),
        ("Chương trình vùng H.Đakrông, giai đoạn 2023-2027", [("Đa Krông", "Quảng Trị", True)]),
        ("học sinh xã Hướng Lập (H.Hướng Hóa) khi nhận quà", [("Hướng Hóa", "Quảng Trị", True)]),
        ("HUYỆN TIÊN LỮ", [("Tiên Lữ", "Hưng Yên", True)]),
        ("tại thị xã Cao Bằng, tỉnh Cao Bằng", [("Cao Bằng", "Cao Bằng", True)]),
        ("Liên hiệp tổ chức tại TP Tuy Hòa", [("Tuy Hòa", "Phú Yên", True)]),
        ("Địa chỉ: 20 Lê Đại Hành - TP.Đông Hà - tỉnh Quảng Trị", [("Đông Hà", "Quảng Trị", True)]),
        ("pupils facing hardship in Tam Dao district.", [("Tam Đảo", "Vĩnh Phúc", True)]),
        ("Hội Từ thiện (quận 4 - thành phố Hồ Chí Minh)", [("Quận 4", "TP. Hồ Chí Minh", True)]),
        ("vien tro cho huyen tien lu nam 2015", [("Tiên Lữ", "Hưng Yên", True)]),
        # a district merged into another before 2025, which the data keeps only as another spelling
        (
            "Trước năm 2020, huyện Tĩnh Gia (nay là thị xã Nghi Sơn)",
            [("Tĩnh Gia", "Thanh Hóa", True), ("Nghi Sơn", "Thanh Hóa", True)],
        ),
    ],
)
def test_districts_after_a_keyword(text, expected):
    assert names(text) == expected


def test_mentions_carry_offsets_and_kind():
    text = "Niềm vui của học sinh (H.Hướng Hóa) và thành phố Hưng Yên"
    found = find_district_mentions(text)
    assert [text[m.start : m.end] for m in found] == ["Hướng Hóa", "Hưng Yên"]
    assert [m.kind for m in found] == ["huyện", "thành phố"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "World Vision vẫn duy trì hoạt động ở thành phố Hưng Yên, huyện Kim Động, Phù Cừ vàTiên Lữ, cho",
            ["Hưng Yên", "Kim Động", "Phù Cừ", "Tiên Lữ"],
        ),
        (
            "a project covering the districts of Tu Nghia, Nghia Hanh, Son Tinh and Son Ha, as well as",
            ["Tư Nghĩa", "Nghĩa Hành", "Sơn Tịnh", "Sơn Hà"],
        ),
        (
            "chẳng hạn các huyện Hải Hậu, Xuân Trường, Giao Thuỷ, Nghĩa Hưng, Ý Yên, Vụ Bản… Tỉnh đã",
            ["Hải Hậu", "Xuân Trường", "Giao Thủy", "Nghĩa Hưng", "Ý Yên", "Vụ Bản"],
        ),
    ],
)
def test_a_list_after_a_keyword(text, expected):
    found = find_district_mentions(text)
    assert [m.name for m in found] == expected
    assert all(m.explicit for m in found)
    assert len({m.province for m in found}) == 1


def test_a_list_stops_at_the_province():
    assert names("huyện Tiên Lữ, Hưng Yên") == [("Tiên Lữ", "Hưng Yên", True)]


# --------------------------------------------------------------------------- bare names


def test_bare_names_need_the_whole_capitalised_run():
    assert names("Tổ chức Tầm nhìn thế giới đã thực hiện dự án ở 6 huyện là Văn Yên, Trấn Yên và Lục Yên.") == [
        ("Văn Yên", "Yên Bái", False),
        ("Trấn Yên", "Yên Bái", False),
        ("Lục Yên", "Yên Bái", False),
    ]
    assert names("Tại Tiên Lữ, dự án") == [("Tiên Lữ", "Hưng Yên", False)]  # a preposition opens the sentence
    # people: "Anh Sơn" is a district of Nghệ An, but here it is part of a name
    assert names("Phó Chủ tịch Liên hiệp các tổ chức hữu nghị Việt Nam Phan Anh Sơn phát biểu") == []
    assert names("Phan Anh Sơn phát biểu") == []


@pytest.mark.parametrize(
    "text",
    [
        "Chủ tịch UBND tỉnh đã đồng ý",  # "Chủ" is not Chũ
        "sự thống nhất và bình minh",  # common words
        "Thống Nhất là mục tiêu",  # a common word, capitalised at the start of a sentence
        "tại tỉnh Hà Tĩnh và Cao Bằng",  # district-level cities named like their province
        "trên đường Ngô Quyền",  # a street named like a district of Hải Phòng
        "xã Tân Phú đã nhận",  # a commune named like a district
        "các xã Hướng Tân, Hướng Linh, Hướng Sơn",  # "Hướng Sơn" is a commune, not Hương Sơn of Hà Tĩnh
        "Participants at the session. (Photo: Dinh Hoa)",  # a photographer, not Định Hóa
        "ở Đắk Đoa",  # spelt otherwise than the data, and no keyword: not guessed
        "",
    ],
)
def test_what_is_not_a_district(text):
    assert find_district_mentions(text) == []


def test_common_words_confirmed_by_their_province_or_their_list():
    assert names("Hơn 48,2 tỷ đồng cho trẻ em ở Thường Xuân (Thanh Hóa)") == [("Thường Xuân", "Thanh Hóa", False)]
    found = names("ở 6 huyện của tỉnh Yên Bái là Văn Yên, Trấn Yên, Lục Yên, Yên Bình, Trạm Tấu, Văn Chấn, tổng")
    assert [n for n, _, _ in found] == ["Văn Yên", "Trấn Yên", "Lục Yên", "Yên Bình", "Trạm Tấu", "Văn Chấn"]
    assert {p for _, p, _ in found} == {"Yên Bái"}


def test_ambiguous_names_keep_every_province_unless_the_text_says_which():
    [alone] = find_district_mentions("huyện Châu Thành")
    assert alone.province is None and len(alone.provinces) == 10
    [named] = find_district_mentions("huyện Châu Thành, tỉnh Bến Tre")
    assert named.province == "Bến Tre" and named.provinces == ("Bến Tre",)
    listed = find_district_mentions("Tân Phú và Định Quán (Đồng Nai)")
    assert [(m.name, m.province) for m in listed] == [("Tân Phú", "Đồng Nai"), ("Định Quán", "Đồng Nai")]


def test_decomposed_text_is_read_too():
    assert find_districts(unicodedata.normalize("NFD", "huyện Tiên Lữ")) == ["Tiên Lữ"]


# --------------------------------------------------------------------------- communes


def test_communes_only_after_their_keyword():
    assert find_commune_mentions("Hòa Lợi") == []
    [hoa_loi] = find_commune_mentions("02 Trường tại xã Hòa Lợi, huyện Thạnh Phú")
    assert hoa_loi.name == "Hòa Lợi" and hoa_loi.places == (("Thạnh Phú", "Bến Tre"),)
    [with_province] = find_commune_mentions("xã Hòa Lợi, tỉnh Trà Vinh")
    assert with_province.provinces == ("Trà Vinh",)
    assert len(find_commune_mentions("xã Hòa Lợi")[0].provinces) > 1
    assert find_commune_mentions("xã hội và thị xã Cao Bằng") == []


def test_a_list_of_communes_with_their_districts_in_brackets():
    text = (
        "trao 15 con bò cho hộ nghèo ở những xã Thạnh Quới (Long Hồ); Bình Phước (Mang Thít); "
        "Trung Hiệp, Trung An và Tân An Luông (Vũng Liêm), kinh phí"
    )
    found = find_commune_mentions(text)
    assert [m.name for m in found] == ["Thạnh Quới", "Bình Phước", "Trung Hiệp", "Trung An", "Tân An Luông"]
    assert all(m.provinces == ("Vĩnh Long",) for m in found)
    assert found[3].places == (("Vũng Liêm", "Vĩnh Long"),)  # the bracket after the group applies to it all
    # the districts in brackets are found as districts, the communes are not
    assert [m.name for m in find_district_mentions(text)] == ["Long Hồ", "Mang Thít", "Vũng Liêm"]


# --------------------------------------------------------------------------- the corpus and speed


def test_districts_in_a_real_report(cleaned_report):
    found = find_district_mentions(cleaned_report("003_f65ee7e4e13a0a9b.txt").text)
    assert "Na Rì" in {m.name for m in found}
    assert {m.province for m in found if m.name == "Na Rì"} == {"Bắc Kạn"}


def _timed(function, text: str) -> float:
    """CPU seconds: the machine is shared, and waiting for a core is not the code's time."""
    started = time.process_time()
    function(text)
    return time.process_time() - started


def test_a_megabyte_of_report_text_is_fast():
    find_district_mentions("huyện Tiên Lữ")  # the data is read once, on first use
    sentence = (
        "Tổ chức World Vision đã có mặt tại tỉnh Hưng Yên từ năm 1990. Ở huyện Tiên Lữ, từ năm 2011 – 2015, "
        "World Vision thực hiện Chương trình Phát triển vùng tại các xã Hải Triều, Thủ Sỹ và Thiện Phiến. "
        "Phó Chủ tịch Phan Anh Sơn cho biết Kim Động, Phù Cừ và Văn Chấn (Yên Bái) cũng được hỗ trợ.\n"
    )
    text = (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000]
    # 0.7 s and 0.3 s of CPU on the 2-core machine for this text, dense with names (14,000 districts)
    assert _timed(find_district_mentions, text) < 2.0
    assert _timed(find_commune_mentions, text) < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "huyện Châu Thành, " * 60_000,
        "xã Trung An, " * 80_000,
        "Thường Xuân (" * 80_000,
        "H." * 500_000,
        "aB" * 500_000,
        "Tân Phú Hòa Bình Quận " * 50_000,
    ],
    ids=["60k ambiguous districts", "80k communes", "80k open brackets", "500k H.", "500k camel case", "1 MB of capitals"],
)
def test_hostile_input_in_linear_time(text):
    # linear code takes a few seconds here; quadratic code would take minutes
    assert _timed(find_district_mentions, text) < 20
    assert _timed(find_commune_mentions, text) < 20


def test_province_mentions_of_normalised_text_skip_normalising_again(cleaned_report):
    from vntext.gazetteer import find_province_mentions

    text = cleaned_report("000_3e8bb5ddf6e4ca61.txt").text  # clean_text output is normalised
    assert find_province_mentions(text, normalized=True) == find_province_mentions(text)
